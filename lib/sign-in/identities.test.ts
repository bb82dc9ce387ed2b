import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { authenticationMethods, externalIdentities, organizations, passwordCredentials, users } from '@/db/tables';
import { iso, type Ctx } from '@/lib/context';
import { newRowId } from '@/lib/ids';
import { principalOf, TEST_META } from '@/lib/testing/members';
import { listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { tokens } from '@/db/schema';
import { rejection } from '@/lib/testing/errors';
import { linkIdentityToUser, listLinkedMethods, unlinkIdentity, unlinkRefusal, type LinkedMethod } from './identities';
import { OAuthRefusal } from './oauth';
import { first, single } from '@/db/async';

async function identity(ctx: Ctx, userId: string, provider: string, subject = `${provider}-sub`) {
  return await single(
    ctx.db
      .insert(externalIdentities)
      .values({ id: newRowId(), userId, provider, subject, email: 'ada@example.test', createTime: iso(ctx.now) })
      .returning(),
  );
}

async function setup({ password = true, orgPatch = {} }: { password?: boolean; orgPatch?: Partial<typeof organizations.$inferInsert> } = {}) {
  const ctx = testCtx();
  const org = await seedOrganization(ctx, { name: 'Acme' });
  if (Object.keys(orgPatch).length) await ctx.db.update(organizations).set(orgPatch).where(eq(organizations.id, org.id));
  const user = await seedUser(ctx, { email: 'ada@example.test', passwordHash: password ? 'hash' : undefined });
  await seedMembership(ctx, { organizationId: org.id, userId: user.id });
  return { ctx, org, user, principal: () => principalOf(ctx, user.id) };
}

describe('listLinkedMethods', () => {
  it('lists the password and every identity, SAML ones generically by their method name', async () => {
    const { ctx, user, org } = await setup();
    await identity(ctx, user.id, 'github');
    const methodId = 'am0123456789';
    await ctx.db
      .insert(authenticationMethods)
      .values({ id: methodId, organizationId: org.id, name: 'Okta', type: 'saml', spPrivateKey: 'k', spCertificate: 'c', createTime: iso(ctx.now), updateTime: iso(ctx.now) });
    await identity(ctx, user.id, `saml:${methodId}`);
    await identity(ctx, user.id, 'saml:am-gone');
    // A provider this version does not know (a row from a later version, say) shows its name.
    await identity(ctx, user.id, 'gitlab');
    expect((await listLinkedMethods(ctx, user.id)).map((m) => [m.method, m.label])).toEqual([
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
  it('unlinks one of two methods and records it', async () => {
    const { ctx, user, org, principal } = await setup();
    const row = await identity(ctx, user.id, 'google');
    await unlinkIdentity({ ctx, principal: await principal(), meta: TEST_META, input: { identityId: row.id } });
    expect((await listLinkedMethods(ctx, user.id)).map((m) => m.method)).toEqual(['password']);
    expect(await listAuditEvents(ctx)).toMatchObject([{ event: 'identity.unlinked', organizationId: org.id, details: { provider: 'google' } }]);
  });

  it('ends the sessions and personal tokens made through that provider, and only those; audited with the counts', async () => {
    const { ctx, user, principal } = await setup();
    const other = await seedUser(ctx);
    const row = await identity(ctx, user.id, 'google');
    await identity(ctx, user.id, 'saml:am1', 'saml-sub');
    const made = async (kind: 'session' | 'personal' | 'application', authMethod: string, userId = user.id) =>
      (await seedToken(ctx, userId, { kind, authMethod, createdManually: kind !== 'session' })).token.id;
    const ended = [await made('session', 'google'), await made('session', 'google'), await made('personal', 'google')];
    const kept = [await made('session', 'password'), await made('personal', 'password'), await made('session', 'saml:am1'), await made('session', 'google', other.id)];
    await unlinkIdentity({ ctx, principal: await principal(), meta: TEST_META, input: { identityId: row.id } });
    const left = (await ctx.db.select({ id: tokens.id }).from(tokens)).map((t) => t.id);
    for (const id of ended) expect(left).not.toContain(id);
    for (const id of kept) expect(left).toContain(id);
    expect((await listAuditEvents(ctx)).at(-1)).toMatchObject({
      event: 'identity.unlinked',
      details: { provider: 'google', sessions_ended: 2, personal_tokens_revoked: 1 },
    });
  });

  it('a SAML identity: ends what was made through saml:<its method id>', async () => {
    const { ctx, user, principal } = await setup();
    const row = await identity(ctx, user.id, 'saml:am1', 'saml-sub');
    const session = (await seedToken(ctx, user.id, { kind: 'session', authMethod: 'saml:am1', createdManually: false })).token.id;
    const otherIdp = (await seedToken(ctx, user.id, { kind: 'session', authMethod: 'saml:am2', createdManually: false })).token.id;
    await unlinkIdentity({ ctx, principal: await principal(), meta: TEST_META, input: { identityId: row.id } });
    const left = (await ctx.db.select({ id: tokens.id }).from(tokens)).map((t) => t.id);
    expect(left).not.toContain(session);
    expect(left).toContain(otherIdp);
    expect((await listAuditEvents(ctx)).at(-1)!.details).toMatchObject({ sessions_ended: 1, personal_tokens_revoked: 0 });
  });

  it('a refused unlink ends nothing', async () => {
    const { ctx, user, principal } = await setup({ password: false });
    const row = await identity(ctx, user.id, 'google');
    const session = (await seedToken(ctx, user.id, { kind: 'session', authMethod: 'google', createdManually: false })).token.id;
    expect((await rejection(async () => await unlinkIdentity({ ctx, principal: await principal(), meta: TEST_META, input: { identityId: row.id } }))).status).toBe(409);
    expect((await ctx.db.select({ id: tokens.id }).from(tokens)).map((t) => t.id)).toContain(session);
  });

  it('never unlinks the last sign-in method', async () => {
    const { ctx, user, principal } = await setup({ password: false });
    const row = await identity(ctx, user.id, 'google');
    const error = await rejection(async () => await unlinkIdentity({ ctx, principal: await principal(), meta: TEST_META, input: { identityId: row.id } }));
    expect(error.status).toBe(409);
    expect(error.message).toContain('only sign-in method');
    expect(await listLinkedMethods(ctx, user.id)).toHaveLength(1);
    expect(await listAuditEvents(ctx)).toEqual([]);
  });

  it('refuses when what remains is a method no organization of the user allows', async () => {
    const { ctx, user, principal } = await setup({ orgPatch: { passwordAuthEnabled: false } });
    const row = await identity(ctx, user.id, 'google');
    const error = await rejection(async () => await unlinkIdentity({ ctx, principal: await principal(), meta: TEST_META, input: { identityId: row.id } }));
    expect(error.message).toBe('You could no longer sign in: organization "Acme" does not allow password. Allowed methods: Google, Microsoft, GitHub, SAML single sign-on.');
  });

  it('allows unlinking when another linked provider remains allowed', async () => {
    const { ctx, user, principal } = await setup({ password: false });
    const google = await identity(ctx, user.id, 'google');
    await identity(ctx, user.id, 'github');
    await unlinkIdentity({ ctx, principal: await principal(), meta: TEST_META, input: { identityId: google.id } });
    expect((await listLinkedMethods(ctx, user.id)).map((m) => m.method)).toEqual(['github']);
  });

  it("answers 404 for someone else's identity and for bad input", async () => {
    const { ctx, principal } = await setup();
    const other = await seedUser(ctx, { email: 'other@example.test' });
    const row = await identity(ctx, other.id, 'google');
    expect((await rejection(async () => await unlinkIdentity({ ctx, principal: await principal(), meta: TEST_META, input: { identityId: row.id } }))).status).toBe(404);
    expect((await rejection(async () => await unlinkIdentity({ ctx, principal: await principal(), meta: TEST_META, input: {} }))).status).toBe(400);
    expect(await ctx.db.select().from(externalIdentities)).toHaveLength(1);
  });
});

describe('linkIdentityToUser', () => {
  const github = { provider: 'github', subject: '77', email: 'ada@personal.test', emailVerified: false, name: 'ada' };

  it('links while signed in, whatever the address (the person proved both accounts)', async () => {
    const { ctx, user, principal } = await setup();
    expect((await linkIdentityToUser({ ctx, principal: await principal(), meta: TEST_META, input: github })).alreadyLinked).toBe(false);
    expect((await listLinkedMethods(ctx, user.id)).map((m) => m.method)).toEqual(['password', 'github']);
    expect(await listAuditEvents(ctx)).toMatchObject([{ event: 'identity.linked', details: { provider: 'github', via: 'profile' } }]);
    expect((await linkIdentityToUser({ ctx, principal: await principal(), meta: TEST_META, input: github })).alreadyLinked).toBe(true);
    // Another address, unverified: the account's own address is not proven by it.
    expect((await first(ctx.db.select().from(users).where(eq(users.id, user.id)).limit(1)))!.emailVerifiedTime).toBeNull();
  });

  it.each([
    ['verified, the account’s own address', 'Ada@Example.test', true, true],
    ['unverified, the account’s own address', 'ada@example.test', false, false],
    ['verified, another address', 'ada@personal.test', true, false],
  ])('a provider address %s: proven=%s', async (_name, email, emailVerified, proven) => {
    const { ctx, user, org, principal } = await setup();
    await linkIdentityToUser({ ctx, principal: await principal(), meta: TEST_META, input: { provider: 'google', subject: 'g-7', email, emailVerified } });
    expect((await first(ctx.db.select().from(users).where(eq(users.id, user.id)).limit(1)))!.emailVerifiedTime).toBe(proven ? iso(ctx.now) : null);
    const events = (await listAuditEvents(ctx)).filter((e) => e.event === 'user.email_verified');
    expect(events).toEqual(
      proven ? [expect.objectContaining({ organizationId: org.id, details: { user_email: 'ada@example.test', how: 'provider_verified', provider: 'google', subject: 'g-7' } })] : [],
    );
  });

  it('linking again a provider account that was linked before proves the address when it now vouches for it', async () => {
    const { ctx, user, principal } = await setup();
    await identity(ctx, user.id, 'google', 'g-8');
    const result = await linkIdentityToUser({ ctx, principal: await principal(), meta: TEST_META, input: { provider: 'google', subject: 'g-8', email: 'ada@example.test', emailVerified: true } });
    expect(result.alreadyLinked).toBe(true);
    expect((await first(ctx.db.select().from(users).where(eq(users.id, user.id)).limit(1)))!.emailVerifiedTime).toBe(iso(ctx.now));
  });

  it("refuses a provider account linked to someone else, and records the attempt", async () => {
    const { ctx, principal } = await setup();
    const other = await seedUser(ctx, { email: 'other@example.test' });
    await identity(ctx, other.id, 'github', '77');
    const error = await rejection(async () => await linkIdentityToUser({ ctx, principal: await principal(), meta: TEST_META, input: github })) as OAuthRefusal;
    expect(error.reason).toBe('identity_taken');
    expect(await listAuditEvents(ctx)).toMatchObject([{ event: 'identity.link_failed', details: { reason: 'identity_taken' } }]);
  });

  it('refuses a provider that none of the organizations allows', async () => {
    const { ctx, user, principal } = await setup({ orgPatch: { oauthGithubEnabled: false } });
    const error = await rejection(async () => await linkIdentityToUser({ ctx, principal: await principal(), meta: TEST_META, input: github }));
    expect(error.message).toContain('do not allow sign-in with GitHub');
    expect(await ctx.db.select().from(externalIdentities).where(eq(externalIdentities.userId, user.id))).toEqual([]);
    expect(await ctx.db.select().from(passwordCredentials)).toHaveLength(1);
  });
});

describe('unlinkRefusal: what remains must be a way in', () => {
  const password: LinkedMethod = { kind: 'password', method: 'password', label: 'Email and password' };
  const google = { kind: 'identity', method: 'google', label: 'Google' } as LinkedMethod;
  const unknown = { kind: 'identity', method: 'gitlab', label: 'gitlab' } as LinkedMethod;
  async function orgs(...patches: Partial<typeof organizations.$inferInsert>[]) {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    for (const [i, patch] of patches.entries()) {
      const org = await seedOrganization(ctx, { name: `Org ${i}` });
      if (Object.keys(patch).length) await ctx.db.update(organizations).set(patch).where(eq(organizations.id, org.id));
      await seedMembership(ctx, { organizationId: org.id, userId: user.id });
    }
    return (await principalOf(ctx, user.id)).memberships;
  }

  it('a user in no organization may keep any one method', () => {
    expect(unlinkRefusal([password], [])).toBeNull();
  });

  it('one remaining method that an organization allows is enough, wherever it is listed', async () => {
    const noPasswords = await orgs({ passwordAuthEnabled: false });
    expect(unlinkRefusal([password, google], noPasswords)).toBeNull();
    // One organization allowing it is enough; the others need not.
    expect(unlinkRefusal([password], await orgs({ passwordAuthEnabled: false }, {}))).toBeNull();
    expect(unlinkRefusal([password], await orgs({}, { passwordAuthEnabled: false }))).toBeNull();
  });

  it('names several organizations together and each method left once, by its label', async () => {
    const off = { passwordAuthEnabled: false, oauthGoogleEnabled: false };
    expect(unlinkRefusal([password, google, password, unknown], await orgs(off, off))).toBe(
      'You could no longer sign in: your organizations do not allow password, Google, gitlab. ' +
        'Allowed methods: Microsoft, GitHub, SAML single sign-on.',
    );
  });
});

describe('linkIdentityToUser: which organizations decide', () => {
  const github = { provider: 'github', subject: '77', email: 'ada@personal.test', emailVerified: false };

  it('a user in no organization may link any provider, and the link is audited nowhere but the user\'s own trail', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx, { email: 'ada@example.test' });
    expect((await linkIdentityToUser({ ctx, principal: await principalOf(ctx, user.id), meta: TEST_META, input: github })).alreadyLinked).toBe(false);
    expect((await listLinkedMethods(ctx, user.id)).map((m) => m.method)).toEqual(['github']);
  });

  it('one organization allowing the provider is enough; the link is audited in each organization with the actor', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx, { email: 'ada@example.test' });
    const ids: string[] = [];
    for (const [i, patch] of [{ oauthGithubEnabled: false }, {}].entries()) {
      const org = await seedOrganization(ctx, { name: `Org ${i}` });
      if (Object.keys(patch).length) await ctx.db.update(organizations).set(patch).where(eq(organizations.id, org.id));
      await seedMembership(ctx, { organizationId: org.id, userId: user.id });
      ids.push(org.id);
    }
    await linkIdentityToUser({ ctx, principal: await principalOf(ctx, user.id), meta: TEST_META, input: github });
    const linked = (await listAuditEvents(ctx)).filter((e) => e.event === 'identity.linked');
    expect(linked.map((e) => e.organizationId).sort()).toEqual([...ids].sort());
    expect(linked[0]).toMatchObject({ actorUserId: user.id, actorEmail: 'ada@example.test', ip: TEST_META.ip, userAgent: TEST_META.userAgent });
  });

  it('a refusal is audited in each organization with the actor', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx, { email: 'ada@example.test' });
    const org = await seedOrganization(ctx, { name: 'Acme' });
    await ctx.db.update(organizations).set({ oauthGithubEnabled: false }).where(eq(organizations.id, org.id));
    await seedMembership(ctx, { organizationId: org.id, userId: user.id });
    await rejection(async () => await linkIdentityToUser({ ctx, principal: await principalOf(ctx, user.id), meta: TEST_META, input: github }));
    expect(await listAuditEvents(ctx)).toMatchObject([
      { event: 'identity.link_failed', organizationId: org.id, actorUserId: user.id, actorEmail: 'ada@example.test', ip: TEST_META.ip, details: { reason: 'method_not_allowed' } },
    ]);
  });
});
