import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { domainAuthenticationMethods, domains, externalIdentities, memberships, organizations, samlRequests, tokens, users } from '@/db/tables';
import { iso, type Ctx } from '@/lib/context';
import { callAs, seedOrganizationWithAdmin } from '@/lib/testing/members';
import { generateKeyPair, readAuthnRequest, TestIdp, type KeyPair, type ResponseOptions } from '@/lib/testing/saml-idp';
import { listAuditEvents, seedMembership, seedOrganization, seedUser } from '@/lib/testing/seed';
import { createTestDb as createDb } from '@/lib/testing/db';
import { consumeSamlResponse } from './acs';
import { createMethod, updateMethod } from '@/lib/identity-providers/manage';
import { findMethod, startSamlSignIn } from './start';
import { spUrls } from '@/lib/identity-providers/urls';
import { first } from '@/db/async';

// The ACS end to end on an in-memory database, against responses signed by a real key pair.
// The SAML library reads the wall clock, so these tests run at the real "now".

const BASE = 'http://127.0.0.1:3999';
let idp: TestIdp;
let otherKey: KeyPair;

beforeAll(async () => {
  idp = await TestIdp.create('https://idp.example.test/saml');
  otherKey = await generateKeyPair('impostor.example.test');
});

async function setup(options: { idpInitiated?: boolean; assertionsSigned?: boolean } = {}) {
  const ctx: Ctx = { db: createDb(), now: new Date() };
  const { organization, admin } = await seedOrganizationWithAdmin(ctx, { name: 'Acme', adminEmail: 'admin@acme.test', adminPasswordHash: null });
  const call = await callAs(ctx, admin.id, organization.id);
  const view = await createMethod({
    ...call,
    input: {
      authentication_method_name: 'Acme IdP',
      authentication_method_type: 'saml',
      saml_idp_url: 'http://127.0.0.1:1/sso',
      saml_entity_id: idp.entityId,
      saml_certificate: idp.certificate,
      saml_idp_login_allowed: options.idpInitiated ?? false,
      saml_assertion_signed_enabled: options.assertionsSigned ?? true,
    },
  });
  await updateMethod({ ...call, methodId: view.method.id, input: { authentication_method_enabled: true } });
  const urls = spUrls(BASE, organization.accountId, view.method.id);
  const found = async () => (await findMethod(ctx, organization.accountId, view.method.id))!;
  /** Starts an SP-initiated sign-in and returns the request ID the IdP will answer. */
  const start = async (purpose: 'signin' | 'signup' | 'link' | 'test' = 'signin', userId: string | null = null) =>
    readAuthnRequest((await startSamlSignIn({ ctx, found: await found(), purpose, userId, baseUrl: BASE })).redirectUrl).id;
  const post = async (samlResponse: string, browserRequestIds: string[] | null = null) =>
    await consumeSamlResponse({ ctx, accountId: organization.accountId, methodId: view.method.id, samlResponse, meta: { ip: '192.0.2.1', userAgent: 'vitest' }, baseUrl: BASE, browserRequestIds });
  const respond = (overrides: Partial<ResponseOptions> & { inResponseTo?: string | null }) =>
    idp.response({ acsUrl: urls.acsUrl, audience: urls.entityId, nameId: 'ann@acme.test', attributes: { email: 'ann@acme.test', firstName: 'Ann', lastName: 'Lee' }, ...overrides });
  return { ctx, organization, admin, method: view.method, urls, start, post, respond, call };
}

/** The organization verified the domain; `linkTo` also links it to that IdP (routed sign-in). */
async function verifyDomain(ctx: Ctx, organizationId: string, domainName: string, linkTo: string | null = null) {
  const id = `dom-${domainName}`;
  await ctx.db.insert(domains).values({ id, organizationId, domainName, challengeToken: 'x', state: 'verified', createTime: iso(ctx.now) });
  if (linkTo) await ctx.db.insert(domainAuthenticationMethods).values({ domainId: id, methodId: linkTo, createTime: iso(ctx.now) });
}

