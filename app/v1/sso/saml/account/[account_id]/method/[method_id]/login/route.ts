import { authenticate } from '@/lib/auth/gate';
import { sessionTokenFromCookies } from '@/lib/auth/session';
import { liveCtx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { safeReturnPath } from '@/lib/http/areas';
import { methodNotAllowed, requestMeta } from '@/lib/http/api';
import { canTest } from '@/lib/saml/acs';
import { SamlError } from '@/lib/saml/errors';
import { failurePage, htmlResponse } from '@/lib/saml/html';
import { SAML_PURPOSES, type SamlPurpose } from '@/lib/saml/schema';
import { findMethod, REQUEST_LIFETIME_MS, startSamlSignIn } from '@/lib/saml/start';
import { publicBaseUrl, requestCookieHeader } from '@/lib/saml/urls';

type Params = { params: Promise<{ account_id: string; method_id: string }> };

function cookieValue(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

// GET /v1/sso/saml/account/{account_id}/method/{method_id}/login?purpose=signin|signup|link|test:
// SP-initiated sign-in. Public; "link" and "test" need the browser's session (sign-in first).
// `return_to`: a same-site path to land on after signing in (carried to the IdP and back as RelayState).
export async function GET(request: Request, { params }: Params) {
  const { account_id, method_id } = await params;
  const url = new URL(request.url);
  const purposeParam = url.searchParams.get('purpose') ?? 'signin';
  if (!(SAML_PURPOSES as readonly string[]).includes(purposeParam)) {
    return htmlResponse(failurePage(new SamlError('malformed', `Unknown purpose "${purposeParam}": use signin, signup, link or test.`)), 400);
  }
  const purpose = purposeParam as SamlPurpose;
  const ctx = liveCtx();
  const baseUrl = publicBaseUrl();
  const found = findMethod(ctx, account_id, method_id);
  if (!found) return htmlResponse(failurePage(new SamlError('unknown_method', 'There is no such identity provider.')), 404);
  let userId: string | null = null;
  if (purpose === 'link' || purpose === 'test') {
    // Who is linking (or testing) is the signed-in user: the session cookie, checked by the gate.
    const here = `${url.pathname}${url.search}`;
    const cookieToken = sessionTokenFromCookies((name) => cookieValue(request, name));
    try {
      if (!cookieToken) throw new AppError('unauthorized', 'not signed in');
      userId = authenticate({ ctx, input: { authorization: null, cookieToken, ...requestMeta(request.headers) } }).user.id;
    } catch (error) {
      if (error instanceof AppError && error.status === 401) {
        return Response.redirect(`${baseUrl}/signin?callbackUrl=${encodeURIComponent(here)}`, 303);
      }
      if (error instanceof AppError) return htmlResponse(failurePage(new SamlError('forbidden', error.message)), 403);
      throw error;
    }
    if (purpose === 'test' && !canTest(ctx, userId, found.organization.id)) {
      return htmlResponse(failurePage(new SamlError('forbidden', 'Only super admins of the organization may test its identity providers.')), 403);
    }
  }
  try {
    const returnTo = safeReturnPath(url.searchParams.get('return_to'));
    const { redirectUrl, requestId } = await startSamlSignIn({ ctx, found, purpose, userId, baseUrl, returnTo });
    const headers = new Headers({ location: redirectUrl, 'cache-control': 'no-store' });
    // Over https, the request is tied to this browser (checked at the ACS).
    const binding = requestCookieHeader(requestId, baseUrl, REQUEST_LIFETIME_MS / 1000);
    if (binding) headers.append('set-cookie', binding);
    return new Response(null, { status: 303, headers });
  } catch (error) {
    if (error instanceof SamlError) return htmlResponse(failurePage(error), error.status);
    throw error;
  }
}

const notAllowed = methodNotAllowed(['GET']);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
