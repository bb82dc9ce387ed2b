import { apiRoute, readJson } from '@/lib/api/handler';
import { createPersonalToken, listTokens } from '@/lib/tokens/manage';
import { tokenToWire } from '@/lib/tokens/wire';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/access_token', {
  // POST /v1/access_token: the token object, with full_token in this response only.
  POST: async ({ ctx, principal, meta, request }) => {
    const { fullToken, token } = await createPersonalToken({ ctx, principal, meta, input: await readJson(request) });
    return { ...tokenToWire(token, principal.token.id), full_token: fullToken };
  },

  // GET /v1/access_token
  GET: async ({ ctx, principal }) => ({
    tokens: (await listTokens(ctx, principal.user.id)).map((token) => tokenToWire(token, principal.token.id)),
  }),
});
