import { revokeApplicationToken } from '@/lib/application-users/manage';
import { apiRoute } from '@/lib/api/handler';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/application-users/{user_id}/access-tokens/{token_prefix}', {
  // DELETE /v1/organization/{organization_id}/application-users/{user_id}/access-tokens/{token_prefix}
  DELETE: async ({ ctx, principal, membership, meta, params }) => {
    await revokeApplicationToken({ ctx, principal, membership, meta, userId: params.user_id, prefix: params.token_prefix });
    return { message: 'Token revoked' };
  },
});
