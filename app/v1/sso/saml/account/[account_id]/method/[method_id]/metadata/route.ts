import { liveCtx } from '@/lib/context';
import { apiRoute } from '@/lib/api/handler';
import { serviceProviderMetadata } from '@/lib/saml/metadata';
import { findMethod } from '@/lib/saml/start';
import { publicBaseUrl } from '@/lib/http/public-url';

// GET /v1/sso/saml/account/{account_id}/method/{method_id}/metadata: our SP metadata (public: IdPs read it).
export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/sso/saml/account/{account_id}/method/{method_id}/metadata', {
  GET: async ({ params: { account_id, method_id } }) => {
    const found = await findMethod(liveCtx(), account_id, method_id);
    if (!found) return new Response('No such identity provider', { status: 404, headers: { 'content-type': 'text/plain' } });
    return new Response(serviceProviderMetadata(found.method, found.organization.accountId, publicBaseUrl()), {
      headers: { 'content-type': 'application/samlmetadata+xml; charset=utf-8', 'cache-control': 'no-store' },
    });
  },
});
