import { apiRoute } from '@/lib/api/handler';
import { revokeMemberToken } from '@/lib/users/members';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/user/{user_id}/access-token/{token_prefix}', {
  // DELETE /v1/organization/{organization_id}/user/{user_id}/access-token/{token_prefix}
  // (singular, as upstream). The prefix may hold "/", "+" or "=": it is decoded once from the raw path.
  DELETE: async ({ ctx, principal, membership, meta, params }) => {
    const token = await revokeMemberToken({
      ctx,
      principal,
      membership,
      meta,
      userId: params.user_id,
      prefix: params.token_prefix,
    });
    return { message: `Token ${token.tokenPrefix} revoked` };
  },
});
