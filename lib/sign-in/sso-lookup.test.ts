import { beforeAll, describe, expect, it } from 'vitest';
import { domainAuthenticationMethods, domains } from '@/db/tables';
import { iso, type Ctx } from '@/lib/context';
import { createTestDb } from '@/lib/testing/db';
import { rejection } from '@/lib/testing/errors';
import { TestIdp } from '@/lib/testing/saml-idp';
import { findSsoProviders } from './sso-lookup';
import { seedOrganizationWithSamlIdp } from '@/lib/testing/identity-providers';
import { updateMethod } from '@/lib/identity-providers/manage';

let idp: TestIdp;
beforeAll(async () => {
  idp = await TestIdp.create();
});

async function setup() {
  const ctx: Ctx = { db: createTestDb(), now: new Date() };
  const { organization, call, method } = await seedOrganizationWithSamlIdp(ctx, idp, {
    organizationName: 'Acme',
    adminEmail: 'admin@acme.test',
    name: 'Acme Okta',
    enabled: false,
  });
  const domain = async (state: 'verified' | 'unverified') => {
    await ctx.db.insert(domains).values({ id: 'dom1', organizationId: organization.id, domainName: 'acme.test', challengeToken: 't', state, createTime: iso(ctx.now) });
    await ctx.db.insert(domainAuthenticationMethods).values({ domainId: 'dom1', methodId: method.id, createTime: iso(ctx.now) });
  };
  const find = (input: unknown) => findSsoProviders({ ctx, input, baseUrl: 'https://console.example.test' });
  return { ctx, call, method, organization, domain, find };
}

describe('Sign in with SSO: finding the identity provider', () => {
  it('by email: the enabled IdP linked to the verified domain', async () => {
    const s = await setup();
    await s.domain('verified');
    await updateMethod({ ...s.call, methodId: s.method.id, input: { authentication_method_enabled: true } });
    expect(await s.find({ email: 'Ann@ACME.test' })).toEqual([
      { name: 'Acme Okta', loginUrl: `https://console.example.test/v1/sso/saml/account/${s.organization.accountId}/method/${s.method.id}/login` },
    ]);
  });

  it.each([
    ['no domain at all', () => undefined],
    ['the domain is not verified', (s: Awaited<ReturnType<typeof setup>>) => s.domain('unverified')],
  ])('by email, %s: said plainly', async (_name, arrange) => {
    const s = await setup();
    await arrange(s);
    await updateMethod({ ...s.call, methodId: s.method.id, input: { authentication_method_enabled: true } });
    const error = await rejection(() => s.find({ email: 'ann@acme.test' }));
    expect(error.status).toBe(404);
    expect(error.message).toMatch(/^No single sign-on is set up for acme\.test\./);
  });

  it('by email: a disabled IdP is not offered', async () => {
    const s = await setup();
    await s.domain('verified');
    expect((await rejection(() => s.find({ email: 'ann@acme.test' }))).message).toMatch(/No single sign-on/);
  });

  it('by organization ID or account ID: its enabled IdPs; unknown and IdP-less organizations answer alike', async () => {
    const s = await setup();
    expect((await rejection(() => s.find({ organization: s.organization.id }))).message).toMatch(/no single sign-on set up/);
    await updateMethod({ ...s.call, methodId: s.method.id, input: { authentication_method_enabled: true } });
    expect((await s.find({ organization: s.organization.id })).map((p) => p.name)).toEqual(['Acme Okta']);
    expect((await s.find({ organization: s.organization.accountId })).map((p) => p.name)).toEqual(['Acme Okta']);
    expect((await rejection(() => s.find({ organization: 'org-nope' }))).message).toMatch(/no single sign-on set up/);
  });

  it.each([[{}], [{ email: 'not an email' }], [{ organization: '' }], [{ email: 'a@b.test', organization: 'x' }]])('refuses %j', async (input) => {
    const s = await setup();
    expect((await rejection(() => s.find(input))).status).toBe(400);
  });
});
