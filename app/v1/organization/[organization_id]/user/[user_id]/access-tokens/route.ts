import { authedRoute, methodNotAllowed } from '@/lib/http/api';
import { pathSegment } from '@/lib/http/path';
import { listMemberTokens } from '@/lib/orgs/members';
import { tokenToWire } from '@/lib/tokens/wire';

// GET /v1/organization/{organization_id}/user/{user_id}/access-tokens
export const GET = authedRoute(async ({ ctx, principal, organization, meta, request }) => ({
  tokens: listMemberTokens({ ctx, principal, membership: organization, meta, userId: pathSegment(request, -2) }).map((token) =>
    tokenToWire(token, principal.token.id),
  ),
}));

const notAllowed = methodNotAllowed(['GET']);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
