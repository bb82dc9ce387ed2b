import { linkDomain, listMethodDomains } from '@/lib/domains/manage';
import { domainToWire } from '@/lib/domains/wire';
import { apiRoute, readJson } from '@/lib/api/handler';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/authentication-methods/{method_id}/domains', {
  // PUT /v1/organization/{organization_id}/authentication-methods/{authentication_method_id}/domains: {domain_id}
  PUT: async ({ ctx, principal, membership, meta, request, params }) =>
    domainToWire(
      await linkDomain({ ctx, principal, membership, meta, methodId: params.method_id, input: await readJson(request) }),
    ),

  // GET /v1/organization/{organization_id}/authentication-methods/{authentication_method_id}/domains
  GET: async ({ ctx, membership, params }) => ({
    domains: (await listMethodDomains({ ctx, membership }, params.method_id)).map(domainToWire),
  }),
});
