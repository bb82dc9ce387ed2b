import { sessionTokenFromCookies } from '@/lib/auth/session';
import { liveCtx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { safeReturnPath } from '@/lib/http/areas';
import { apiRoute, requestMeta } from '@/lib/http/api';
import { assertNoHeldBackSession, authorizeSessionStart } from '@/lib/saml/authorize-start';
import { SamlError } from '@/lib/saml/errors';
import { failurePage, htmlResponse } from '@/lib/saml/html';
import { SAML_PURPOSES, type SamlPurpose } from '@/lib/saml/schema';
import { findMethod, REQUEST_LIFETIME_MS, startSamlSignIn, type MethodWithOrganization } from '@/lib/saml/start';
import { linkConfirmationPath, publicBaseUrl, requestCookieHeader } from '@/lib/saml/urls';

type Params = { account_id: string; method_id: string };

function cookieValue(request: Request, name: string): string | undefined {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

const refusal = (error: SamlError, next?: { href: string; label: string }[]) => htmlResponse(failurePage(error, next), error.status);

/** A refusal page that leads on: a held-back session to its enrollment, others back to sign-in. */
function refusalPage(error: SamlError) {
  if (error.reason === 'two_factor_enrollment_required') return refusal(error, [{ href: '/profile/authentication', label: 'Set up two-factor authentication' }]);
  if (error.reason === 'cross_site' || error.reason === 'link_not_member') return refusal(error, [{ href: '/', label: 'Go to the console' }]);
  return refusal(error);
}

function purposeOf(value: string | null): SamlPurpose | SamlError {
  const purpose = value ?? 'signin';
  if ((SAML_PURPOSES as readonly string[]).includes(purpose)) return purpose as SamlPurpose;
  return new SamlError('malformed', `Unknown purpose "${purpose}": use signin, signup, link or test.`);
}

/** Records the request and sends the browser to the IdP (303), tied to this browser over https. */
async function redirectToIdp(found: MethodWithOrganization, purpose: SamlPurpose, userId: string | null, returnTo: string | null) {
  const baseUrl = publicBaseUrl();
  try {
    const { redirectUrl, requestId } = await startSamlSignIn({ ctx: liveCtx(), found, purpose, userId, baseUrl, returnTo });
    const headers = new Headers({ location: redirectUrl, 'cache-control': 'no-store' });
    // Over https, the request is tied to this browser (checked at the ACS).
    const binding = requestCookieHeader(requestId, baseUrl, REQUEST_LIFETIME_MS / 1000);
    if (binding) headers.append('set-cookie', binding);
    return new Response(null, { status: 303, headers });
  } catch (error) {
    if (error instanceof SamlError) return refusalPage(error);
    throw error;
  }
}

const seeOther = (path: string) => new Response(null, { status: 303, headers: { location: `${publicBaseUrl()}${path}`, 'cache-control': 'no-store' } });

// GET /v1/sso/saml/account/{account_id}/method/{method_id}/login?purpose=signin|signup|link:
// SP-initiated sign-in, public. "signin" and "signup" use no session and go to the IdP at once
// (`return_to`: a same-site path to land on afterwards, carried as RelayState). "link" is the
// account link URL admins hand out: it only opens our confirmation page, whose POST starts the
// link; a GET never spends the session cookie, which SameSite=Lax sends on cross-site navigation.
async function start(request: Request, { account_id, method_id }: Params) {
  const url = new URL(request.url);
  const purpose = purposeOf(url.searchParams.get('purpose'));
  if (purpose instanceof SamlError) return refusal(purpose);
  const ctx = liveCtx();
  const found = findMethod(ctx, account_id, method_id);
  if (!found) return refusal(new SamlError('unknown_method', 'There is no such identity provider.'));
  if (purpose === 'link') return seeOther(linkConfirmationPath(account_id, method_id));
  if (purpose === 'test') {
    return htmlResponse(
      failurePage(
        new SamlError('forbidden', 'A test sign-in starts from the "Test sign-in" button on the identity provider\'s page in the console.'),
        [{ href: `/admin/identity-providers/${encodeURIComponent(method_id)}`, label: 'Open the identity provider' }],
        { recorded: false },
      ),
      405,
      { allow: 'POST' },
    );
  }
  try {
    const cookieToken = sessionTokenFromCookies((name) => cookieValue(request, name));
    assertNoHeldBackSession({ ctx, input: { purpose, found, cookieToken, ...requestMeta(request.headers) } });
  } catch (error) {
    if (error instanceof SamlError) return refusalPage(error);
    throw error;
  }
  return redirectToIdp(found, purpose, null, safeReturnPath(url.searchParams.get('return_to')));
}

// POST /v1/sso/saml/account/{account_id}/method/{method_id}/login?purpose=link|test: starts a
// flow that spends the browser's session, from a form on a page of ours only: the account link
// confirmation page (link) or the identity provider's page (test). Refused from any other site.
async function startWithSession(request: Request, { account_id, method_id }: Params) {
  const url = new URL(request.url);
  const purpose = purposeOf(url.searchParams.get('purpose'));
  if (purpose instanceof SamlError) return refusal(purpose);
  if (purpose !== 'link' && purpose !== 'test') {
    return refusal(new SamlError('malformed', `Purpose "${purpose}" starts with a GET of this URL; POST is for link and test.`));
  }
  const ctx = liveCtx();
  const found = findMethod(ctx, account_id, method_id);
  if (!found) return refusal(new SamlError('unknown_method', 'There is no such identity provider.'));
  let userId: string;
  try {
    const cookieToken = sessionTokenFromCookies((name) => cookieValue(request, name));
    const { principal } = authorizeSessionStart({
      ctx,
      input: { purpose, found, cookieToken, headers: request.headers, baseUrl: publicBaseUrl(), ...requestMeta(request.headers) },
    });
    userId = principal.user.id;
  } catch (error) {
    if (error instanceof AppError && error.status === 401) {
      // Sign in, then back to the page the POST belongs to, to confirm again.
      const back = purpose === 'link' ? linkConfirmationPath(account_id, method_id) : `/admin/identity-providers/${encodeURIComponent(method_id)}`;
      return seeOther(`/signin?callbackUrl=${encodeURIComponent(back)}`);
    }
    if (error instanceof SamlError) return refusalPage(error);
    throw error;
  }
  return redirectToIdp(found, purpose, userId, null);
}

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/sso/saml/account/{account_id}/method/{method_id}/login', {
  GET: async ({ request, params }) => start(request, params),
  POST: async ({ request, params }) => startWithSession(request, params),
});
