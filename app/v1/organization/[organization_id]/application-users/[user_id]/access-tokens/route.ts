import { createApplicationToken, listApplicationTokens } from '@/lib/appusers/manage';
import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';
import { pathSegment } from '@/lib/http/path';
import { tokenToWire } from '@/lib/tokens/wire';

// POST /v1/organization/{organization_id}/application-users/{user_id}/access-tokens: only
// {full_token, token_prefix}, as upstream answers.
export const POST = authedRoute(async ({ ctx, principal, organization, meta, request }) => {
  const { fullToken, token } = createApplicationToken({
    ctx,
    principal,
    membership: organization,
    meta,
    userId: pathSegment(request, -2),
    input: await readJson(request),
  });
  return { full_token: fullToken, token_prefix: token.tokenPrefix };
});

// GET /v1/organization/{organization_id}/application-users/{user_id}/access-tokens
export const GET = authedRoute(async ({ ctx, principal, organization, request }) => ({
  tokens: listApplicationTokens({ ctx, membership: organization }, pathSegment(request, -2)).map((t) => tokenToWire(t, principal.token.id)),
}));

const notAllowed = methodNotAllowed(['GET', 'POST']);
export { notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
