import { authedRoute, methodNotAllowed } from '@/lib/http/api';
import { pathSegment } from '@/lib/http/path';
import { revokeMemberToken } from '@/lib/orgs/members';

// DELETE /v1/organization/{organization_id}/user/{user_id}/access-token/{token_prefix}
// (singular, as upstream). The prefix may hold "/", "+" or "=": it is decoded once from the raw path.
export const DELETE = authedRoute(async ({ ctx, principal, organization, meta, request }) => {
  const token = revokeMemberToken({
    ctx,
    principal,
    membership: organization,
    meta,
    userId: pathSegment(request, -3),
    prefix: pathSegment(request, -1),
  });
  return { message: `Token ${token.tokenPrefix} revoked` };
});

const notAllowed = methodNotAllowed(['DELETE']);
export { notAllowed as GET, notAllowed as POST, notAllowed as PUT, notAllowed as PATCH };
