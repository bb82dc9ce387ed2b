import { authedRoute, methodNotAllowed } from '@/lib/http/api';
import { pathSegment } from '@/lib/http/path';
import { confirmEmailVerification } from '@/lib/users/verify-email';

// POST /v1/me/email_verification/{code} (ours): proves the caller's address with the secret from
// the mailed link. Only for a login session or personal token of the account that asked (403 for
// another account's code), 404 unknown, 410 used, expired or for an address no longer the account's.
export const POST = authedRoute(async ({ ctx, principal, meta, request }) => {
  const { email, alreadyProven } = confirmEmailVerification({ ctx, principal, meta, input: { code: pathSegment(request, -1) } });
  return { message: alreadyProven ? `Your address ${email} was proven already` : `Your address ${email} is now proven` };
});

const notAllowed = methodNotAllowed(['POST']);
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
