import { apiRoute } from '@/lib/api/handler';
import { confirmEmailVerification } from '@/lib/users/verify-email';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/me/email_verification/{code}', {
  // POST /v1/me/email_verification/{code} (ours): proves the caller's address with the secret from
  // the mailed link. Only for a login session or personal token of the account that asked (403 for
  // another account's code), 404 unknown, 410 used, expired or for an address no longer the account's.
  POST: async ({ ctx, principal, meta, params }) => {
    const { email, alreadyProven } = await confirmEmailVerification({ ctx, principal, meta, input: { code: params.code } });
    return { message: alreadyProven ? `Your address ${email} was proven already` : `Your address ${email} is now proven` };
  },
});
