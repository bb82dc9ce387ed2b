import { signOut } from '@/lib/auth/session';
import { authedRoute } from '@/lib/http/api';

// POST /v1/me/logout: revokes the token the request was made with.
export const POST = authedRoute(async ({ ctx, principal, meta }) => {
  signOut({ ctx, principal, meta });
  return { message: 'Signed out' };
});
