import { addDomain, listDomains } from '@/lib/domains/manage';
import { domainToWire } from '@/lib/domains/wire';
import { apiRoute, readJson } from '@/lib/api/handler';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/domains', {
  // POST /v1/organization/{organization_id}/domains
  POST: async ({ ctx, principal, membership, meta, request }) =>
    domainToWire(await addDomain({ ctx, principal, membership, meta, input: await readJson(request) })),

  // GET /v1/organization/{organization_id}/domains
  GET: async ({ ctx, membership }) => ({
    domains: (await listDomains({ ctx, membership })).map(domainToWire),
  }),
});
