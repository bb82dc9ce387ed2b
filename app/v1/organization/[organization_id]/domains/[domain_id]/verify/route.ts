import { verifyDomain } from '@/lib/domains/manage';
import { domainToWire } from '@/lib/domains/wire';
import { apiRoute } from '@/lib/api/handler';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/domains/{domain_id}/verify', {
  // POST /v1/organization/{organization_id}/domains/{domain_id}/verify: looks the challenge up
  // now. The domain object comes back whatever was found: `state` and `last_check_result` say it.
  POST: async ({ ctx, principal, membership, meta, params }) =>
    domainToWire(await verifyDomain({ ctx, principal, membership, meta, domainId: params.domain_id })),
});
