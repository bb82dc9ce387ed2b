import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { authenticationMethods, domainAuthenticationMethods, domains, externalIdentities, organizations, samlRequests, tokens, users } from '@/db/tables';
import { iso, type Ctx } from '@/lib/context';
import { createTestDb } from '@/lib/testing/db';
import { callAs, seedOrganizationWithAdmin } from '@/lib/testing/members';
import { readAuthnRequest, TestIdp, type ResponseOptions } from '@/lib/testing/saml-idp';
import { listAuditEvents, seedMembership, seedOrganization, seedUser } from '@/lib/testing/seed';
import { consumeSamlResponse } from './acs';
import { addSamlIdp } from '@/lib/testing/identity-providers';
import { findMethod, REQUEST_LIFETIME_MS, startSamlSignIn } from './start';
import { spUrls } from '@/lib/identity-providers/urls';
import { first } from '@/db/async';

// The ACS's boundary checks, one broken at a time: who an asserted address may sign in as, the
// account link, the request's life and browser, and the policy that runs after the IdP. Each
// refusal is asserted with its reason, HTTP status and words, and that nobody got a session.
// (lib/saml/acs.test.ts has the good paths and the response checks.)

const BASE = 'http://127.0.0.1:3999';
const IP = '192.0.2.1';
let idp: TestIdp;

beforeAll(async () => {
  idp = await TestIdp.create('https://idp.example.test/saml');
});

async function setup() {
  const ctx: Ctx = { db: createTestDb(), now: new Date() };
  const { organization, admin } = await seedOrganizationWithAdmin(ctx, { name: 'Acme', adminEmail: 'admin@acme.test', adminPasswordHash: null });
  const call = await callAs(ctx, admin.id, organization.id);
  const addIdp = async (name: string, organizationId = organization.id, adminId = admin.id) =>
    await addSamlIdp(await callAs(ctx, adminId, organizationId), idp, { name, idpUrl: 'http://127.0.0.1:1/sso' });
  const method = await addIdp('Acme IdP');
  const urls = spUrls(BASE, organization.accountId, method.id);
  const found = async (methodId = method.id) => (await findMethod(ctx, organization.accountId, methodId))!;
  const start = async (purpose: 'signin' | 'signup' | 'link' = 'signin', userId: string | null = null, methodId = method.id) =>
    readAuthnRequest((await startSamlSignIn({ ctx, found: await found(methodId), purpose, userId, baseUrl: BASE })).redirectUrl).id;
  const post = async (samlResponse: string, options: { browserRequestIds?: string[] | null; ip?: string; methodId?: string } = {}) =>
    await consumeSamlResponse({
      ctx,
      accountId: organization.accountId,
      methodId: options.methodId ?? method.id,
      samlResponse,
      meta: { ip: options.ip ?? IP, userAgent: 'vitest' },
      baseUrl: BASE,
      browserRequestIds: options.browserRequestIds ?? null,
    });
  const respond = (overrides: Partial<ResponseOptions> & { inResponseTo?: string | null }, methodId = method.id) => {
    const u = spUrls(BASE, organization.accountId, methodId);
    return idp.response({ acsUrl: u.acsUrl, audience: u.entityId, nameId: 'ann@acme.test', attributes: { email: 'ann@acme.test' }, ...overrides });
  };
  const sessionsOf = (userId: string) => ctx.db.select().from(tokens).where(and(eq(tokens.userId, userId), eq(tokens.kind, 'session')));
  const identitiesOf = (userId: string) => ctx.db.select().from(externalIdentities).where(eq(externalIdentities.userId, userId));
  return { ctx, organization, admin, call, method, urls, addIdp, start, post, respond, sessionsOf, identitiesOf };
}
type Setup = Awaited<ReturnType<typeof setup>>;

/** An account whose owner proved the address (so that no rule on unproven accounts is what refuses it). */
async function seedProvenUser(ctx: Ctx, email: string, organizationId?: string) {
  const user = await seedUser(ctx, { email });
  await ctx.db.update(users).set({ emailVerifiedTime: iso(ctx.now) }).where(eq(users.id, user.id));
  if (organizationId) await seedMembership(ctx, { organizationId, userId: user.id });
  return user;
}

