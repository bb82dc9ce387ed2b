import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { domains, externalIdentities, invitations, memberships, organizations, tokens, users } from '@/db/tables';
import type { Ctx } from '@/lib/context';
import { iso } from '@/lib/context';
import { newDomainId, newRowId } from '@/lib/ids';
import { listAuditEvents, seedMembership, seedOrganization, seedUser, testCtx } from '@/lib/testing/seed';
import { thrownBy } from '@/lib/testing/errors';
import { setUserFields } from '@/lib/testing/members';
import { resolveToken } from '@/lib/tokens/resolve';
import { tokenRefusal, policyOf } from '@/lib/policy/policy';
import { OAuthRefusal, signInWithOAuth } from './oauth';
import type { OAuthSignUpMode } from './oauth-config';
import { first, single } from '@/db/async';

const META = { ip: '203.0.113.7', userAgent: 'vitest' } as const;

type Identity = { provider: 'google' | 'microsoft' | 'github'; subject: string; email: string | null; emailVerified: boolean; name?: string };
const google = (email: string | null, emailVerified = true, subject = `sub-${email}`): Identity => ({ provider: 'google', subject, email, emailVerified, name: 'Ada' });

async function signIn(ctx: Ctx, identity: Identity, signUp: OAuthSignUpMode = 'invited', meta = META) {
  return await signInWithOAuth({ ctx, input: identity, meta, signUp });
}

const refusal = async (fn: () => unknown) => await thrownBy(OAuthRefusal, fn);

/** A member with a password; their address is proven unless said otherwise. */
async function memberOf(ctx: Ctx, email: string, orgPatch: Partial<typeof organizations.$inferInsert> = {}, { emailProven = true } = {}) {
  const org = await seedOrganization(ctx, { name: 'Acme' });
  if (Object.keys(orgPatch).length) await ctx.db.update(organizations).set(orgPatch).where(eq(organizations.id, org.id));
  const user = await seedUser(ctx, { email, passwordHash: 'hash', emailProven });
  await seedMembership(ctx, { organizationId: org.id, userId: user.id });
  return { org, user };
}

async function invite(ctx: Ctx, organizationId: string, email: string, expiresInMs = 86_400_000) {
  await ctx.db
    .insert(invitations)
    .values({
      id: newRowId(),
      organizationId,
      email,
      tokenHash: newRowId(),
      invitedByEmail: 'admin@example.test',
      createTime: iso(ctx.now),
      expiryTime: iso(new Date(ctx.now.getTime() + expiresInMs)),
    });
}

const identitiesOf = (ctx: Ctx, userId: string) => ctx.db.select().from(externalIdentities).where(eq(externalIdentities.userId, userId));

