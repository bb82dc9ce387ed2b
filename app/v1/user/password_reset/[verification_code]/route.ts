import { AppError } from '@/lib/errors';
import { apiRoute, readJson } from '@/lib/api/handler';
import { completePasswordReset } from '@/lib/passwords/reset';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/user/password_reset/{verification_code}', {
  // POST /v1/user/password_reset/{verification_code} `{"new_password"}` (no auth): sets the password
  // of the account the code names, ends all its login sessions. 404 unknown code, 410 used, expired
  // or made for an address the account no longer has. An Authorization header changes nothing.
  POST: async ({ ctx, meta, params, request }) => {
    const body = await readJson(request);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AppError('bad_request', 'Request body must be a JSON object');
    const { email } = await completePasswordReset({ ctx, meta, input: { ...body, code: params.verification_code } });
    return { message: `The password of ${email} is reset: sign in with the new password` };
  },
});
