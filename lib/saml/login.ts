import { sessionTokenFromCookies } from '@/lib/auth/session';
import type { RequestMeta } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { safeReturnPath } from '@/lib/http/areas';
import { publicBaseUrl } from '@/lib/http/public-url';
import type { HeaderReader } from '@/lib/http/same-origin';
import { assertNoHeldBackSession, authorizeSessionStart } from './authorize-start';
import { countSamlRefusal } from '@/lib/metrics/count';
import { SamlError } from './errors';
import { failurePage, htmlResponse } from './html';
import { SAML_PURPOSES, type SamlPurpose } from '@/lib/identity-providers/schema';
import { findMethod, REQUEST_LIFETIME_MS, startSamlSignIn, type MethodWithOrganization } from './start';
import { linkConfirmationPath, requestCookieHeader } from '@/lib/identity-providers/urls';

// The SP-initiated start, GET and POST /v1/sso/saml/account/{account_id}/method/{method_id}/login
// (the route file is an adapter over these two functions). "signin" and "signup" use no session
// and go to the IdP at once; "link" and "test" spend the browser's session, so they start only
// from a same-origin POST (lib/saml/authorize-start.ts). Every answer is a page or a redirect for
// a browser, never the API's JSON: people follow these links.

export type SamlLoginInput = {
  accountId: string;
  methodId: string;
  /** `?purpose=`: signin (the default), signup, link or test. */
  purpose: string | null;
  /** `?return_to=`: a same-site path to land on after a sign-in, carried as RelayState. */
  returnTo: string | null;
  /** The request's cookies by name (the session cookie is read through lib/auth/session.ts). */
  cookies: (name: string) => string | undefined;
  headers: HeaderReader;
} & RequestMeta;

type LoginCall = { ctx: Ctx; input: SamlLoginInput; baseUrl?: string };

// Every refused start of a SAML sign-in is answered here: the one place that counts them (by reason) for the metrics.
const refusal = (error: SamlError, next?: { href: string; label: string }[]) => {
  countSamlRefusal(error.reason, 'start');
  return htmlResponse(failurePage(error, next), error.status);
};

/** A refusal page that leads on: a held-back session to its enrollment, others back to sign-in. */
function refusalPage(error: SamlError): Response {
  if (error.reason === 'two_factor_enrollment_required') return refusal(error, [{ href: '/profile/authentication', label: 'Set up two-factor authentication' }]);
  if (error.reason === 'cross_site' || error.reason === 'link_not_member') return refusal(error, [{ href: '/', label: 'Go to the console' }]);
  return refusal(error);
}

function purposeOf(value: string | null): SamlPurpose | SamlError {
  const purpose = value ?? 'signin';
  if ((SAML_PURPOSES as readonly string[]).includes(purpose)) return purpose as SamlPurpose;
  return new SamlError('malformed', `Unknown purpose "${purpose}": use signin, signup, link or test.`);
}

const unknownMethod = () => refusal(new SamlError('unknown_method', 'There is no such identity provider.'));

const seeOther = (baseUrl: string, path: string) => new Response(null, { status: 303, headers: { location: `${baseUrl}${path}`, 'cache-control': 'no-store' } });

/** Records the request and sends the browser to the IdP (303), tied to this browser over https. */
async function redirectToIdp(ctx: Ctx, baseUrl: string, found: MethodWithOrganization, purpose: SamlPurpose, userId: string | null, returnTo: string | null) {
  try {
    const { redirectUrl, requestId } = await startSamlSignIn({ ctx, found, purpose, userId, baseUrl, returnTo });
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

/**
 * GET: "signin" and "signup" go to the IdP (unless the browser's session is one that two-factor
 * enrollment holds back); "link" is the account link URL admins hand out and only opens our
 * confirmation page, so a GET never spends the session cookie, which SameSite=Lax sends on
 * cross-site navigation; "test" is a POST from the identity provider's page (405).
 */
export async function samlLoginGet({ ctx, input, baseUrl = publicBaseUrl() }: LoginCall): Promise<Response> {
  const purpose = purposeOf(input.purpose);
  if (purpose instanceof SamlError) return refusal(purpose);
  const found = await findMethod(ctx, input.accountId, input.methodId);
  if (!found) return unknownMethod();
  if (purpose === 'link') return seeOther(baseUrl, linkConfirmationPath(input.accountId, input.methodId));
  if (purpose === 'test') {
    return htmlResponse(
      failurePage(
        new SamlError('forbidden', 'A test sign-in starts from the "Test sign-in" button on the identity provider\'s page in the console.'),
        [{ href: `/admin/identity-providers/${encodeURIComponent(input.methodId)}`, label: 'Open the identity provider' }],
        { recorded: false },
      ),
      405,
      { allow: 'POST' },
    );
  }
  try {
    const cookieToken = sessionTokenFromCookies(input.cookies, baseUrl);
    await assertNoHeldBackSession({ ctx, input: { purpose, found, cookieToken, ip: input.ip, userAgent: input.userAgent } });
  } catch (error) {
    if (error instanceof SamlError) return refusalPage(error);
    throw error;
  }
  return await redirectToIdp(ctx, baseUrl, found, purpose, null, safeReturnPath(input.returnTo));
}

/**
 * POST: "link" and "test", which spend the browser's session, from a form on a page of ours
 * only (the account link confirmation page, the identity provider's page). Without a live
 * session the browser goes to sign in and back to that page; any other refusal is a page.
 */
export async function samlLoginPost({ ctx, input, baseUrl = publicBaseUrl() }: LoginCall): Promise<Response> {
  const purpose = purposeOf(input.purpose);
  if (purpose instanceof SamlError) return refusal(purpose);
  if (purpose !== 'link' && purpose !== 'test') {
    return refusal(new SamlError('malformed', `Purpose "${purpose}" starts with a GET of this URL; POST is for link and test.`));
  }
  const found = await findMethod(ctx, input.accountId, input.methodId);
  if (!found) return unknownMethod();
  let userId: string;
  try {
    const cookieToken = sessionTokenFromCookies(input.cookies, baseUrl);
    const { principal } = await authorizeSessionStart({
      ctx,
      input: { purpose, found, cookieToken, headers: input.headers, baseUrl, ip: input.ip, userAgent: input.userAgent },
    });
    userId = principal.user.id;
  } catch (error) {
    if (error instanceof AppError && error.status === 401) {
      // Sign in, then back to the page the POST belongs to, to confirm again.
      const back = purpose === 'link' ? linkConfirmationPath(input.accountId, input.methodId) : `/admin/identity-providers/${encodeURIComponent(input.methodId)}`;
      return seeOther(baseUrl, `/signin?callbackUrl=${encodeURIComponent(back)}`);
    }
    if (error instanceof SamlError) return refusalPage(error);
    throw error;
  }
  return await redirectToIdp(ctx, baseUrl, found, purpose, userId, null);
}