describe('signInWithOAuth: linking to an existing user', () => {
  it('links through a verified address, creates a session token with the provider as method, and says "linked"', async () => {
    const ctx = testCtx();
    const { user, org } = await memberOf(ctx, 'ada@example.test');
    const result = await signIn(ctx, google('ada@example.test'));

    expect(result.outcome).toBe('linked');
    expect(result.user.id).toBe(user.id);
    expect(result.token).toMatchObject({ userId: user.id, kind: 'session', authMethod: 'google', createdManually: false });
    expect((await resolveToken({ ctx, input: { token: result.fullToken, ip: META.ip, userAgent: null } })).user.id).toBe(user.id);
    expect(await identitiesOf(ctx, user.id)).toMatchObject([{ provider: 'google', subject: 'sub-ada@example.test', email: 'ada@example.test' }]);
    const events = (await listAuditEvents(ctx)).map((e) => [e.event, e.organizationId, e.details.method ?? e.details.provider]);
    expect(events).toEqual([
      ['identity.linked', org.id, 'google'],
      ['auth.sign_in', org.id, 'google'],
    ]);
    expect((await listAuditEvents(ctx))[0]).toMatchObject({
      actorUserId: user.id,
      actorEmail: 'ada@example.test',
      ip: META.ip,
      userAgent: 'vitest',
      details: { provider: 'google', subject: 'sub-ada@example.test', provider_email: 'ada@example.test', via: 'verified_email' },
    });
  });

  it('signs in by provider and subject next time, even after the address changed at the provider', async () => {
    const ctx = testCtx();
    const { user } = await memberOf(ctx, 'ada@example.test');
    await signIn(ctx, google('ada@example.test', true, 'g-1'));
    const again = await signIn(ctx, google('ada.new@example.test', false, 'g-1'));
    expect(again.outcome).toBe('signed_in');
    expect(again.user.id).toBe(user.id);
    expect(await identitiesOf(ctx, user.id)).toMatchObject([{ subject: 'g-1', email: 'ada.new@example.test' }]);
  });

  it.each([
    ['google', 'Google'],
    ['microsoft', 'Microsoft'],
    ['github', 'GitHub'],
  ] as const)('an unverified %s address never takes over the existing account', async (provider, label) => {
    const ctx = testCtx();
    const { user, org } = await memberOf(ctx, 'ada@example.test');
    const error = await refusal(() => signIn(ctx, { provider, subject: 'attacker', email: 'ADA@example.test', emailVerified: false }));

    expect(error.reason).toBe('email_not_verified');
    expect(error.message).toContain(`${label} has not verified ada@example.test`);
    expect(await identitiesOf(ctx, user.id)).toEqual([]);
    expect(await ctx.db.select().from(tokens)).toEqual([]);
    const [event] = await listAuditEvents(ctx);
    expect(event).toMatchObject({ event: 'auth.sign_in_failed', organizationId: org.id, actorUserId: user.id });
    expect(event!.details).toMatchObject({ method: provider, reason: 'email_not_verified', subject: 'attacker' });
  });

  it('refuses a deactivated user and an application user', async () => {
    const ctx = testCtx();
    const { user } = await memberOf(ctx, 'ada@example.test');
    await setUserFields(ctx, user.id, { state: 'deactivated' });
    expect((await refusal(() => signIn(ctx, google('ada@example.test')))).reason).toBe('deactivated');
    await setUserFields(ctx, user.id, { state: 'active', isApplicationUser: true });
    expect((await refusal(() => signIn(ctx, google('ada@example.test')))).reason).toBe('application_user');
    expect(await identitiesOf(ctx, user.id)).toEqual([]);
  });

  it('refuses an identity without any address it could be matched by', async () => {
    const ctx = testCtx();
    expect((await refusal(() => signIn(ctx, google(null, false, 'x')))).reason).toBe('email_missing');
    expect(await ctx.db.select().from(users)).toEqual([]);
  });
});

