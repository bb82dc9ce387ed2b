import { unlinkDomain } from '@/lib/domains/manage';
import { apiRoute } from '@/lib/api/handler';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/authentication-methods/{method_id}/domains/{domain_id}', {
  // DELETE /v1/organization/{organization_id}/authentication-methods/{authentication_method_id}/domains/{domain_id}
  DELETE: async ({ ctx, principal, membership, meta, params }) => {
    const { domain } = await unlinkDomain({
      ctx,
      principal,
      membership,
      meta,
      methodId: params.method_id,
      domainId: params.domain_id,
    });
    return { message: `Domain ${domain.domainName} unlinked` };
  },
});
