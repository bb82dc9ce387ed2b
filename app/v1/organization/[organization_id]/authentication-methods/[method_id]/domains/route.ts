import { linkDomain, listMethodDomains } from '@/lib/domains/manage';
import { domainToWire } from '@/lib/domains/wire';
import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';
import { pathSegment } from '@/lib/http/path';

// PUT /v1/organization/{organization_id}/authentication-methods/{authentication_method_id}/domains: {domain_id}
export const PUT = authedRoute(async ({ ctx, principal, organization, meta, request }) =>
  domainToWire(
    linkDomain({ ctx, principal, membership: organization, meta, methodId: pathSegment(request, -2), input: await readJson(request) }),
  ),
);

// GET /v1/organization/{organization_id}/authentication-methods/{authentication_method_id}/domains
export const GET = authedRoute(async ({ ctx, organization, request }) => ({
  domains: listMethodDomains({ ctx, membership: organization }, pathSegment(request, -2)).map(domainToWire),
}));

const notAllowed = methodNotAllowed(['GET', 'PUT']);
export { notAllowed as POST, notAllowed as PATCH, notAllowed as DELETE };
