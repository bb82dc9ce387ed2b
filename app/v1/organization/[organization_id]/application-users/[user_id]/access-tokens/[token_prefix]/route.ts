import { revokeApplicationToken } from '@/lib/appusers/manage';
import { authedRoute, methodNotAllowed } from '@/lib/http/api';
import { pathSegment } from '@/lib/http/path';

// DELETE /v1/organization/{organization_id}/application-users/{user_id}/access-tokens/{token_prefix}
export const DELETE = authedRoute(async ({ ctx, principal, organization, meta, request }) => {
  revokeApplicationToken({ ctx, principal, membership: organization, meta, userId: pathSegment(request, -3), prefix: pathSegment(request, -1) });
  return { message: 'Token revoked' };
});

const notAllowed = methodNotAllowed(['DELETE']);
export { notAllowed as GET, notAllowed as POST, notAllowed as PUT, notAllowed as PATCH };
