import type { APIRequestContext } from '@playwright/test';
import { eq } from 'drizzle-orm';
import { samlRequests } from '@/db/tables';
import { expect } from '@playwright/test';
import { auth } from './fixtures';
import { servers } from './env';
import { db, organizationByName } from './seed';
import { readAuthnRequest, TestIdp, type ResponseOptions } from '@/lib/testing/saml-idp';
import { usedSecret } from './secrets';

// SAML helpers for the API and browser tests: an identity provider configured through the API
// against a TestIdp (lib/testing/saml-idp.ts) running in the test process on 127.0.0.1.

export { TestIdp };

export const accountIdOf = async (organizationName: string) => (await organizationByName(servers.main.database, organizationName))!.accountId;

export type ConfiguredIdp = { methodId: string; accountId: string; acsUrl: string; entityId: string; loginUrl: string; wire: Record<string, unknown> };

/** Creates an identity provider for the IdP through the API, configured and enabled. */
export async function configureIdp(
  request: APIRequestContext,
  token: string,
  accountId: string,
  idp: TestIdp,
  options: Record<string, unknown> = {},
): Promise<ConfiguredIdp> {
  const created = await request.post(`/v1/account/${accountId}/authentication`, {
    headers: { ...auth(token), 'content-type': 'application/json' },
    data: {
      authentication_method_name: `Test IdP ${Math.random().toString(36).slice(2, 7)}`,
      authentication_method_type: 'saml',
      saml_idp_url: idp.ssoUrl,
      saml_entity_id: idp.entityId,
      saml_certificate: idp.certificate,
      ...options,
    },
  });
  expect(created.status(), await created.text()).toBe(200);
  const method = (await created.json()).authentication_method;
  const enabled = await request.put(`/v1/account/${accountId}/authentication/${method.authentication_method_id}`, {
    headers: { ...auth(token), 'content-type': 'application/json' },
    data: { authentication_method_enabled: true },
  });
  expect(enabled.status(), await enabled.text()).toBe(200);
  const wire = (await enabled.json()).authentication_method;
  return {
    methodId: wire.authentication_method_id,
    accountId,
    acsUrl: wire.saml_acs_url,
    entityId: wire.saml_metadata_url,
    loginUrl: `/v1/sso/saml/account/${accountId}/method/${wire.authentication_method_id}/login`,
    wire,
  };
}

/** The headers a browser sends on a form POST made on a page of the main server. */
export const SAME_ORIGIN = { origin: servers.main.url, 'sec-fetch-site': 'same-origin' } as const;

export const sessionCookie = (sessionToken: string) => ({ cookie: `next-auth.session-token=${sessionToken}` });

/**
 * Starts an SP-initiated sign-in as a browser would (with its session cookie, if any); returns
 * the request ID. "signin" and "signup" are a GET of the login URL; "link" and "test" spend the
 * session, so they are the POST of our confirmation page or the IdP page's Test button.
 */
export async function startSignIn(request: APIRequestContext, idp: ConfiguredIdp, purpose = 'signin', sessionToken?: string): Promise<string> {
  const cookie = sessionToken ? sessionCookie(sessionToken) : {};
  const response =
    purpose === 'link' || purpose === 'test'
      ? await request.post(`${idp.loginUrl}?purpose=${purpose}`, { maxRedirects: 0, headers: { ...cookie, ...SAME_ORIGIN } })
      : await request.get(`${idp.loginUrl}?purpose=${purpose}`, { maxRedirects: 0, headers: cookie });
  expect(response.status(), await response.text()).toBe(303);
  return readAuthnRequest(response.headers()['location']!).id;
}

/** The unanswered SP-initiated requests of an identity provider, as the main server recorded them. */
export async function samlRequestsOf(methodId: string) {
  return await db(servers.main.database).select().from(samlRequests).where(eq(samlRequests.methodId, methodId));
}

/** A response from the test IdP for this provider (override anything to make it bad). */
export function samlResponse(idp: TestIdp, configured: ConfiguredIdp, options: Partial<ResponseOptions> & { nameId: string }): string {
  return usedSecret(idp.response({ acsUrl: configured.acsUrl, audience: configured.entityId, ...options }));
}

/** Posts a SAML response to the ACS as the IdP's auto-submitting form does. */
export function postToAcs(request: APIRequestContext, configured: ConfiguredIdp, samlResponseValue: string) {
  return request.post(configured.acsUrl, { form: { SAMLResponse: usedSecret(samlResponseValue) }, maxRedirects: 0 });
}

/** The session token the ACS put in the cookie. */
export function sessionFromSetCookie(setCookie: string | undefined): string {
  const match = /next-auth\.session-token=([^;]+)/.exec(setCookie ?? '');
  if (!match) throw new Error(`no session cookie in ${setCookie}`);
  return match[1]!;
}
