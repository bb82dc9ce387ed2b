import { signInWithPassword } from '@/lib/auth/sign-in';
import { userAuthSchema } from '@/lib/auth/schema';
import { parseInput } from '@/lib/errors';
import { methodNotAllowed, publicRoute, readJson } from '@/lib/http/api';

// POST /v1/userauth: email and password in, a login-created token out (avn user login). For
// an account with two-factor authentication, 510 until the request carries `otp` (avn then
// asks for the code and repeats the request with it); a wrong or used code is 401.
export const POST = publicRoute(async ({ ctx, meta, request }) => {
  const input = parseInput(userAuthSchema, await readJson(request));
  const { user, fullToken } = await signInWithPassword({ ctx, input, meta, sessionDescription: 'API sign-in' });
  return { token: fullToken, state: user.state, user_email: user.email };
});

const notAllowed = methodNotAllowed(['POST']);
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
