import { signInWithPassword } from '@/lib/sign-in/password';
import { userAuthSchema } from '@/lib/sign-in/schema';
import { parseInput } from '@/lib/errors';
import { apiRoute, readJson } from '@/lib/api/handler';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/userauth', {
  // POST /v1/userauth: email and password in, a login-created token out (avn user login). For
  // an account with two-factor authentication, 510 until the request carries `otp` (avn then
  // asks for the code and repeats the request with it); a wrong or used code is 401.
  POST: async ({ ctx, meta, request }) => {
    const input = parseInput(userAuthSchema, await readJson(request));
    const { user, fullToken } = await signInWithPassword({ ctx, input, meta, sessionDescription: 'API sign-in' });
    return { token: fullToken, state: user.state, user_email: user.email };
  },
});
