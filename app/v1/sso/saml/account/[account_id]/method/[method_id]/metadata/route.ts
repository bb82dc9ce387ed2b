import { liveCtx } from '@/lib/context';
import { methodNotAllowed } from '@/lib/http/api';
import { serviceProviderMetadata } from '@/lib/saml/metadata';
import { findMethod } from '@/lib/saml/start';
import { publicBaseUrl } from '@/lib/http/public-url';

type Params = { params: Promise<{ account_id: string; method_id: string }> };

// GET /v1/sso/saml/account/{account_id}/method/{method_id}/metadata: our SP metadata (public: IdPs read it).
export async function GET(_request: Request, { params }: Params) {
  const { account_id, method_id } = await params;
  const found = findMethod(liveCtx(), account_id, method_id);
  if (!found) return new Response('No such identity provider', { status: 404, headers: { 'content-type': 'text/plain' } });
  return new Response(serviceProviderMetadata(found.method, found.organization.accountId, publicBaseUrl()), {
    headers: { 'content-type': 'application/samlmetadata+xml; charset=utf-8', 'cache-control': 'no-store' },
  });
}

const notAllowed = methodNotAllowed(['GET']);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