/** Another organization, with `settings` over seedOrganization's defaults. */
async function seedOrganizationWith(ctx: Ctx, input: { name: string; ipAllowlist?: string[] }, settings: Partial<typeof organizations.$inferInsert>) {
  const organization = await seedOrganization(ctx, input);
  await ctx.db.update(organizations).set(settings).where(eq(organizations.id, organization.id));
  return organization;
}

async function seedDomain(ctx: Ctx, input: { organizationId: string; name: string; state?: 'verified' | 'unverified'; linkedTo?: string[] }) {
  const id = `dom-${input.name}-${input.organizationId}`;
  await ctx.db.insert(domains).values({ id, organizationId: input.organizationId, domainName: input.name, challengeToken: 'x', state: input.state ?? 'verified', createTime: iso(ctx.now) });
  for (const methodId of input.linkedTo ?? []) await ctx.db.insert(domainAuthenticationMethods).values({ domainId: id, methodId, createTime: iso(ctx.now) });
}

async function seedLink(ctx: Ctx, userId: string, methodId: string, subject: string) {
  await ctx.db.insert(externalIdentities).values({ id: `x-${userId}-${subject}`, userId, provider: `saml:${methodId}`, subject, email: subject, createTime: iso(ctx.now) });
}

/** A proven member of the organization, linked to Acme's IdP by their address. */
async function seedLinkedMember(s: Setup, email: string, organizationId: string) {
  const user = await seedProvenUser(s.ctx, email, organizationId);
  await seedLink(s.ctx, user.id, s.method.id, email);
  return user;
}

/** Acme's IdP answers a fresh request with `email` as the NameID and no attributes. */
const signInAs = async (s: Setup, email: string) => s.post(s.respond({ inResponseTo: await s.start(), nameId: email, attributes: {} }));

async function expectRefused(s: Setup, outcome: Awaited<ReturnType<Setup['post']>>, reason: string, status: number, message: RegExp | string) {
  expect(outcome.kind).toBe('failed');
  if (outcome.kind !== 'failed') return;
  expect(outcome.error.reason).toBe(reason);
  expect(outcome.error.status).toBe(status);
  if (typeof message === 'string') expect(outcome.error.message).toBe(message);
  else expect(outcome.error.message).toMatch(message);
  const failed = (await listAuditEvents(s.ctx)).filter((e) => e.event === 'auth.sign_in_failed');
  expect(failed.at(-1)?.details).toMatchObject({ method: 'saml', reason, outcome: 'failed' });
  expect(await s.ctx.db.select().from(tokens).where(eq(tokens.authMethod, `saml:${s.method.id}`))).toHaveLength(0);
}

