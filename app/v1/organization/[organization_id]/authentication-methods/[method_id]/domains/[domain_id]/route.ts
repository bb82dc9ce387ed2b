import { unlinkDomain } from '@/lib/domains/manage';
import { authedRoute, methodNotAllowed } from '@/lib/http/api';
import { pathSegment } from '@/lib/http/path';

// DELETE /v1/organization/{organization_id}/authentication-methods/{authentication_method_id}/domains/{domain_id}
export const DELETE = authedRoute(async ({ ctx, principal, organization, meta, request }) => {
  const { domain } = unlinkDomain({
    ctx,
    principal,
    membership: organization,
    meta,
    methodId: pathSegment(request, -3),
    domainId: pathSegment(request, -1),
  });
  return { message: `Domain ${domain.domainName} unlinked` };
});

const notAllowed = methodNotAllowed(['DELETE']);
export { notAllowed as GET, notAllowed as POST, notAllowed as PUT, notAllowed as PATCH };
