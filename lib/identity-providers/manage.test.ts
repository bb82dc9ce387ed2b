import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { domainAuthenticationMethods, domains, externalIdentities, tokens } from '@/db/tables';
import { iso, type Ctx } from '@/lib/context';
import { createTestDb } from '@/lib/testing/db';
import { asyncRejection, rejection } from '@/lib/testing/errors';
import { callAs } from '@/lib/testing/members';
import { generateKeyPair, type KeyPair } from '@/lib/testing/saml-idp';
import { advance, listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser } from '@/lib/testing/seed';
import { addCertificate, createMethod, deleteMethod, getMethod, listMethods, removeCertificate, updateMethod } from './manage';
import { serviceProviderMetadata } from '@/lib/saml/metadata';
import { methodToWire } from './wire';

let first: KeyPair;
let second: KeyPair;
beforeAll(async () => {
  first = await generateKeyPair('idp-2026.example.test');
  second = await generateKeyPair('idp-2027.example.test');
});

async function setup() {
  const ctx: Ctx = { db: createTestDb(), now: new Date() };
  const organization = await seedOrganization(ctx, { name: 'Acme' });
  const admin = await seedUser(ctx, { email: 'admin@acme.test' });
  await seedMembership(ctx, { organizationId: organization.id, userId: admin.id, isSuperAdmin: true });
  const member = await seedUser(ctx, { email: 'member@acme.test' });
  await seedMembership(ctx, { organizationId: organization.id, userId: member.id });
  return { ctx, organization, call: await callAs(ctx, admin.id, organization.id), memberCall: await callAs(ctx, member.id, organization.id) };
}

const configured = () => ({ saml_idp_url: 'https://idp.example.test/sso', saml_entity_id: 'https://idp.example.test', saml_certificate: first.certificate });

