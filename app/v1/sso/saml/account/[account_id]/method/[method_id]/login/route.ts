import type { NextRequest } from 'next/server';
import { liveCtx } from '@/lib/context';
import { methodNotAllowed, requestMeta } from '@/lib/http/api';
import { samlLoginGet, samlLoginPost, type SamlLoginInput } from '@/lib/saml/login';

type Params = { params: Promise<{ account_id: string; method_id: string }> };

async function loginInput(request: NextRequest, { params }: Params): Promise<SamlLoginInput> {
  const { account_id, method_id } = await params;
  const url = new URL(request.url);
  return {
    accountId: account_id,
    methodId: method_id,
    purpose: url.searchParams.get('purpose'),
    returnTo: url.searchParams.get('return_to'),
    cookies: (name) => request.cookies.get(name)?.value,
    headers: request.headers,
    ...requestMeta(request.headers),
  };
}

// GET /v1/sso/saml/account/{account_id}/method/{method_id}/login?purpose=signin|signup|link:
// SP-initiated sign-in, public. "signin" and "signup" use no session and go to the IdP at once
// (`return_to`: a same-site path to land on afterwards, carried as RelayState). "link" is the
// account link URL admins hand out: it only opens our confirmation page, whose POST starts the
// link; a GET never spends the session cookie, which SameSite=Lax sends on cross-site navigation.
export async function GET(request: NextRequest, context: Params) {
  return samlLoginGet({ ctx: liveCtx(), input: await loginInput(request, context) });
}

// POST /v1/sso/saml/account/{account_id}/method/{method_id}/login?purpose=link|test: starts a
// flow that spends the browser's session, from a form on a page of ours only: the account link
// confirmation page (link) or the identity provider's page (test). Refused from any other site.
export async function POST(request: NextRequest, context: Params) {
  return samlLoginPost({ ctx: liveCtx(), input: await loginInput(request, context) });
}

const notAllowed = methodNotAllowed(['GET', 'POST']);
export { notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