describe('signInWithOAuth: only into a proven address (pre-account hijacking)', () => {
  it('a verified address does not open an account whose own address nobody proved: refused, nothing linked, audited', async () => {
    const ctx = testCtx();
    const { user, org } = await memberOf(ctx, 'victim@example.test', {}, { emailProven: false });
    const error = await refusal(() => signIn(ctx, google('victim@example.test', true, 'real-owner')));

    expect(error.reason).toBe('email_not_proven');
    expect(error.status).toBe(403);
    expect(error.message).toBe(
      'The Portcullis account for victim@example.test has not proven that it owns the address, so it is not linked to your Google account automatically. Sign in another way, then link Google under Profile → Authentication.',
    );
    expect(await identitiesOf(ctx, user.id)).toEqual([]);
    expect(await ctx.db.select().from(tokens)).toEqual([]);
    expect((await first(ctx.db.select().from(users).where(eq(users.id, user.id)).limit(1)))!.emailVerifiedTime).toBeNull();
    expect(await listAuditEvents(ctx)).toMatchObject([
      { event: 'auth.sign_in_failed', organizationId: org.id, actorUserId: user.id, details: { method: 'google', reason: 'email_not_proven', subject: 'real-owner' } },
    ]);
  });

  it('an unverified address into an unproven account is still refused as unverified', async () => {
    const ctx = testCtx();
    await memberOf(ctx, 'victim@example.test', {}, { emailProven: false });
    expect((await refusal(() => signIn(ctx, google('victim@example.test', false)))).reason).toBe('email_not_verified');
  });

  it('a linked provider account that now vouches for the account’s own address proves it; another address or an unverified one does not', async () => {
    const ctx = testCtx();
    const { user, org } = await memberOf(ctx, 'ada@example.test', {}, { emailProven: false });
    await ctx.db.insert(externalIdentities).values({ id: 'x1', userId: user.id, provider: 'google', subject: 'g-1', email: 'old@example.test', createTime: iso(ctx.now) });
    const proven = async () => (await first(ctx.db.select().from(users).where(eq(users.id, user.id)).limit(1)))!.emailVerifiedTime;

    expect((await signIn(ctx, google('other@example.test', true, 'g-1'))).outcome).toBe('signed_in');
    expect(await proven()).toBeNull();
    await signIn(ctx, google('ada@example.test', false, 'g-1'));
    expect(await proven()).toBeNull();
    const result = await signIn(ctx, google('ada@example.test', true, 'g-1'));
    expect(result.outcome).toBe('signed_in');
    expect(result.user.emailVerifiedTime).toBe(iso(ctx.now));
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'user.email_verified')).toMatchObject([
      { organizationId: org.id, details: { how: 'provider_verified', provider: 'google', subject: 'g-1' } },
    ]);
  });
});

describe('signInWithOAuth: the policy', () => {
  const cases: { name: string; patch: Partial<typeof organizations.$inferInsert>; provider: Identity['provider']; allowed: boolean }[] = [
    { name: 'all on', patch: {}, provider: 'google', allowed: true },
    { name: 'third-party off', patch: { oauthEnabled: false }, provider: 'google', allowed: false },
    { name: 'third-party off (GitHub)', patch: { oauthEnabled: false }, provider: 'github', allowed: false },
    { name: 'Google off', patch: { oauthGoogleEnabled: false }, provider: 'google', allowed: false },
    { name: 'Google off, Microsoft on', patch: { oauthGoogleEnabled: false }, provider: 'microsoft', allowed: true },
    { name: 'Microsoft off', patch: { oauthMicrosoftEnabled: false }, provider: 'microsoft', allowed: false },
    { name: 'GitHub off', patch: { oauthGithubEnabled: false }, provider: 'github', allowed: false },
  ];
  it.each(cases)('$name: $provider allowed=$allowed', async ({ patch, provider, allowed }) => {
    const ctx = testCtx();
    const { user } = await memberOf(ctx, 'ada@example.test', patch);
    const identity = { provider, subject: 's', email: 'ada@example.test', emailVerified: true };
    if (allowed) {
      expect((await signIn(ctx, identity)).token.authMethod).toBe(provider);
      return;
    }
    const error = await refusal(() => signIn(ctx, identity));
    expect(error.reason).toBe('method_not_allowed');
    expect(error.message).toMatch(/^Organization "Acme" does not allow sign-in with (Google|Microsoft|GitHub)\. Allowed methods: /);
    // Nothing written: no link, no token.
    expect(await identitiesOf(ctx, user.id)).toEqual([]);
    expect(await ctx.db.select().from(tokens)).toEqual([]);
  });

  it('names the allowed methods when only passwords are allowed', async () => {
    const ctx = testCtx();
    await memberOf(ctx, 'ada@example.test', { oauthEnabled: false, samlEnabled: false });
    expect((await refusal(() => signIn(ctx, google('ada@example.test')))).message).toContain('Allowed methods: password.');
  });

  it('lets a member of two organizations in when one of them allows the provider', async () => {
    const ctx = testCtx();
    const { user } = await memberOf(ctx, 'ada@example.test', { oauthGithubEnabled: false });
    const other = await seedOrganization(ctx);
    await seedMembership(ctx, { organizationId: other.id, userId: user.id });
    expect((await signIn(ctx, { provider: 'github', subject: '42', email: 'ada@example.test', emailVerified: true })).outcome).toBe('linked');
  });

  it('refuses an address outside every allowing organization’s IP allowlist', async () => {
    const ctx = testCtx();
    await memberOf(ctx, 'ada@example.test', { ipAllowlist: ['198.51.100.0/24'] });
    const error = await refusal(() => signIn(ctx, google('ada@example.test')));
    expect(error.reason).toBe('ip_not_allowed');
    expect(error.message).toContain('203.0.113.7');
  });

  it('lets a member in when one allowing organization admits the address, though another does not', async () => {
    const ctx = testCtx();
    const { user } = await memberOf(ctx, 'ada@example.test', { ipAllowlist: ['198.51.100.0/24'] });
    const open = await seedOrganization(ctx);
    await seedMembership(ctx, { organizationId: open.id, userId: user.id });
    expect((await signIn(ctx, google('ada@example.test'))).outcome).toBe('linked');
  });

  it('records the method on the session, so the gate ends it once the provider is turned off', async () => {
    const ctx = testCtx();
    const { org } = await memberOf(ctx, 'ada@example.test');
    const { token } = await signIn(ctx, google('ada@example.test'));
    const updated = await single(ctx.db.update(organizations).set({ oauthGoogleEnabled: false }).where(eq(organizations.id, org.id)).returning());
    expect(tokenRefusal(policyOf(updated), token)).toContain('does not allow sign-in with Google');
  });
});

