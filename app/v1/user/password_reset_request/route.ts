import { apiRoute, readJson } from '@/lib/api/handler';
import { smtpSettings } from '@/lib/mail/smtp';
import { requestPasswordReset } from '@/lib/passwords/reset';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/user/password_reset_request', {
  // POST /v1/user/password_reset_request `{"email"}` (no auth): mails a one-hour reset link if an
  // account has the address. The same 200 and message either way; 429 past the per-address or
  // per-client limits; 409 when this server has no SMTP. The mail goes out after the answer.
  POST: async ({ ctx, meta, request }) => {
    const { message } = await requestPasswordReset({ ctx, meta, input: await readJson(request), smtp: smtpSettings() });
    return { message };
  },
});
