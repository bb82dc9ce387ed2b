import { signOut } from '@/lib/auth/session';
import { apiRoute } from '@/lib/api/handler';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/me/logout', {
  // POST /v1/me/logout: revokes the token the request was made with.
  POST: async ({ ctx, principal, meta }) => {
    await signOut({ ctx, principal, meta });
    return { message: 'Signed out' };
  },
});
