import { NextRequest } from 'next/server';
import { apiRoute, requestMeta } from '@/lib/api/handler';
import { samlLoginGet, samlLoginPost, type SamlLoginInput } from '@/lib/saml/login';
import type { Ctx } from '@/lib/context';

type Params = { account_id: string; method_id: string };

function loginInput(request: Request, { account_id, method_id }: Params): SamlLoginInput {
  const url = new URL(request.url);
  // Next hands route handlers a NextRequest; wrapping is a no-op for its cookie reader.
  const cookies = (request instanceof NextRequest ? request : new NextRequest(request)).cookies;
  return {
    accountId: account_id,
    methodId: method_id,
    purpose: url.searchParams.get('purpose'),
    returnTo: url.searchParams.get('return_to'),
    cookies: (name) => cookies.get(name)?.value,
    headers: request.headers,
    ...requestMeta(request.headers),
  };
}

const run =
  (login: (call: { ctx: Ctx; input: SamlLoginInput }) => Promise<Response>) =>
  async ({ ctx, request, params }: { ctx: Ctx; request: Request; params: Params }) =>
    login({ ctx, input: loginInput(request, params) });

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/sso/saml/account/{account_id}/method/{method_id}/login', {
  // GET ...?purpose=signin|signup|link: SP-initiated sign-in, public. "signin" and "signup" use
  // no session and go to the IdP at once (`return_to`: a same-site path to land on afterwards,
  // carried as RelayState). "link" is the account link URL admins hand out: it only opens our
  // confirmation page, whose POST starts the link; a GET never spends the session cookie, which
  // SameSite=Lax sends on cross-site navigation.
  GET: run(samlLoginGet),
  // POST ...?purpose=link|test: starts a flow that spends the browser's session, from a form on a
  // page of ours only: the account link confirmation page (link) or the identity provider's page
  // (test). Refused from any other site.
  POST: run(samlLoginPost),
});