/** The ACS refused: the outcome failed with this reason, HTTP status and words. */
function expectFailure(outcome: Awaited<ReturnType<Awaited<ReturnType<typeof setup>>['post']>>, reason: string, status: number, message: string) {
  expect(outcome.kind).toBe('failed');
  if (outcome.kind !== 'failed') return;
  expect(outcome.error.reason).toBe(reason);
  expect(outcome.error.status).toBe(status);
  expect(outcome.error.message).toBe(message);
}

const userNamed = (ctx: Ctx, email: string) => first(ctx.db.select().from(users).where(eq(users.email, email)).limit(1));

/** Links ann@acme.test to the IdP, as a signup would. */
async function seedLinkedUser(ctx: Ctx, methodId: string, organizationId: string, email = 'ann@acme.test') {
  const user = await seedUser(ctx, { email });
  await seedMembership(ctx, { organizationId, userId: user.id });
  await ctx.db.insert(externalIdentities).values({ id: `x-${user.id}`, userId: user.id, provider: `saml:${methodId}`, subject: email, email, createTime: iso(ctx.now) });
  return user;
}

describe('ACS: a good response signs in', () => {
  it('SP-initiated: a session token recording saml:<id>, the request used up, audited', async () => {
    const s = await setup();
    const user = await seedLinkedUser(s.ctx, s.method.id, s.organization.id);
    const requestId = await s.start();
    const outcome = await s.post(s.respond({ inResponseTo: requestId }));
    expect(outcome.kind).toBe('session');
    if (outcome.kind !== 'session') return;
    expect(outcome.user.id).toBe(user.id);
    const token = (await first(s.ctx.db.select().from(tokens).where(eq(tokens.userId, user.id)).limit(1)))!;
    expect(token).toMatchObject({ kind: 'session', authMethod: `saml:${s.method.id}`, createdManually: false });
    expect(await first(s.ctx.db.select().from(samlRequests).where(eq(samlRequests.id, requestId)).limit(1))).toBeUndefined();
    const signIn = (await listAuditEvents(s.ctx)).find((e) => e.event === 'auth.sign_in')!;
    expect(signIn.details).toMatchObject({ method: 'saml', authentication_method_id: s.method.id, subject: 'ann@acme.test' });
  });

  it('the session honours the IdP\'s token max age', async () => {
    const s = await setup();
    await updateMethod({ ...s.call, methodId: s.method.id, input: { auth_token_max_age_seconds: 3600, auth_token_extend_when_used: false } });
    const user = await seedLinkedUser(s.ctx, s.method.id, s.organization.id);
    const outcome = await s.post(s.respond({ inResponseTo: await s.start() }));
    expect(outcome.kind).toBe('session');
    const token = (await first(s.ctx.db.select().from(tokens).where(eq(tokens.userId, user.id)).limit(1)))!;
    expect(token.maxAgeSeconds).toBe(3600);
    expect(token.extendWhenUsed).toBe(false);
    expect(new Date(token.expiryTime!).getTime() - new Date(token.createTime).getTime()).toBe(3600_000);
  });

  it('accepts a response signed with either certificate while both are configured (rotation)', async () => {
    const s = await setup();
    await seedLinkedUser(s.ctx, s.method.id, s.organization.id);
    const { addCertificate } = await import('@/lib/identity-providers/manage');
    await addCertificate({ ...s.call, methodId: s.method.id, pem: otherKey.certificate });
    expect((await s.post(s.respond({ inResponseTo: await s.start(), key: otherKey }))).kind).toBe('session');
    expect((await s.post(s.respond({ inResponseTo: await s.start() }))).kind).toBe('session');
  });
});

