import { signOut } from '@/lib/auth/session';
import { authedRoute, methodNotAllowed } from '@/lib/http/api';

// POST /v1/me/logout: revokes the token the request was made with.
export const POST = authedRoute(async ({ ctx, principal, meta }) => {
  signOut({ ctx, principal, meta });
  return { message: 'Signed out' };
});

const notAllowed = methodNotAllowed(['POST']);
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