describe('signInWithOAuth: a new person', () => {
  it('refuses without an invitation when sign-up is by invitation, and creates nothing', async () => {
    const ctx = testCtx();
    const error = await refusal(() => signIn(ctx, google('new@example.test')));
    expect(error.reason).toBe('no_account');
    expect(error.message).toContain('no organization has invited it');
    expect(await ctx.db.select().from(users)).toEqual([]);
    expect(await listAuditEvents(ctx)).toMatchObject([{ event: 'auth.sign_in_failed', organizationId: null, actorEmail: 'new@example.test' }]);
  });

  it('creates the user (no password) and joins the inviting organization with a pending invitation', async () => {
    const ctx = testCtx();
    const org = await seedOrganization(ctx, { name: 'Inviting' });
    await invite(ctx, org.id, 'new@example.test');
    const result = await signIn(ctx, { provider: 'github', subject: '1001', email: 'new@example.test', emailVerified: true, name: 'New Person' });

    expect(result.outcome).toBe('created');
    expect(result.joined).toEqual(['Inviting']);
    expect(result.user).toMatchObject({ email: 'new@example.test', realName: 'New Person', managingOrganizationId: null });
    expect(await ctx.db.select().from(memberships).where(eq(memberships.userId, result.user.id))).toMatchObject([{ organizationId: org.id, isSuperAdmin: false }]);
    expect(await ctx.db.select().from(invitations)).toEqual([]);
    expect((await listAuditEvents(ctx)).map((e) => [e.event, e.organizationId])).toEqual([
      ['invitation.accepted', org.id],
      ['user.email_verified', org.id],
      ['identity.linked', org.id],
      ['auth.sign_in', org.id],
    ]);
    const audit = await listAuditEvents(ctx);
    expect(audit.find((e) => e.event === 'invitation.accepted')).toMatchObject({
      actorUserId: result.user.id,
      actorEmail: 'new@example.test',
      ip: META.ip,
      userAgent: 'vitest',
      details: { user_email: 'new@example.test', method: 'github' },
    });
    expect(audit.find((e) => e.event === 'identity.linked')).toMatchObject({
      actorUserId: result.user.id,
      actorEmail: 'new@example.test',
      details: { provider: 'github', subject: '1001', provider_email: 'new@example.test', via: 'sign_up' },
    });
    // GitHub verified the address: the new account's address is proven.
    expect(result.user.emailVerifiedTime).toBe(iso(ctx.now));
    expect((await listAuditEvents(ctx)).find((e) => e.event === 'user.email_verified')!.details).toEqual({
      user_email: 'new@example.test',
      how: 'provider_verified',
      provider: 'github',
      subject: '1001',
    });
  });

  it('a newcomer joins only the inviting organizations whose IP allowlist admits the address; the other invitation stays pending', async () => {
    const ctx = testCtx();
    const fenced = await seedOrganization(ctx, { name: 'Fenced' });
    await ctx.db.update(organizations).set({ ipAllowlist: ['198.51.100.0/24'] }).where(eq(organizations.id, fenced.id));
    const open = await seedOrganization(ctx, { name: 'Open' });
    await invite(ctx, fenced.id, 'new@example.test');
    await invite(ctx, open.id, 'new@example.test');
    const result = await signIn(ctx, google('new@example.test'));
    expect(result.joined).toEqual(['Open']);
    expect(await ctx.db.select().from(memberships).where(eq(memberships.userId, result.user.id))).toMatchObject([{ organizationId: open.id }]);
    expect(await ctx.db.select({ organizationId: invitations.organizationId }).from(invitations)).toEqual([{ organizationId: fenced.id }]);
  });

  it('ignores an expired invitation', async () => {
    const ctx = testCtx();
    const org = await seedOrganization(ctx);
    await invite(ctx, org.id, 'new@example.test', -1000);
    expect((await refusal(() => signIn(ctx, google('new@example.test')))).reason).toBe('no_account');
  });

  it('refuses when the only inviting organization does not allow the provider, and keeps the invitation', async () => {
    const ctx = testCtx();
    const org = await seedOrganization(ctx, { name: 'Strict' });
    await ctx.db.update(organizations).set({ oauthEnabled: false }).where(eq(organizations.id, org.id));
    await invite(ctx, org.id, 'new@example.test');
    const error = await refusal(() => signIn(ctx, google('new@example.test')));
    expect(error.reason).toBe('method_not_allowed');
    expect(error.message).toContain('Organization "Strict" does not allow sign-in with Google');
    expect(await ctx.db.select().from(users)).toEqual([]);
    expect(await ctx.db.select().from(invitations)).toHaveLength(1);
  });

  it('with OAUTH_SIGN_UP=open, creates a user in no organization; the verified domain’s organization manages it', async () => {
    const ctx = testCtx();
    const org = await seedOrganization(ctx);
    await ctx.db
      .insert(domains)
      .values({ id: newDomainId(), organizationId: org.id, domainName: 'managed.test', challengeToken: 't', state: 'verified', createTime: iso(ctx.now) });
    const result = await signIn(ctx, google('someone@managed.test'), 'open');
    expect(result.outcome).toBe('created');
    expect(result.user.managingOrganizationId).toBe(org.id);
    expect(await ctx.db.select().from(memberships)).toEqual([]);
    expect((await first(ctx.db.select().from(users).where(eq(users.id, result.user.id)).limit(1)))!.managingOrganizationId).toBe(org.id);
  });

  it('never creates an account for an unverified address, even with open sign-up or an invitation', async () => {
    const ctx = testCtx();
    const org = await seedOrganization(ctx);
    await invite(ctx, org.id, 'new@example.test');
    expect((await refusal(() => signIn(ctx, google('new@example.test', false), 'open'))).reason).toBe('email_not_verified');
    expect(await ctx.db.select().from(users)).toEqual([]);
  });
});

describe('signInWithOAuth: bad input', () => {
  it.each([
    ['unknown provider', { provider: 'facebook', subject: 's', email: 'a@example.test', emailVerified: true }],
    ['empty subject', { provider: 'google', subject: ' ', email: 'a@example.test', emailVerified: true }],
    ['no verified flag', { provider: 'google', subject: 's', email: 'a@example.test' }],
  ])('%s is a 400', async (_name, input) => {
    const ctx = testCtx();
    await expect(signInWithOAuth({ ctx, input, meta: META, signUp: 'open' })).rejects.toThrow(expect.objectContaining({ code: 'bad_request' }));
  });
});