describe('ACS: an existing, unlinked account is signed in by address only where the IdP\'s organization verified its domain and linked it to this IdP', () => {
  type Case = [name: string, arrange: (s: Setup) => Promise<void> | void, email?: string];
  const notRouted: Case[] = [
    ['no verified domain at all (same address is not enough)', () => {}],
    ['the domain is verified by the IdP\'s organization but linked to no IdP', (s) => seedDomain(s.ctx, { organizationId: s.organization.id, name: 'acme.test' })],
    [
      'the domain is verified and linked to another IdP of the same organization',
      async (s) => await seedDomain(s.ctx, { organizationId: s.organization.id, name: 'acme.test', linkedTo: [(await s.addIdp('Other IdP')).id] }),
    ],
    ['the domain is linked to this IdP but not verified', (s) => seedDomain(s.ctx, { organizationId: s.organization.id, name: 'acme.test', state: 'unverified', linkedTo: [s.method.id] })],
    [
      'another organization verified the domain and links it to this IdP',
      async (s) => {
        const other = await seedOrganization(s.ctx, { name: 'Other' });
        await seedDomain(s.ctx, { organizationId: other.id, name: 'acme.test', linkedTo: [s.method.id] });
      },
    ],
    [
      'the IdP\'s organization verified the parent domain only',
      (s) => seedDomain(s.ctx, { organizationId: s.organization.id, name: 'acme.test', linkedTo: [s.method.id] }),
      'ann@eu.acme.test',
    ],
  ];

  it.each(notRouted)('refused: %s', async (_name, arrange, email = 'ann@acme.test') => {
    const s = await setup();
    const ann = await seedProvenUser(s.ctx, email, s.organization.id);
    await arrange(s);
    const outcome = await s.post(s.respond({ inResponseTo: await s.start(), nameId: email, attributes: { email } }));
    await expectRefused(
      s,
      outcome,
      'not_linked',
      403,
      `No Portcullis account is linked to this Acme IdP identity (${email}). Use the signup URL to create one, or sign in and use the account link URL.`,
    );
    expect(await s.identitiesOf(ann.id)).toHaveLength(0);
    expect(await s.sessionsOf(ann.id)).toHaveLength(0);
    expect(await s.ctx.db.select().from(users).where(eq(users.email, email))).toHaveLength(1);
  });

  it('IdP-initiated responses follow the same rule', async () => {
    const s = await setup();
    await s.ctx.db.update(authenticationMethods).set({ samlIdpLoginAllowed: true }).where(eq(authenticationMethods.id, s.method.id));
    const ann = await seedProvenUser(s.ctx, 'ann@acme.test', s.organization.id);
    const outcome = await s.post(s.respond({ inResponseTo: null }));
    await expectRefused(s, outcome, 'not_linked', 403, /No Portcullis account is linked/);
    expect(await s.identitiesOf(ann.id)).toHaveLength(0);
  });

  it('signed in and linked once the domain is verified by the IdP\'s organization and linked to this IdP', async () => {
    const s = await setup();
    const ann = await seedProvenUser(s.ctx, 'ann@acme.test', s.organization.id);
    await seedDomain(s.ctx, { organizationId: s.organization.id, name: 'acme.test', linkedTo: [s.method.id] });
    const outcome = await s.post(s.respond({ inResponseTo: await s.start() }));
    expect(outcome.kind === 'session' && outcome.user.id).toBe(ann.id);
    expect(await s.identitiesOf(ann.id)).toMatchObject([{ provider: `saml:${s.method.id}`, subject: 'ann@acme.test' }]);
    expect((await listAuditEvents(s.ctx)).find((e) => e.event === 'identity_provider.account_linked')).toMatchObject({ actorUserId: ann.id, organizationId: s.organization.id });
  });
});

describe('ACS: account link', () => {
  it('an identity linked to one account cannot be linked to another (already_linked, 409)', async () => {
    const s = await setup();
    const ann = await seedProvenUser(s.ctx, 'ann@acme.test', s.organization.id);
    await seedLink(s.ctx, ann.id, s.method.id, 'ann@acme.test');
    const bob = await seedProvenUser(s.ctx, 'bob@acme.test', s.organization.id);
    const outcome = await s.post(s.respond({ inResponseTo: await s.start('link', bob.id) }));
    await expectRefused(s, outcome, 'already_linked', 409, 'This Acme IdP identity (ann@acme.test) is already linked to another Portcullis account.');
    expect(await s.identitiesOf(bob.id)).toHaveLength(0);
    expect(await s.identitiesOf(ann.id)).toHaveLength(1);
    expect(await s.sessionsOf(bob.id)).toHaveLength(0);
    expect(await s.sessionsOf(ann.id)).toHaveLength(0);
  });

  it('linking again to the account it is linked to signs in, with no second link', async () => {
    const s = await setup();
    const ann = await seedProvenUser(s.ctx, 'ann@acme.test', s.organization.id);
    await seedLink(s.ctx, ann.id, s.method.id, 'ann@acme.test');
    const outcome = await s.post(s.respond({ inResponseTo: await s.start('link', ann.id) }));
    expect(outcome.kind === 'session' && outcome.user.id).toBe(ann.id);
    expect(await s.identitiesOf(ann.id)).toHaveLength(1);
    expect((await listAuditEvents(s.ctx)).map((e) => e.event)).not.toContain('identity_provider.account_linked');
  });

  it('a link request that names no signed-in account is refused (401)', async () => {
    const s = await setup();
    await seedProvenUser(s.ctx, 'ann@acme.test', s.organization.id);
    const outcome = await s.post(s.respond({ inResponseTo: await s.start('link', null) }));
    await expectRefused(s, outcome, 'link_requires_sign_in', 401, /Sign in to Portcullis first/);
  });
});

