import { authedRoute, methodNotAllowed } from '@/lib/http/api';
import { pathSegment } from '@/lib/http/path';
import { listMemberAuthenticationMethods } from '@/lib/orgs/members';
import { authenticationMethodToWire } from '@/lib/orgs/wire';

// GET /v1/organization/{organization_id}/user/{user_id}/authentication_methods
export const GET = authedRoute(async ({ ctx, principal, organization, meta, request }) => ({
  authentication_methods: listMemberAuthenticationMethods({
    ctx,
    principal,
    membership: organization,
    meta,
    userId: pathSegment(request, -2),
  }).map((method) => authenticationMethodToWire(method, organization!.organization)),
}));

const notAllowed = methodNotAllowed(['GET']);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
