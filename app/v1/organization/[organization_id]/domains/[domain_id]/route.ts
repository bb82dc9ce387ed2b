import { deleteDomain, getDomain, updateDomain } from '@/lib/domains/manage';
import { domainToWire } from '@/lib/domains/wire';
import { apiRoute, readJson } from '@/lib/api/handler';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/domains/{domain_id}', {
  // GET /v1/organization/{organization_id}/domains/{domain_id}
  GET: async ({ ctx, membership, params }) =>
    domainToWire(await getDomain({ ctx, membership }, params.domain_id)),

  // PATCH /v1/organization/{organization_id}/domains/{domain_id}: {verification_type}
  PATCH: async ({ ctx, principal, membership, meta, request, params }) =>
    domainToWire(
      await updateDomain({ ctx, principal, membership, meta, domainId: params.domain_id, input: await readJson(request) }),
    ),

  // DELETE /v1/organization/{organization_id}/domains/{domain_id}: its links go with it.
  DELETE: async ({ ctx, principal, membership, meta, params }) => {
    const { domain } = await deleteDomain({ ctx, principal, membership, meta, domainId: params.domain_id });
    return { message: `Domain ${domain.domainName} removed` };
  },
});
