import { createApplicationToken, listApplicationTokens } from '@/lib/application-users/manage';
import { apiRoute, readJson } from '@/lib/api/handler';
import { tokenToWire } from '@/lib/tokens/wire';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/application-users/{user_id}/access-tokens', {
  // POST /v1/organization/{organization_id}/application-users/{user_id}/access-tokens: only
  // {full_token, token_prefix}, as upstream answers.
  POST: async ({ ctx, principal, membership, meta, request, params }) => {
    const { fullToken, token } = await createApplicationToken({
      ctx,
      principal,
      membership,
      meta,
      userId: params.user_id,
      input: await readJson(request),
    });
    return { full_token: fullToken, token_prefix: token.tokenPrefix };
  },

  // GET /v1/organization/{organization_id}/application-users/{user_id}/access-tokens
  GET: async ({ ctx, principal, membership, params }) => ({
    tokens: (await listApplicationTokens({ ctx, membership }, params.user_id)).map((t) => tokenToWire(t, principal.token.id)),
  }),
});
