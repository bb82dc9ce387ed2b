import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { authenticationMethods, externalIdentities, organizations, passwordCredentials, users } from '@/db/schema';
import { iso, type Ctx } from '@/lib/context';
import { newRowId } from '@/lib/ids';
import { principalOf, TEST_META } from '@/lib/testing/members';
import { listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { tokens } from '@/db/schema';
import { rejection } from '@/lib/testing/errors';
import { linkIdentityToUser, listLinkedMethods, unlinkIdentity, unlinkRefusal, type LinkedMethod } from './identities';
import { OAuthRefusal } from './oauth';

function identity(ctx: Ctx, userId: string, provider: string, subject = `${provider}-sub`) {
  return ctx.db
    .insert(externalIdentities)
    .values({ id: newRowId(), userId, provider, subject, email: 'ada@example.test', createTime: iso(ctx.now) })
    .returning()
    .get();
}

function setup({ password = true, orgPatch = {} }: { password?: boolean; orgPatch?: Partial<typeof organizations.$inferInsert> } = {}) {
  const ctx = testCtx();
  const org = seedOrganization(ctx, { name: 'Acme' });
  if (Object.keys(orgPatch).length) ctx.db.update(organizations).set(orgPatch).where(eq(organizations.id, org.id)).run();
  const user = seedUser(ctx, { email: 'ada@example.test', passwordHash: password ? 'hash' : undefined });
  seedMembership(ctx, { organizationId: org.id, userId: user.id });
  return { ctx, org, user, principal: () => principalOf(ctx, user.id) };
}

describe('listLinkedMethods', () => {
  it('lists the password and every identity, SAML ones generically by their method name', () => {
    const { ctx, user, org } = setup();
    identity(ctx, user.id, 'github');
    const methodId = 'am0123456789';
    ctx.db
      .insert(authenticationMethods)
      .values({ id: methodId, organizationId: org.id, name: 'Okta', type: 'saml', spPrivateKey: 'k', spCertificate: 'c', createTime: iso(ctx.now), updateTime: iso(ctx.now) })
      .run();
    identity(ctx, user.id, `saml:${methodId}`);
    identity(ctx, user.id, 'saml:am-gone');
    // A provider this version does not know (a row from a later version, say) shows its name.
    identity(ctx, user.id, 'gitlab');
    expect(listLinkedMethods(ctx, user.id).map((m) => [m.method, m.label])).toEqual([
      ['password', 'Email and password'],
      ['github', 'GitHub'],
      ['gitlab', 'gitlab'],
      // Same creation time: by provider name, and "saml:am-gone" sorts before "saml:am0…".
      ['saml', 'SAML single sign-on'],
      ['saml', 'SAML: Okta'],
    ]);
  });
});

describe('unlinkIdentity', () => {
  it('unlinks one of two methods and records it', () => {
    const { ctx, user, org, principal } = setup();
    const row = identity(ctx, user.id, 'google');
    unlinkIdentity({ ctx, principal: principal(), meta: TEST_META, input: { identityId: row.id } });
    expect(listLinkedMethods(ctx, user.id).map((m) => m.method)).toEqual(['password']);
    expect(listAuditEvents(ctx)).toMatchObject([{ event: 'identity.unlinked', organizationId: org.id, details: { provider: 'google' } }]);
  });

  it('ends the sessions and personal tokens made through that provider, and only those; audited with the counts', () => {
    const { ctx, user, principal } = setup();
    const other = seedUser(ctx);
    const row = identity(ctx, user.id, 'google');
    identity(ctx, user.id, 'saml:am1', 'saml-sub');
    const made = (kind: 'session' | 'personal' | 'application', authMethod: string, userId = user.id) =>
      seedToken(ctx, userId, { kind, authMethod, createdManually: kind !== 'session' }).token.id;
    const ended = [made('session', 'google'), made('session', 'google'), made('personal', 'google')];
    const kept = [made('session', 'password'), made('personal', 'password'), made('session', 'saml:am1'), made('session', 'google', other.id)];
    unlinkIdentity({ ctx, principal: principal(), meta: TEST_META, input: { identityId: row.id } });
    const left = ctx.db.select({ id: tokens.id }).from(tokens).all().map((t) => t.id);
    for (const id of ended) expect(left).not.toContain(id);
    for (const id of kept) expect(left).toContain(id);
    expect(listAuditEvents(ctx).at(-1)).toMatchObject({
      event: 'identity.unlinked',
      details: { provider: 'google', sessions_ended: 2, personal_tokens_revoked: 1 },
    });
  });

  it('a SAML identity: ends what was made through saml:<its method id>', () => {
    const { ctx, user, principal } = setup();
    const row = identity(ctx, user.id, 'saml:am1', 'saml-sub');
    const session = seedToken(ctx, user.id, { kind: 'session', authMethod: 'saml:am1', createdManually: false }).token.id;
    const otherIdp = seedToken(ctx, user.id, { kind: 'session', authMethod: 'saml:am2', createdManually: false }).token.id;
    unlinkIdentity({ ctx, principal: principal(), meta: TEST_META, input: { identityId: row.id } });
    const left = ctx.db.select({ id: tokens.id }).from(tokens).all().map((t) => t.id);
    expect(left).not.toContain(session);
    expect(left).toContain(otherIdp);
    expect(listAuditEvents(ctx).at(-1)!.details).toMatchObject({ sessions_ended: 1, personal_tokens_revoked: 0 });
  });

  it('a refused unlink ends nothing', () => {
    const { ctx, user, principal } = setup({ password: false });
    const row = identity(ctx, user.id, 'google');
    const session = seedToken(ctx, user.id, { kind: 'session', authMethod: 'google', createdManually: false }).token.id;
    expect(rejection(() => unlinkIdentity({ ctx, principal: principal(), meta: TEST_META, input: { identityId: row.id } })).status).toBe(409);
    expect(ctx.db.select({ id: tokens.id }).from(tokens).all().map((t) => t.id)).toContain(session);
  });

  it('never unlinks the last sign-in method', () => {
    const { ctx, user, principal } = setup({ password: false });
    const row = identity(ctx, user.id, 'google');
    const error = rejection(() => unlinkIdentity({ ctx, principal: principal(), meta: TEST_META, input: { identityId: row.id } }));
    expect(error.status).toBe(409);
    expect(error.message).toContain('only sign-in method');
    expect(listLinkedMethods(ctx, user.id)).toHaveLength(1);
    expect(listAuditEvents(ctx)).toEqual([]);
  });

  it('refuses when what remains is a method no organization of the user allows', () => {
    const { ctx, user, principal } = setup({ orgPatch: { passwordAuthEnabled: false } });
    const row = identity(ctx, user.id, 'google');
    const error = rejection(() => unlinkIdentity({ ctx, principal: principal(), meta: TEST_META, input: { identityId: row.id } }));
    expect(error.message).toBe('You could no longer sign in: organization "Acme" does not allow password. Allowed methods: Google, Microsoft, GitHub, SAML single sign-on.');
  });

  it('allows unlinking when another linked provider remains allowed', () => {
    const { ctx, user, principal } = setup({ password: false });
    const google = identity(ctx, user.id, 'google');
    identity(ctx, user.id, 'github');
    unlinkIdentity({ ctx, principal: principal(), meta: TEST_META, input: { identityId: google.id } });
    expect(listLinkedMethods(ctx, user.id).map((m) => m.method)).toEqual(['github']);
  });

  it("answers 404 for someone else's identity and for bad input", () => {
    const { ctx, principal } = setup();
    const other = seedUser(ctx, { email: 'other@example.test' });
    const row = identity(ctx, other.id, 'google');
    expect(rejection(() => unlinkIdentity({ ctx, principal: principal(), meta: TEST_META, input: { identityId: row.id } })).status).toBe(404);
    expect(rejection(() => unlinkIdentity({ ctx, principal: principal(), meta: TEST_META, input: {} })).status).toBe(400);
    expect(ctx.db.select().from(externalIdentities).all()).toHaveLength(1);
  });
});

describe('linkIdentityToUser', () => {
  const github = { provider: 'github', subject: '77', email: 'ada@personal.test', emailVerified: false, name: 'ada' };

  it('links while signed in, whatever the address (the person proved both accounts)', () => {
    const { ctx, user, principal } = setup();
    expect(linkIdentityToUser({ ctx, principal: principal(), meta: TEST_META, input: github }).alreadyLinked).toBe(false);
    expect(listLinkedMethods(ctx, user.id).map((m) => m.method)).toEqual(['password', 'github']);
    expect(listAuditEvents(ctx)).toMatchObject([{ event: 'identity.linked', details: { provider: 'github', via: 'profile' } }]);
    expect(linkIdentityToUser({ ctx, principal: principal(), meta: TEST_META, input: github }).alreadyLinked).toBe(true);
    // Another address, unverified: the account's own address is not proven by it.
    expect(ctx.db.select().from(users).where(eq(users.id, user.id)).get()!.emailVerifiedTime).toBeNull();
  });

  it.each([
    ['verified, the account’s own address', 'Ada@Example.test', true, true],
    ['unverified, the account’s own address', 'ada@example.test', false, false],
    ['verified, another address', 'ada@personal.test', true, false],
  ])('a provider address %s: proven=%s', (_name, email, emailVerified, proven) => {
    const { ctx, user, org, principal } = setup();
    linkIdentityToUser({ ctx, principal: principal(), meta: TEST_META, input: { provider: 'google', subject: 'g-7', email, emailVerified } });
    expect(ctx.db.select().from(users).where(eq(users.id, user.id)).get()!.emailVerifiedTime).toBe(proven ? iso(ctx.now) : null);
    const events = listAuditEvents(ctx).filter((e) => e.event === 'user.email_verified');
    expect(events).toEqual(
      proven ? [expect.objectContaining({ organizationId: org.id, details: { user_email: 'ada@example.test', how: 'provider_verified', provider: 'google', subject: 'g-7' } })] : [],
    );
  });

  it('linking again a provider account that was linked before proves the address when it now vouches for it', () => {
    const { ctx, user, principal } = setup();
    identity(ctx, user.id, 'google', 'g-8');
    const result = linkIdentityToUser({ ctx, principal: principal(), meta: TEST_META, input: { provider: 'google', subject: 'g-8', email: 'ada@example.test', emailVerified: true } });
    expect(result.alreadyLinked).toBe(true);
    expect(ctx.db.select().from(users).where(eq(users.id, user.id)).get()!.emailVerifiedTime).toBe(iso(ctx.now));
  });

  it("refuses a provider account linked to someone else, and records the attempt", () => {
    const { ctx, principal } = setup();
    const other = seedUser(ctx, { email: 'other@example.test' });
    identity(ctx, other.id, 'github', '77');
    const error = rejection(() => linkIdentityToUser({ ctx, principal: principal(), meta: TEST_META, input: github })) as OAuthRefusal;
    expect(error.reason).toBe('identity_taken');
    expect(listAuditEvents(ctx)).toMatchObject([{ event: 'identity.link_failed', details: { reason: 'identity_taken' } }]);
  });

  it('refuses a provider that none of the organizations allows', () => {
    const { ctx, user, principal } = setup({ orgPatch: { oauthGithubEnabled: false } });
    const error = rejection(() => linkIdentityToUser({ ctx, principal: principal(), meta: TEST_META, input: github }));
    expect(error.message).toContain('do not allow sign-in with GitHub');
    expect(ctx.db.select().from(externalIdentities).where(eq(externalIdentities.userId, user.id)).all()).toEqual([]);
    expect(ctx.db.select().from(passwordCredentials).all()).toHaveLength(1);
  });
});

describe('unlinkRefusal: what remains must be a way in', () => {
  const password: LinkedMethod = { kind: 'password', method: 'password', label: 'Email and password' };
  const google = { kind: 'identity', method: 'google', label: 'Google' } as LinkedMethod;
  const unknown = { kind: 'identity', method: 'gitlab', label: 'gitlab' } as LinkedMethod;
  function orgs(...patches: Partial<typeof organizations.$inferInsert>[]) {
    const ctx = testCtx();
    const user = seedUser(ctx);
    patches.forEach((patch, i) => {
      const org = seedOrganization(ctx, { name: `Org ${i}` });
      if (Object.keys(patch).length) ctx.db.update(organizations).set(patch).where(eq(organizations.id, org.id)).run();
      seedMembership(ctx, { organizationId: org.id, userId: user.id });
    });
    return principalOf(ctx, user.id).memberships;
  }

  it('a user in no organization may keep any one method', () => {
    expect(unlinkRefusal([password], [])).toBeNull();
  });

  it('one remaining method that an organization allows is enough, wherever it is listed', () => {
    const noPasswords = orgs({ passwordAuthEnabled: false });
    expect(unlinkRefusal([password, google], noPasswords)).toBeNull();
    // One organization allowing it is enough; the others need not.
    expect(unlinkRefusal([password], orgs({ passwordAuthEnabled: false }, {}))).toBeNull();
    expect(unlinkRefusal([password], orgs({}, { passwordAuthEnabled: false }))).toBeNull();
  });

  it('names several organizations together and each method left once, by its label', () => {
    const off = { passwordAuthEnabled: false, oauthGoogleEnabled: false };
    expect(unlinkRefusal([password, google, password, unknown], orgs(off, off))).toBe(
      'You could no longer sign in: your organizations do not allow password, Google, gitlab. ' +
        'Allowed methods: Microsoft, GitHub, SAML single sign-on.',
    );
  });
});

describe('linkIdentityToUser: which organizations decide', () => {
  const github = { provider: 'github', subject: '77', email: 'ada@personal.test', emailVerified: false };

  it('a user in no organization may link any provider, and the link is audited nowhere but the user\'s own trail', () => {
    const ctx = testCtx();
    const user = seedUser(ctx, { email: 'ada@example.test' });
    expect(linkIdentityToUser({ ctx, principal: principalOf(ctx, user.id), meta: TEST_META, input: github }).alreadyLinked).toBe(false);
    expect(listLinkedMethods(ctx, user.id).map((m) => m.method)).toEqual(['github']);
  });

  it('one organization allowing the provider is enough; the link is audited in each organization with the actor', () => {
    const ctx = testCtx();
    const user = seedUser(ctx, { email: 'ada@example.test' });
    const ids = [{ oauthGithubEnabled: false }, {}].map((patch, i) => {
      const org = seedOrganization(ctx, { name: `Org ${i}` });
      if (Object.keys(patch).length) ctx.db.update(organizations).set(patch).where(eq(organizations.id, org.id)).run();
      seedMembership(ctx, { organizationId: org.id, userId: user.id });
      return org.id;
    });
    linkIdentityToUser({ ctx, principal: principalOf(ctx, user.id), meta: TEST_META, input: github });
    const linked = listAuditEvents(ctx).filter((e) => e.event === 'identity.linked');
    expect(linked.map((e) => e.organizationId).sort()).toEqual([...ids].sort());
    expect(linked[0]).toMatchObject({ actorUserId: user.id, actorEmail: 'ada@example.test', ip: TEST_META.ip, userAgent: TEST_META.userAgent });
  });

  it('a refusal is audited in each organization with the actor', () => {
    const ctx = testCtx();
    const user = seedUser(ctx, { email: 'ada@example.test' });
    const org = seedOrganization(ctx, { name: 'Acme' });
    ctx.db.update(organizations).set({ oauthGithubEnabled: false }).where(eq(organizations.id, org.id)).run();
    seedMembership(ctx, { organizationId: org.id, userId: user.id });
    rejection(() => linkIdentityToUser({ ctx, principal: principalOf(ctx, user.id), meta: TEST_META, input: github }));
    expect(listAuditEvents(ctx)).toMatchObject([
      { event: 'identity.link_failed', organizationId: org.id, actorUserId: user.id, actorEmail: 'ada@example.test', ip: TEST_META.ip, details: { reason: 'method_not_allowed' } },
    ]);
  });
});
