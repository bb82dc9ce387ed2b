import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { organizations, samlRequests } from '@/db/tables';
import type { Ctx } from '@/lib/context';
import { createTestDb } from '@/lib/testing/db';
import { readAuthnRequest, TestIdp, verifyRedirectSignature } from '@/lib/testing/saml-idp';
import { seedOrganizationWithSamlIdp } from '@/lib/testing/identity-providers';
import { updateMethod } from '@/lib/identity-providers/manage';
import { findMethod, REQUEST_LIFETIME_MS, startSamlSignIn } from './start';
import { first } from '@/db/async';

async function setup(options: Record<string, unknown> = {}) {
  const idp = await TestIdp.create();
  const ctx: Ctx = { db: createTestDb(), now: new Date() };
  const { organization, call, method } = await seedOrganizationWithSamlIdp(ctx, idp, { idpUrl: 'https://idp.example.test/sso?tenant=1', enabled: false, input: options });
  const found = async () => (await findMethod(ctx, organization.accountId, method.id))!;
  return { ctx, call, method, found, organization };
}

describe('SP-initiated start', () => {
  it('records a one-time request for the purpose and sends the browser to the IdP with an AuthnRequest for our ACS', async () => {
    const s = await setup();
    await updateMethod({ ...s.call, methodId: s.method.id, input: { authentication_method_enabled: true } });
    const { redirectUrl, requestId } = await startSamlSignIn({ ctx: s.ctx, found: await s.found(), purpose: 'signup', baseUrl: 'https://console.example.test' });
    expect(redirectUrl.startsWith('https://idp.example.test/sso?tenant=1&SAMLRequest=')).toBe(true);
    const request = readAuthnRequest(redirectUrl);
    expect(request).toMatchObject({
      id: requestId,
      acsUrl: `https://console.example.test/v1/sso/saml/account/${s.organization.accountId}/method/${s.method.id}/acs`,
      issuer: `https://console.example.test/v1/sso/saml/account/${s.organization.accountId}/method/${s.method.id}/metadata`,
      signed: false,
    });
    const row = (await first(s.ctx.db.select().from(samlRequests).where(eq(samlRequests.id, requestId)).limit(1)))!;
    expect(row.purpose).toBe('signup');
    // Times are stored to the second.
    expect(Math.abs(new Date(row.expiryTime).getTime() - s.ctx.now.getTime() - REQUEST_LIFETIME_MS)).toBeLessThan(1000);
  });

  it('carries the page to return to as RelayState, and nothing for the console\'s start page', async () => {
    const s = await setup();
    await updateMethod({ ...s.call, methodId: s.method.id, input: { authentication_method_enabled: true } });
    const start = async (returnTo?: string) => await startSamlSignIn({ ctx: s.ctx, found: await s.found(), purpose: 'signin', baseUrl: 'https://c.example.test', returnTo });
    expect(readAuthnRequest((await start('/admin/users?page=2')).redirectUrl).relayState).toBe('/admin/users?page=2');
    expect(readAuthnRequest((await start('/')).redirectUrl).relayState).toBeNull();
    expect(readAuthnRequest((await start()).redirectUrl).relayState).toBeNull();
  });

  it('signs the request with the method\'s SP key when asked; the IdP verifies it with our published certificate', async () => {
    const s = await setup({ saml_authn_requests_signed_enabled: true });
    await updateMethod({ ...s.call, methodId: s.method.id, input: { authentication_method_enabled: true } });
    const { redirectUrl } = await startSamlSignIn({ ctx: s.ctx, found: await s.found(), purpose: 'signin', baseUrl: 'https://console.example.test' });
    expect(readAuthnRequest(redirectUrl).signed).toBe(true);
    expect(verifyRedirectSignature(redirectUrl, s.method.spCertificate)).toBe(true);
    const tampered = redirectUrl.replace(/SAMLRequest=([^&]{10})/, 'SAMLRequest=AAAAAAAAAA');
    expect(verifyRedirectSignature(tampered, s.method.spCertificate)).toBe(false);
  });

  it.each(['rsa-sha384', 'dsa-sha1'] as const)('refuses to sign requests with %s (a stored row the method check did not see), and records no request', async (algorithm) => {
    const s = await setup();
    await updateMethod({ ...s.call, methodId: s.method.id, input: { authentication_method_enabled: true } });
    const found = await s.found();
    const stored = { ...found, method: { ...found.method, samlAuthnRequestsSignedEnabled: true, samlSignatureAlgorithm: algorithm } };
    await expect(startSamlSignIn({ ctx: s.ctx, found: stored, purpose: 'signin', baseUrl: 'https://c.example.test' })).rejects.toMatchObject({
      reason: 'not_configured',
      message: `Signing requests with ${algorithm} is not supported; choose rsa-sha256.`,
    });
    expect(await s.ctx.db.select().from(samlRequests)).toEqual([]);
  });

  it.each([
    ['a disabled IdP', {}, 'signin', 'disabled'],
    ['SAML off in the organization', { enable: true, samlOff: true }, 'signin', 'saml_disabled'],
  ] as const)('refuses %s', async (_name, how, purpose, reason) => {
    const s = await setup();
    if ('enable' in how) await updateMethod({ ...s.call, methodId: s.method.id, input: { authentication_method_enabled: true } });
    if ('samlOff' in how) await s.ctx.db.update(organizations).set({ samlEnabled: false }).where(eq(organizations.id, s.organization.id));
    await expect(startSamlSignIn({ ctx: s.ctx, found: await s.found(), purpose, baseUrl: 'https://c.example.test' })).rejects.toMatchObject({ reason });
  });

  it('the admin\'s test works before the IdP is enabled, but not before it is configured', async () => {
    const s = await setup();
    await expect(startSamlSignIn({ ctx: s.ctx, found: await s.found(), purpose: 'test', baseUrl: 'https://c.example.test' })).resolves.toMatchObject({ requestId: expect.any(String) });
    await updateMethod({ ...s.call, methodId: s.method.id, input: { saml_certificate: null } });
    await expect(startSamlSignIn({ ctx: s.ctx, found: await s.found(), purpose: 'test', baseUrl: 'https://c.example.test' })).rejects.toMatchObject({ reason: 'not_configured' });
  });
});