describe('identity providers', () => {
  it('starts pending, becomes active when the three IdP values are set, and only then can be enabled', async () => {
    const { call, organization } = await setup();
    const view = await createMethod({ ...call, input: { authentication_method_name: 'Okta', authentication_method_type: 'saml', vendor: 'okta' } });
    const wire = async () => methodToWire(await getMethod(call, view.method.id), organization, 'https://console.example.test');
    expect(await wire()).toMatchObject({ state: 'pending_configuration', authentication_method_enabled: false, vendor: 'okta' });
    expect(view.method.spPrivateKey).toMatch(/BEGIN PRIVATE KEY/);
    expect(JSON.stringify(await wire())).not.toMatch(/PRIVATE KEY/);
    expect((await rejection(() => updateMethod({ ...call, methodId: view.method.id, input: { authentication_method_enabled: true } }))).status).toBe(409);
    await updateMethod({ ...call, methodId: view.method.id, input: configured() });
    expect((await wire()).state).toBe('active');
    await updateMethod({ ...call, methodId: view.method.id, input: { authentication_method_enabled: true } });
    expect((await wire()).authentication_method_enabled).toBe(true);
    // Taking the certificate from an enabled IdP is refused: half a configuration signs nobody in.
    expect((await rejection(() => updateMethod({ ...call, methodId: view.method.id, input: { saml_certificate: null } }))).message).toMatch(/disable it before/);
    await updateMethod({ ...call, methodId: view.method.id, input: { authentication_method_enabled: false } });
    await updateMethod({ ...call, methodId: view.method.id, input: { saml_certificate: null } });
    expect(await wire()).toMatchObject({ state: 'pending_configuration', authentication_method_enabled: false });
  });

  it('rotation: a second certificate beside the first, the old one removed afterwards; the last one of an enabled IdP stays', async () => {
    const { call } = await setup();
    const { method } = await createMethod({ ...call, input: { authentication_method_name: 'Okta', authentication_method_type: 'saml', ...configured() } });
    await updateMethod({ ...call, methodId: method.id, input: { authentication_method_enabled: true } });
    // A second later: within one second the order is fixed but not the order of adding.
    advance(call.ctx, 1000);
    const both = await addCertificate({ ...call, methodId: method.id, pem: second.certificate });
    expect(both.certificates.map((c) => c.subject)).toEqual(['CN=idp-2026.example.test', 'CN=idp-2027.example.test']);
    expect((await rejection(() => addCertificate({ ...call, methodId: method.id, pem: second.certificate }))).status).toBe(409);
    const after = await removeCertificate({ ...call, methodId: method.id, certificateId: both.certificates[0]!.id });
    expect(after.certificates.map((c) => c.subject)).toEqual(['CN=idp-2027.example.test']);
    expect((await rejection(() => removeCertificate({ ...call, methodId: method.id, certificateId: after.certificates[0]!.id }))).message).toMatch(/only certificate/);
    const events = (await listAuditEvents(call.ctx)).map((e) => e.event);
    expect(events).toEqual(expect.arrayContaining(['identity_provider.certificate_added', 'identity_provider.certificate_removed']));
  });

  it.each([
    [{ authentication_method_type: 'internal' }, /Only SAML/],
    [{ saml_certificate: 'nope' }, /cannot be read/],
    [{ saml_certificate: 'not a certificate!' }, /not a certificate/],
    [{ saml_signature_algorithm: 'dsa-sha1' }, /not supported/],
    [{ saml_signature_algorithm: 'rsa-sha384', saml_authn_requests_signed_enabled: true }, /not supported for signing requests/],
    [{ authentication_method_name: '' }, /Enter a name/],
    [{ saml_idp_url: 'javascript:alert(1)' }, /http/],
    [{ linked_domains: [{ domain_id: 'dom-of-someone-else' }] }, /not a domain of this organization/],
  ])('refuses %j on create, saying why, and writes nothing', async (override, message) => {
    const { call, organization } = await setup();
    const error = await asyncRejection(createMethod({ ...call, input: { authentication_method_name: 'Okta', authentication_method_type: 'saml', ...override } }));
    expect(error.status).toBe(400);
    expect(`${error.message} ${JSON.stringify(error.fieldErrors)}`).toMatch(message);
    expect(await listMethods(call)).toHaveLength(0);
    expect(organization).toBeTruthy();
  });

  it('links the domains given on create when they belong to the organization', async () => {
    const { call, organization, ctx } = await setup();
    await ctx.db.insert(domains).values({ id: 'dom1', organizationId: organization.id, domainName: 'acme.test', challengeToken: 't', createTime: iso(ctx.now) });
    const view = await createMethod({ ...call, input: { authentication_method_name: 'Okta', authentication_method_type: 'saml', linked_domains: [{ domain_id: 'dom1' }] } });
    expect(view.linkedDomains).toEqual([{ domainId: 'dom1', domainName: 'acme.test', state: 'unverified' }]);
    expect(await ctx.db.select().from(domainAuthenticationMethods)).toHaveLength(1);
  });

  it('members who are not super admins are refused; other organizations\' IdPs are not found', async () => {
    const { call, memberCall, ctx } = await setup();
    const { method } = await createMethod({ ...call, input: { authentication_method_name: 'Okta', authentication_method_type: 'saml' } });
    expect((await rejection(() => listMethods(memberCall))).status).toBe(403);
    expect((await rejection(() => updateMethod({ ...memberCall, methodId: method.id, input: { authentication_method_name: 'x' } }))).status).toBe(403);
    const other = await seedOrganization(ctx, { name: 'Other' });
    const otherAdmin = await seedUser(ctx, { email: 'admin@other.test' });
    await seedMembership(ctx, { organizationId: other.id, userId: otherAdmin.id, isSuperAdmin: true });
    expect((await rejection(async () => await getMethod(await callAs(ctx, otherAdmin.id, other.id), method.id))).status).toBe(404);
  });

  it('delete ends the sessions signed in through it and removes the account links', async () => {
    const { call, ctx } = await setup();
    const { method } = await createMethod({ ...call, input: { authentication_method_name: 'Okta', authentication_method_type: 'saml' } });
    const user = await seedUser(ctx, { email: 'ann@acme.test' });
    await seedToken(ctx, user.id, { kind: 'session', authMethod: `saml:${method.id}` });
    const personal = await seedToken(ctx, user.id, { kind: 'personal', authMethod: `saml:${method.id}` });
    await ctx.db.insert(externalIdentities).values({ id: 'x1', userId: user.id, provider: `saml:${method.id}`, subject: 'ann', createTime: iso(ctx.now) });
    expect(await deleteMethod({ ...call, methodId: method.id })).toBe(1);
    expect((await ctx.db.select().from(tokens).where(eq(tokens.userId, user.id))).map((t) => t.id)).toEqual([personal.token.id]);
    expect(await ctx.db.select().from(externalIdentities)).toHaveLength(0);
    expect((await listAuditEvents(ctx)).at(-1)).toMatchObject({ event: 'identity_provider.deleted', details: { sessions_ended: 1 } });
  });

  it('SP metadata: entity ID and ACS URL; our certificate only when we sign requests', async () => {
    const { call, organization } = await setup();
    const { method } = await createMethod({ ...call, input: { authentication_method_name: 'Okta', authentication_method_type: 'saml' } });
    const xml = serviceProviderMetadata(method, organization.accountId, 'https://console.example.test');
    expect(xml).toContain(`entityID="https://console.example.test/v1/sso/saml/account/${organization.accountId}/method/${method.id}/metadata"`);
    expect(xml).toContain(`Location="https://console.example.test/v1/sso/saml/account/${organization.accountId}/method/${method.id}/acs"`);
    expect(xml).not.toContain('X509Certificate');
    const signing = (await updateMethod({ ...call, methodId: method.id, input: { saml_authn_requests_signed_enabled: true } })).method;
    const signed = serviceProviderMetadata(signing, organization.accountId, 'https://console.example.test');
    expect(signed).toContain('AuthnRequestsSigned="true"');
    expect(signed).toContain(method.spCertificate.replace(/-----[A-Z ]+-----|\s+/g, '').slice(0, 40));
    expect(signed).not.toContain('PRIVATE');
  });
});
