import { methodNotAllowed, publicRoute, readJson } from '@/lib/http/api';
import { smtpSettings } from '@/lib/mail/smtp';
import { requestPasswordReset } from '@/lib/users/password-reset';

// POST /v1/user/password_reset_request `{"email"}` (no auth): mails a one-hour reset link if an
// account has the address. The same 200 and message either way; 429 past the per-address or
// per-client limits; 409 when this server has no SMTP. The mail goes out after the answer.
export const POST = publicRoute(async ({ ctx, meta, request }) => {
  const { message } = await requestPasswordReset({ ctx, meta, input: await readJson(request), smtp: smtpSettings() });
  return { message };
});

const notAllowed = methodNotAllowed(['POST']);
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