describe('ACS: each refusal names its check and is audited', () => {
  type Case = [name: string, reason: string, make: (s: Awaited<ReturnType<typeof setup>>, requestId: string) => string, message: RegExp];
  const cases: Case[] = [
    ['wrong certificate', 'signature', (s, r) => s.respond({ inResponseTo: r, key: otherKey }), /does not verify with any configured certificate/],
    ['unsigned assertion where required', 'assertion_unsigned', (s, r) => s.respond({ inResponseTo: r, signAssertion: false, signResponse: true }), /requires signed assertions/],
    ['nothing signed at all', 'assertion_unsigned', (s, r) => s.respond({ inResponseTo: r, signAssertion: false }), /not signed/],
    [
      'expired assertion',
      'expired',
      (s, r) => s.respond({ inResponseTo: r, notBefore: new Date(Date.now() - 3_600_000), notOnOrAfter: new Date(Date.now() - 600_000) }),
      /expired/,
    ],
    ['not yet valid', 'not_yet_valid', (s, r) => s.respond({ inResponseTo: r, notBefore: new Date(Date.now() + 600_000), notOnOrAfter: new Date(Date.now() + 1_200_000) }), /not valid yet/],
    ['wrong audience', 'audience', (s, r) => s.respond({ inResponseTo: r, audience: 'https://other-sp.example.test/metadata' }), /meant for another service provider/],
    ['wrong destination', 'destination', (s, r) => s.respond({ inResponseTo: r, destination: 'https://other-sp.example.test/acs' }), /addressed to https:\/\/other-sp/],
    ['wrong recipient', 'recipient', (s, r) => s.respond({ inResponseTo: r, recipient: 'https://other-sp.example.test/acs' }), /Recipient is https:\/\/other-sp/],
    ['issuer not the configured one', 'issuer', (s, r) => s.respond({ inResponseTo: r, issuer: 'https://evil.example.test/saml' }), /issued by "https:\/\/evil.example.test\/saml"/],
    ['unknown InResponseTo', 'unknown_request', (s) => s.respond({ inResponseTo: '_not-ours' }), /names no sign-in we started/],
    [
      'tampered attribute',
      'signature',
      (s, r) => s.respond({ inResponseTo: r, tamper: (xml) => xml.replace('>ann@acme.test</saml:AttributeValue>', '>mallory@acme.test</saml:AttributeValue>') }),
      /signed content was changed/,
    ],
    [
      'signature wrapping: a forged assertion beside the signed one',
      'signature',
      (s, r) =>
        s.respond({
          inResponseTo: r,
          tamper: (xml) => {
            const start = xml.indexOf('<saml:Assertion');
            const end = xml.indexOf('</saml:Assertion>') + '</saml:Assertion>'.length;
            const forged = xml.slice(start, end).replace(/ID="[^"]+"/, 'ID="_forged"').replace(/ann@acme\.test/g, 'mallory@acme.test').replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '');
            return xml.slice(0, start) + forged + xml.slice(start);
          },
        }),
      /more than one assertion/,
    ],
    ['IdP status not Success', 'idp_error', (s, r) => s.respond({ inResponseTo: r, status: 'urn:oasis:names:tc:SAML:2.0:status:Requester' }), /answered with an error/],
  ];
  it.each(cases)('%s', async (_name, reason, make, message) => {
    const s = await setup();
    await seedLinkedUser(s.ctx, s.method.id, s.organization.id);
    const requestId = await s.start();
    const outcome = await s.post(make(s, requestId));
    expect(outcome.kind).toBe('failed');
    if (outcome.kind !== 'failed') return;
    expect(outcome.error.reason).toBe(reason);
    expect(outcome.error.message).toMatch(message);
    const failed = (await listAuditEvents(s.ctx)).filter((e) => e.event === 'auth.sign_in_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.details).toMatchObject({ method: 'saml', reason, authentication_method_id: s.method.id });
    expect(await s.ctx.db.select().from(tokens).where(eq(tokens.authMethod, `saml:${s.method.id}`))).toHaveLength(0);
  });

  it('a replayed response is refused the second time', async () => {
    const s = await setup({ idpInitiated: true });
    await seedLinkedUser(s.ctx, s.method.id, s.organization.id);
    const response = s.respond({ inResponseTo: null });
    expect((await s.post(response)).kind).toBe('session');
    const again = await s.post(response);
    expect(again.kind === 'failed' && again.error.reason).toBe('replay');
    expect(again.kind === 'failed' && again.error.message).toMatch(/already used/);
  });

  it('an SP-initiated response cannot be used twice either: the request is gone', async () => {
    const s = await setup();
    await seedLinkedUser(s.ctx, s.method.id, s.organization.id);
    const response = s.respond({ inResponseTo: await s.start() });
    expect((await s.post(response)).kind).toBe('session');
    const again = await s.post(response);
    expect(again.kind === 'failed' && again.error.reason).toBe('unknown_request');
  });

  it('IdP-initiated while off is refused; on, it signs in', async () => {
    const off = await setup();
    await seedLinkedUser(off.ctx, off.method.id, off.organization.id);
    const refused = await off.post(off.respond({ inResponseTo: null }));
    expect(refused.kind === 'failed' && refused.error.reason).toBe('idp_initiated_disabled');
    const on = await setup({ idpInitiated: true });
    await seedLinkedUser(on.ctx, on.method.id, on.organization.id);
    expect((await on.post(on.respond({ inResponseTo: null }))).kind).toBe('session');
  });

  it('over https, an answer to a request another browser started is refused', async () => {
    const s = await setup();
    await seedLinkedUser(s.ctx, s.method.id, s.organization.id);
    const theirs = await s.start();
    const refused = await s.post(s.respond({ inResponseTo: theirs }), ['_some-other-request']);
    expect(refused.kind === 'failed' && refused.error.message).toMatch(/started in another browser/);
    const mine = await s.start();
    expect((await s.post(s.respond({ inResponseTo: mine }), ['_x', mine])).kind).toBe('session');
  });

  it('an assertion that answered another request cannot be passed off as IdP-initiated', async () => {
    const s = await setup({ idpInitiated: true });
    await seedLinkedUser(s.ctx, s.method.id, s.organization.id);
    // InResponseTo inside the signed assertion, none on the Response.
    const response = s.respond({
      inResponseTo: '_someone-elses',
      tamper: (xml) => xml.replace(/(<samlp:Response[^>]*?) InResponseTo="_someone-elses"/, '$1'),
    });
    const outcome = await s.post(response);
    expect(outcome.kind === 'failed' && outcome.error.reason).toBe('in_response_to');
  });

  it('unsigned assertions pass when not required, inside a signed response', async () => {
    const s = await setup({ assertionsSigned: false });
    await seedLinkedUser(s.ctx, s.method.id, s.organization.id);
    expect((await s.post(s.respond({ inResponseTo: await s.start(), signAssertion: false, signResponse: true }))).kind).toBe('session');
    const unsigned = await s.post(s.respond({ inResponseTo: await s.start(), signAssertion: false }));
    expect(unsigned.kind === 'failed' && unsigned.error.reason).toBe('signature');
  });

  it('garbage is refused as malformed, never thrown', async () => {
    const s = await setup();
    for (const body of [undefined, '', 'not base64!', Buffer.from('<html/>').toString('base64'), Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><x/>').toString('base64')]) {
      const outcome = await s.post(body as string);
      expect(outcome.kind === 'failed' && outcome.error.reason).toBe('malformed');
    }
  });
});

describe('ACS: who signs in', () => {
  it('an identity linked to nobody is refused with where to go next', async () => {
    const s = await setup();
    const outcome = await s.post(s.respond({ inResponseTo: await s.start() }));
    expect(outcome.kind === 'failed' && outcome.error.reason).toBe('not_linked');
    expect(outcome.kind === 'failed' && outcome.error.message).toMatch(/signup URL.*account link URL/);
  });

  it('signup creates the account on the organization\'s verified domain: member of the IdP\'s organization, mapped name, address proven', async () => {
    const s = await setup();
    await verifyDomain(s.ctx, s.organization.id, 'acme.test');
    const outcome = await s.post(s.respond({ inResponseTo: await s.start('signup') }));
    expect(outcome.kind).toBe('session');
    const user = (await userNamed(s.ctx, 'ann@acme.test'))!;
    expect(user).toMatchObject({ realName: 'Ann Lee', managingOrganizationId: s.organization.id, emailVerifiedTime: iso(s.ctx.now) });
    // A plain member: an IdP never makes anyone an admin.
    expect(await s.ctx.db.select().from(memberships).where(eq(memberships.userId, user.id))).toMatchObject([{ organizationId: s.organization.id, isSuperAdmin: false }]);
    const identity = (await first(s.ctx.db.select().from(externalIdentities).where(eq(externalIdentities.userId, user.id)).limit(1)))!;
    expect(identity).toMatchObject({ provider: `saml:${s.method.id}`, subject: 'ann@acme.test' });
    expect((await listAuditEvents(s.ctx)).map((e) => e.event)).toContain('identity_provider.user_created');
    expect((await listAuditEvents(s.ctx)).find((e) => e.event === 'user.email_verified')).toMatchObject({
      organizationId: s.organization.id,
      actorUserId: user.id,
      details: { user_email: 'ann@acme.test', how: 'sso_verified_domain', authentication_method_id: s.method.id },
    });
  });

  it.each([
    ['no organization verified', null],
    ['another organization verified', 'other'],
  ] as const)('signup for an address on a domain the IdP\'s organization has not verified is refused (%s): no account', async (_name, verifier) => {
    const s = await setup();
    if (verifier) await verifyDomain(s.ctx, (await seedOrganization(s.ctx, { name: 'Victim Corp' })).id, 'acme.test');
    const outcome = await s.post(s.respond({ inResponseTo: await s.start('signup') }));
    expectFailure(outcome, 'domain_not_verified', 403, 'Acme IdP can create accounts only for addresses on a domain that organization "Acme" has verified, and ann@acme.test is not on one. Sign in to Portcullis another way, then use the account link URL to add Acme IdP.');
    expect(await userNamed(s.ctx, 'ann@acme.test')).toBeUndefined();
    expect(await s.ctx.db.select().from(externalIdentities)).toEqual([]);
    expect((await listAuditEvents(s.ctx)).at(-1)).toMatchObject({ event: 'auth.sign_in_failed', details: { reason: 'domain_not_verified', purpose: 'signup' } });
  });

  it('signup refuses a subdomain of the verified domain (only the exact domain counts)', async () => {
    const s = await setup();
    await verifyDomain(s.ctx, s.organization.id, 'acme.test');
    const outcome = await s.post(s.respond({ inResponseTo: await s.start('signup'), nameId: 'ann@eu.acme.test', attributes: { email: 'ann@eu.acme.test' } }));
    expect(outcome.kind === 'failed' && outcome.error.reason).toBe('domain_not_verified');
  });

  it('signup for an address that has an account already is refused', async () => {
    const s = await setup();
    await verifyDomain(s.ctx, s.organization.id, 'acme.test');
    await seedUser(s.ctx, { email: 'ann@acme.test' });
    const outcome = await s.post(s.respond({ inResponseTo: await s.start('signup') }));
    expect(outcome.kind === 'failed' && outcome.error.reason).toBe('account_exists');
  });

  it('account link ties the identity to the user who asked, whatever the email says', async () => {
    const s = await setup();
    const bob = await seedUser(s.ctx, { email: 'bob@elsewhere.test' });
    await seedMembership(s.ctx, { organizationId: s.organization.id, userId: bob.id });
    const outcome = await s.post(s.respond({ inResponseTo: await s.start('link', bob.id) }));
    expect(outcome.kind === 'session' && outcome.user.id).toBe(bob.id);
    expect((await first(s.ctx.db.select().from(externalIdentities).where(eq(externalIdentities.userId, bob.id)).limit(1)))!.subject).toBe('ann@acme.test');
    // Later sign-ins find Bob by the link.
    const again = await s.post(s.respond({ inResponseTo: await s.start() }));
    expect(again.kind === 'session' && again.user.id).toBe(bob.id);
  });

  it('account link: only into a member of the IdP\'s organization, checked again at the ACS (the request may be old)', async () => {
    const s = await setup();
    // Mallory's request row names Bob, who belongs to another organization only (as if the start
    // had been tricked, or Bob left Acme after starting): the ACS refuses, links nothing, signs nobody in.
    const other = await seedOrganization(s.ctx, { name: 'Bob\'s Org' });
    const bob = await seedUser(s.ctx, { email: 'bob@elsewhere.test' });
    await seedMembership(s.ctx, { organizationId: other.id, userId: bob.id });
    const outcome = await s.post(s.respond({ inResponseTo: await s.start('link', bob.id), nameId: 'mallory@acme.test' }));
    expectFailure(outcome, 'link_not_member', 403, 'You can link only identity providers of organizations you belong to: "Acme IdP" belongs to organization "Acme", which you are not a member of.');
    expect(await s.ctx.db.select().from(externalIdentities).where(eq(externalIdentities.userId, bob.id))).toHaveLength(0);
    expect(await s.ctx.db.select().from(tokens).where(eq(tokens.userId, bob.id))).toHaveLength(0);
    // Even with "allow other organizations' identity providers" on in Bob's organization.
    await s.ctx.db.update(organizations).set({ samlAllowExternal: true }).where(eq(organizations.id, other.id));
    const again = await s.post(s.respond({ inResponseTo: await s.start('link', bob.id), nameId: 'mallory@acme.test' }));
    expect(again.kind === 'failed' && again.error.reason).toBe('link_not_member');
  });

  it('account link is audited in each organization of the user and in the IdP\'s', async () => {
    const s = await setup();
    const second = await seedOrganization(s.ctx, { name: 'Second' });
    const bob = await seedUser(s.ctx, { email: 'bob@elsewhere.test' });
    await seedMembership(s.ctx, { organizationId: s.organization.id, userId: bob.id });
    await seedMembership(s.ctx, { organizationId: second.id, userId: bob.id });
    const outcome = await s.post(s.respond({ inResponseTo: await s.start('link', bob.id) }));
    expect(outcome.kind).toBe('session');
    const linked = (await listAuditEvents(s.ctx)).filter((e) => e.event === 'identity_provider.account_linked');
    expect(linked.map((e) => e.organizationId).sort()).toEqual([s.organization.id, second.id].sort());
    for (const event of linked) {
      expect(event).toMatchObject({ actorUserId: bob.id, details: { authentication_method_id: s.method.id, subject: 'ann@acme.test' } });
    }
  });

  it('a verified domain linked to the IdP links the existing account on first sign-in, when its address is proven', async () => {
    const s = await setup();
    const ann = await seedUser(s.ctx, { email: 'ann@acme.test', emailProven: true });
    await seedMembership(s.ctx, { organizationId: s.organization.id, userId: ann.id });
    await verifyDomain(s.ctx, s.organization.id, 'acme.test', s.method.id);
    const outcome = await s.post(s.respond({ inResponseTo: await s.start() }));
    expect(outcome.kind === 'session' && outcome.user.id).toBe(ann.id);
    expect((await listAuditEvents(s.ctx)).map((e) => e.event)).toContain('identity_provider.account_linked');
  });

  it('a verified domain linked to the IdP does not link into an existing account whose address nobody proved', async () => {
    const s = await setup();
    // E.g. made through an invitation link the admin copied, with a password the admin chose.
    const ann = await seedUser(s.ctx, { email: 'ann@acme.test' });
    await seedMembership(s.ctx, { organizationId: s.organization.id, userId: ann.id });
    await verifyDomain(s.ctx, s.organization.id, 'acme.test', s.method.id);
    const outcome = await s.post(s.respond({ inResponseTo: await s.start() }));
    expectFailure(outcome, 'email_not_proven', 403, 'The Portcullis account for ann@acme.test has not proven that it owns the address, so Acme IdP is not linked to it automatically. Sign in another way, then link Acme IdP from Profile → Authentication or with the account link URL.');
    expect(await s.ctx.db.select().from(externalIdentities)).toEqual([]);
    expect(await s.ctx.db.select().from(tokens).where(eq(tokens.userId, ann.id))).toEqual([]);
    expect((await userNamed(s.ctx, 'ann@acme.test'))!.emailVerifiedTime).toBeNull();
    expect((await listAuditEvents(s.ctx)).at(-1)).toMatchObject({ event: 'auth.sign_in_failed', actorUserId: ann.id, details: { reason: 'email_not_proven' } });
  });

  it('a verified domain linked to the IdP creates a newcomer on first sign-in, address proven', async () => {
    const s = await setup();
    await verifyDomain(s.ctx, s.organization.id, 'acme.test', s.method.id);
    const outcome = await s.post(s.respond({ inResponseTo: await s.start() }));
    expect(outcome.kind).toBe('session');
    const user = (await userNamed(s.ctx, 'ann@acme.test'))!;
    expect(user).toMatchObject({ managingOrganizationId: s.organization.id, emailVerifiedTime: iso(s.ctx.now) });
    expect(await s.ctx.db.select().from(memberships).where(eq(memberships.userId, user.id))).toMatchObject([{ organizationId: s.organization.id, isSuperAdmin: false }]);
  });

  it('an unlinked subject without an email address is refused (no_email), and nobody is created', async () => {
    const s = await setup();
    await verifyDomain(s.ctx, s.organization.id, 'acme.test', s.method.id);
    const outcome = await s.post(s.respond({ inResponseTo: await s.start(), nameId: 'opaque-subject-42', attributes: { firstName: 'Ann' } }));
    expect(outcome.kind).toBe('failed');
    if (outcome.kind !== 'failed') return;
    expect(outcome.error.reason).toBe('no_email');
    expect(await s.ctx.db.select().from(externalIdentities)).toEqual([]);
  });

  it('a linked user who belongs to no organization (left them all) is governed by no policy: signed in', async () => {
    const s = await setup();
    const user = await seedUser(s.ctx, { email: 'ann@acme.test' });
    await s.ctx.db.insert(externalIdentities).values({ id: 'x-lone', userId: user.id, provider: `saml:${s.method.id}`, subject: 'ann@acme.test', email: 'ann@acme.test', createTime: iso(s.ctx.now) });
    const outcome = await s.post(s.respond({ inResponseTo: await s.start() }));
    expect(outcome.kind).toBe('session');
  });

  it('an unknown identity provider is a failed outcome (no trace), never a thrown error', async () => {
    const s = await setup();
    const outcome = await consumeSamlResponse({ ctx: s.ctx, accountId: s.organization.accountId, methodId: 'am-nope', samlResponse: s.respond({}), meta: { ip: null, userAgent: null }, baseUrl: BASE, browserRequestIds: null });
    expect(outcome).toMatchObject({ kind: 'failed', error: { reason: 'unknown_method' }, trace: null });
  });

  it('the test purpose returns the trace and signs nobody in', async () => {
    const s = await setup();
    const outcome = await s.post(s.respond({ inResponseTo: await s.start('test', s.admin.id) }));
    expect(outcome.kind).toBe('test');
    if (outcome.kind !== 'test') return;
    expect(outcome.trace.verified).toMatchObject({ issuer: idp.entityId, nameId: 'ann@acme.test' });
    expect(outcome.trace.mapped).toMatchObject({ email: 'ann@acme.test', firstName: 'Ann', lastName: 'Lee' });
    expect(await s.ctx.db.select().from(tokens).where(eq(tokens.authMethod, `saml:${s.method.id}`))).toHaveLength(0);
    expect((await listAuditEvents(s.ctx)).at(-1)).toMatchObject({
      event: 'identity_provider.test_sign_in',
      organizationId: s.organization.id,
      actorUserId: s.admin.id,
      ip: '192.0.2.1',
      details: { authentication_method_id: s.method.id, name: 'Acme IdP', outcome: 'passed', subject: 'ann@acme.test' },
    });
  });

  it('the admin\'s test works on an IdP not enabled yet (sign-in on it does not)', async () => {
    const s = await setup();
    await updateMethod({ ...s.call, methodId: s.method.id, input: { authentication_method_enabled: false } });
    const outcome = await s.post(s.respond({ inResponseTo: await s.start('test', s.admin.id) }));
    expect(outcome.kind).toBe('test');
    const signIn = await s.post(s.respond({ inResponseTo: null }));
    expect(signIn).toMatchObject({ kind: 'failed', error: { reason: 'disabled' } });
  });

  it('a failing test shows the check that failed beside what the response claims, and is audited as a test', async () => {
    const s = await setup();
    const outcome = await s.post(s.respond({ inResponseTo: await s.start('test', s.admin.id), audience: 'https://elsewhere.example.test' }));
    expect(outcome.kind).toBe('failed');
    if (outcome.kind !== 'failed') return;
    expect(outcome.trace).toMatchObject({
      purpose: 'test',
      verified: null,
      decoded: { issuer: idp.entityId, subject: 'ann@acme.test', audiences: ['https://elsewhere.example.test'] },
      failure: { reason: 'audience', check: 'Audience' },
    });
    const audit = (await listAuditEvents(s.ctx)).at(-1)!;
    expect(audit).toMatchObject({ event: 'identity_provider.test_sign_in', actorUserId: s.admin.id, details: { outcome: 'failed', reason: 'audience' } });
  });

  it('policy: SAML off refuses; other organizations\' IdPs only when allowed', async () => {
    const s = await setup();
    await seedLinkedUser(s.ctx, s.method.id, s.organization.id);
    await s.ctx.db.update(organizations).set({ samlEnabled: false }).where(eq(organizations.id, s.organization.id));
    const off = await s.post(s.respond({ inResponseTo: null }));
    expect(off.kind === 'failed' && off.error.reason).toBe('saml_disabled');
    await expect(s.start()).rejects.toMatchObject({ reason: 'saml_disabled' });

    const t = await setup();
    // A member of another organization only (new organizations refuse external IdPs), whose
    // identity at Acme's IdP was linked while she still belonged to Acme.
    const other = await seedOrganization(t.ctx, { name: 'Other' });
    expect(other.samlAllowExternal).toBe(false);
    const carol = await seedLinkedUser(t.ctx, t.method.id, other.id, 'carol@other.test');
    const outcome = await t.post(t.respond({ inResponseTo: await t.start(), nameId: 'carol@other.test', attributes: {} }));
    expect(outcome.kind === 'failed' && outcome.error.reason).toBe('method_not_allowed');
    expect(outcome.kind === 'failed' && outcome.error.message).toMatch(/identity providers of other organizations, such as "Acme"/);
    // Once Other's admin opts in, the same identity signs her in.
    await t.ctx.db.update(organizations).set({ samlAllowExternal: true }).where(eq(organizations.id, other.id));
    const allowed = await t.post(t.respond({ inResponseTo: await t.start(), nameId: 'carol@other.test', attributes: {} }));
    expect(allowed.kind === 'session' && allowed.user.id).toBe(carol.id);
  });
});