describe('ACS: the request a response answers', () => {
  it('is accepted until it is 10 minutes old, refused after (unknown_request, 400)', async () => {
    expect(REQUEST_LIFETIME_MS).toBe(10 * 60_000);
    for (const [age, accepted] of [[REQUEST_LIFETIME_MS - 2_000, true], [REQUEST_LIFETIME_MS + 2_000, false]] as const) {
      const s = await setup();
      const ann = await seedProvenUser(s.ctx, 'ann@acme.test', s.organization.id);
      await seedLink(s.ctx, ann.id, s.method.id, 'ann@acme.test');
      const requestId = await s.start();
      // The request's age is read from our clock (ctx.now); the assertion's times from the wall clock.
      s.ctx.now = new Date(s.ctx.now.getTime() + age);
      const outcome = await s.post(s.respond({ inResponseTo: requestId }));
      if (accepted) expect(outcome.kind === 'session' && outcome.user.id).toBe(ann.id);
      else await expectRefused(s, outcome, 'unknown_request', 400, `InResponseTo "${requestId}" names no sign-in we started, or one already answered or expired.`);
    }
  });

  it('started for one IdP, it cannot be answered at another IdP\'s ACS', async () => {
    const s = await setup();
    const other = await s.addIdp('Other IdP');
    const ann = await seedProvenUser(s.ctx, 'ann@acme.test', s.organization.id);
    await seedLink(s.ctx, ann.id, other.id, 'ann@acme.test');
    const requestId = await s.start('signin', null, s.method.id);
    const outcome = await s.post(s.respond({ inResponseTo: requestId }, other.id), { methodId: other.id });
    expect(outcome.kind === 'failed' && outcome.error.reason).toBe('unknown_request');
    // It is still there for the IdP it was sent to.
    expect(await first(s.ctx.db.select().from(samlRequests).where(eq(samlRequests.id, requestId)).limit(1))).toBeDefined();
  });

  it('over https, is tied to the browser that started it: no cookie, or another request\'s, is refused (400) and uses it up', async () => {
    const s = await setup();
    const ann = await seedProvenUser(s.ctx, 'ann@acme.test', s.organization.id);
    await seedLink(s.ctx, ann.id, s.method.id, 'ann@acme.test');
    for (const cookies of [[], ['_another-request']]) {
      const requestId = await s.start();
      const response = s.respond({ inResponseTo: requestId });
      const outcome = await s.post(response, { browserRequestIds: cookies });
      await expectRefused(s, outcome, 'in_response_to', 400, 'This sign-in was started in another browser. Start it again here.');
      // Whoever holds the response cannot finish it in the right browser afterwards either.
      const again = await s.post(response, { browserRequestIds: [requestId] });
      expect(again.kind === 'failed' && again.error.reason).toBe('unknown_request');
    }
    const mine = await s.start();
    expect((await s.post(s.respond({ inResponseTo: mine }), { browserRequestIds: ['_x', mine] })).kind).toBe('session');
  });
});

