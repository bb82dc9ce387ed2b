import { apiRoute } from '@/lib/api/handler';
import { listMemberTokens } from '@/lib/users/members';
import { tokenToWire } from '@/lib/tokens/wire';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/user/{user_id}/access-tokens', {
  // GET /v1/organization/{organization_id}/user/{user_id}/access-tokens
  GET: async ({ ctx, principal, membership, meta, params }) => ({
    tokens: (await listMemberTokens({ ctx, principal, membership, meta, userId: params.user_id })).map((token) =>
      tokenToWire(token, principal.token.id),
    ),
  }),
});
