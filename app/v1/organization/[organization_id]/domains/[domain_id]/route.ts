import { deleteDomain, getDomain, updateDomain } from '@/lib/domains/manage';
import { domainToWire } from '@/lib/domains/wire';
import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';
import { pathSegment } from '@/lib/http/path';

// GET /v1/organization/{organization_id}/domains/{domain_id}
export const GET = authedRoute(async ({ ctx, organization, request }) =>
  domainToWire(getDomain({ ctx, membership: organization }, pathSegment(request, -1))),
);

// PATCH /v1/organization/{organization_id}/domains/{domain_id}: {verification_type}
export const PATCH = authedRoute(async ({ ctx, principal, organization, meta, request }) =>
  domainToWire(
    updateDomain({ ctx, principal, membership: organization, meta, domainId: pathSegment(request, -1), input: await readJson(request) }),
  ),
);

// DELETE /v1/organization/{organization_id}/domains/{domain_id}: its links go with it.
export const DELETE = authedRoute(async ({ ctx, principal, organization, meta, request }) => {
  const { domain } = deleteDomain({ ctx, principal, membership: organization, meta, domainId: pathSegment(request, -1) });
  return { message: `Domain ${domain.domainName} removed` };
});

const notAllowed = methodNotAllowed(['GET', 'PATCH', 'DELETE']);
export { notAllowed as POST, notAllowed as PUT };