describe('ACS: the policy after the IdP', () => {
  async function linked(options: { state?: 'active' | 'deactivated' } = {}) {
    const s = await setup();
    const ann = await seedProvenUser(s.ctx, 'ann@acme.test', s.organization.id);
    if (options.state) await s.ctx.db.update(users).set({ state: options.state }).where(eq(users.id, ann.id));
    await seedLink(s.ctx, ann.id, s.method.id, 'ann@acme.test');
    return { s, ann };
  }

  it('a deactivated account is refused (403), however good the response', async () => {
    const { s, ann } = await linked({ state: 'deactivated' });
    const outcome = await s.post(s.respond({ inResponseTo: await s.start() }));
    await expectRefused(s, outcome, 'deactivated', 403, 'This user account is deactivated.');
    expect(await s.sessionsOf(ann.id)).toHaveLength(0);
  });

  it('an address outside the organization\'s IP allowlist is refused (403); inside, signed in', async () => {
    const { s, ann } = await linked();
    await s.ctx.db.update(organizations).set({ ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'] }).where(eq(organizations.id, s.organization.id));
    const outside = await s.post(s.respond({ inResponseTo: await s.start() }));
    await expectRefused(s, outside, 'ip_not_allowed', 403, `IP address ${IP} is not in your organization's IP allowlist.`);
    expect(await s.sessionsOf(ann.id)).toHaveLength(0);
    const inside = await s.post(s.respond({ inResponseTo: await s.start() }), { ip: '10.1.2.3' });
    expect(inside.kind === 'session' && inside.user.id).toBe(ann.id);
  });

  it('only the allowlists of organizations that admit this IdP count', async () => {
    const { s, ann } = await linked();
    await s.ctx.db.update(organizations).set({ ipAllowlist: ['10.0.0.0/8'] }).where(eq(organizations.id, s.organization.id));
    // Ann's other organization admits her address, but not sign-in through this (external) IdP.
    const strict = await seedOrganizationWith(s.ctx, { name: 'Strict', ipAllowlist: ['192.0.2.0/24'] }, { samlAllowExternal: false });
    await seedMembership(s.ctx, { organizationId: strict.id, userId: ann.id });
    const outcome = await s.post(s.respond({ inResponseTo: await s.start() }));
    await expectRefused(s, outcome, 'ip_not_allowed', 403, `IP address ${IP} is not in your organization's IP allowlist.`);

    // An organization that admits both the IdP and the address is enough.
    const open = await seedOrganizationWith(s.ctx, { name: 'Open', ipAllowlist: ['192.0.2.0/24'] }, { samlAllowExternal: true });
    await seedMembership(s.ctx, { organizationId: open.id, userId: ann.id });
    const admitted = await s.post(s.respond({ inResponseTo: await s.start() }));
    expect(admitted.kind === 'session' && admitted.user.id).toBe(ann.id);
  });

  it('refused when none of the user\'s organizations admits this IdP, with what they allow instead', async () => {
    const s = await setup();
    const strict = await seedOrganizationWith(s.ctx, { name: 'Strict' }, { samlAllowExternal: false, oauthEnabled: false });
    const carol = await seedLinkedMember(s, 'carol@strict.test', strict.id);
    const outcome = await signInAs(s, 'carol@strict.test');
    await expectRefused(
      s,
      outcome,
      'method_not_allowed',
      403,
      'Your organizations do not allow sign-in through identity providers of other organizations, such as "Acme". Allowed methods: password, SAML single sign-on.',
    );
    expect(await s.sessionsOf(carol.id)).toHaveLength(0);

    // One organization of hers that admits other organizations' IdPs is enough.
    const open = await seedOrganizationWith(s.ctx, { name: 'Open' }, { samlAllowExternal: true });
    await seedMembership(s.ctx, { organizationId: open.id, userId: carol.id });
    const admitted = await signInAs(s, 'carol@strict.test');
    expect(admitted.kind === 'session' && admitted.user.id).toBe(carol.id);
  });

  it('an organization with SAML off does not admit another organization\'s IdP either', async () => {
    const s = await setup();
    const off = await seedOrganizationWith(s.ctx, { name: 'NoSaml' }, { samlEnabled: false, oauthEnabled: false });
    await seedLinkedMember(s, 'dave@nosaml.test', off.id);
    const outcome = await signInAs(s, 'dave@nosaml.test');
    await expectRefused(s, outcome, 'method_not_allowed', 403, /^Your organizations do not allow sign-in through identity providers of other organizations, such as "Acme"\. Allowed methods: password\.$/);
  });
});
