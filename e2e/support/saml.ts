import type { APIRequestContext } from '@playwright/test';
import { expect } from '@playwright/test';
import { auth } from './fixtures';
import { servers } from './env';
import { organizationByName } from './seed';
import { readAuthnRequest, TestIdp, type ResponseOptions } from '@/lib/testing/saml-idp';

// SAML helpers for the API and browser tests: an identity provider configured through the API
// against a TestIdp (lib/testing/saml-idp.ts) running in the test process on 127.0.0.1.

export { TestIdp };

export const accountIdOf = (organizationName: string) => organizationByName(servers.main.database, organizationName)!.accountId;

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

/** Starts an SP-initiated sign-in as a browser would (with its session cookie, if any); returns the request ID. */
export async function startSignIn(request: APIRequestContext, idp: ConfiguredIdp, purpose = 'signin', sessionToken?: string): Promise<string> {
  const response = await request.get(`${idp.loginUrl}?purpose=${purpose}`, {
    maxRedirects: 0,
    headers: sessionToken ? { cookie: `next-auth.session-token=${sessionToken}` } : {},
  });
  expect(response.status(), await response.text()).toBe(303);
  return readAuthnRequest(response.headers()['location']!).id;
}

/** A response from the test IdP for this provider (override anything to make it bad). */
export function samlResponse(idp: TestIdp, configured: ConfiguredIdp, options: Partial<ResponseOptions> & { nameId: string }): string {
  return idp.response({ acsUrl: configured.acsUrl, audience: configured.entityId, ...options });
}

/** Posts a SAML response to the ACS as the IdP's auto-submitting form does. */
export function postToAcs(request: APIRequestContext, configured: ConfiguredIdp, samlResponseValue: string) {
  return request.post(configured.acsUrl, { form: { SAMLResponse: samlResponseValue }, maxRedirects: 0 });
}

/** The session token the ACS put in the cookie. */
export function sessionFromSetCookie(setCookie: string | undefined): string {
  const match = /next-auth\.session-token=([^;]+)/.exec(setCookie ?? '');
  if (!match) throw new Error(`no session cookie in ${setCookie}`);
  return match[1]!;
}
