import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';
import { createPersonalToken, listTokens } from '@/lib/tokens/manage';
import { tokenToWire } from '@/lib/tokens/wire';

// POST /v1/access_token: the token object, with full_token in this response only.
export const POST = authedRoute(async ({ ctx, principal, meta, request }) => {
  const { fullToken, token } = createPersonalToken({ ctx, principal, meta, input: await readJson(request) });
  return { ...tokenToWire(token, principal.token.id), full_token: fullToken };
});

// GET /v1/access_token
export const GET = authedRoute(async ({ ctx, principal }) => ({
  tokens: listTokens(ctx, principal.user.id).map((token) => tokenToWire(token, principal.token.id)),
}));

const notAllowed = methodNotAllowed(['GET', 'POST']);
export { notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
