import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { domains, externalIdentities, invitations, memberships, organizations, tokens, users } from '@/db/schema';
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

const META = { ip: '203.0.113.7', userAgent: 'vitest' } as const;

type Identity = { provider: 'google' | 'microsoft' | 'github'; subject: string; email: string | null; emailVerified: boolean; name?: string };
const google = (email: string | null, emailVerified = true, subject = `sub-${email}`): Identity => ({ provider: 'google', subject, email, emailVerified, name: 'Ada' });

function signIn(ctx: Ctx, identity: Identity, signUp: OAuthSignUpMode = 'invited', meta = META) {
  return signInWithOAuth({ ctx, input: identity, meta, signUp });
}

const refusal = (fn: () => unknown) => thrownBy(OAuthRefusal, fn);

/** A member with a password; their address is proven unless said otherwise. */
function memberOf(ctx: Ctx, email: string, orgPatch: Partial<typeof organizations.$inferInsert> = {}, { emailProven = true } = {}) {
  const org = seedOrganization(ctx, { name: 'Acme' });
  if (Object.keys(orgPatch).length) ctx.db.update(organizations).set(orgPatch).where(eq(organizations.id, org.id)).run();
  const user = seedUser(ctx, { email, passwordHash: 'hash', emailProven });
  seedMembership(ctx, { organizationId: org.id, userId: user.id });
  return { org, user };
}

function invite(ctx: Ctx, organizationId: string, email: string, expiresInMs = 86_400_000) {
  ctx.db
    .insert(invitations)
    .values({
      id: newRowId(),
      organizationId,
      email,
      tokenHash: newRowId(),
      invitedByEmail: 'admin@example.test',
      createTime: iso(ctx.now),
      expiryTime: iso(new Date(ctx.now.getTime() + expiresInMs)),
    })
    .run();
}

const identitiesOf = (ctx: Ctx, userId: string) => ctx.db.select().from(externalIdentities).where(eq(externalIdentities.userId, userId)).all();

describe('signInWithOAuth: linking to an existing user', () => {
  it('links through a verified address, creates a session token with the provider as method, and says "linked"', () => {
    const ctx = testCtx();
    const { user, org } = memberOf(ctx, 'ada@example.test');
    const result = signIn(ctx, google('ada@example.test'));

    expect(result.outcome).toBe('linked');
    expect(result.user.id).toBe(user.id);
    expect(result.token).toMatchObject({ userId: user.id, kind: 'session', authMethod: 'google', createdManually: false });
    expect(resolveToken({ ctx, input: { token: result.fullToken, ip: META.ip, userAgent: null } }).user.id).toBe(user.id);
    expect(identitiesOf(ctx, user.id)).toMatchObject([{ provider: 'google', subject: 'sub-ada@example.test', email: 'ada@example.test' }]);
    const events = listAuditEvents(ctx).map((e) => [e.event, e.organizationId, e.details.method ?? e.details.provider]);
    expect(events).toEqual([
      ['identity.linked', org.id, 'google'],
      ['auth.sign_in', org.id, 'google'],
    ]);
    expect(listAuditEvents(ctx)[0]).toMatchObject({
      actorUserId: user.id,
      actorEmail: 'ada@example.test',
      ip: META.ip,
      userAgent: 'vitest',
      details: { provider: 'google', subject: 'sub-ada@example.test', provider_email: 'ada@example.test', via: 'verified_email' },
    });
  });

  it('signs in by provider and subject next time, even after the address changed at the provider', () => {
    const ctx = testCtx();
    const { user } = memberOf(ctx, 'ada@example.test');
    signIn(ctx, google('ada@example.test', true, 'g-1'));
    const again = signIn(ctx, google('ada.new@example.test', false, 'g-1'));
    expect(again.outcome).toBe('signed_in');
    expect(again.user.id).toBe(user.id);
    expect(identitiesOf(ctx, user.id)).toMatchObject([{ subject: 'g-1', email: 'ada.new@example.test' }]);
  });

  it.each([
    ['google', 'Google'],
    ['microsoft', 'Microsoft'],
    ['github', 'GitHub'],
  ] as const)('an unverified %s address never takes over the existing account', (provider, label) => {
    const ctx = testCtx();
    const { user, org } = memberOf(ctx, 'ada@example.test');
    const error = refusal(() => signIn(ctx, { provider, subject: 'attacker', email: 'ADA@example.test', emailVerified: false }));

    expect(error.reason).toBe('email_not_verified');
    expect(error.message).toContain(`${label} has not verified ada@example.test`);
    expect(identitiesOf(ctx, user.id)).toEqual([]);
    expect(ctx.db.select().from(tokens).all()).toEqual([]);
    const [event] = listAuditEvents(ctx);
    expect(event).toMatchObject({ event: 'auth.sign_in_failed', organizationId: org.id, actorUserId: user.id });
    expect(event!.details).toMatchObject({ method: provider, reason: 'email_not_verified', subject: 'attacker' });
  });

  it('refuses a deactivated user and an application user', () => {
    const ctx = testCtx();
    const { user } = memberOf(ctx, 'ada@example.test');
    setUserFields(ctx, user.id, { state: 'deactivated' });
    expect(refusal(() => signIn(ctx, google('ada@example.test'))).reason).toBe('deactivated');
    setUserFields(ctx, user.id, { state: 'active', isApplicationUser: true });
    expect(refusal(() => signIn(ctx, google('ada@example.test'))).reason).toBe('application_user');
    expect(identitiesOf(ctx, user.id)).toEqual([]);
  });

  it('refuses an identity without any address it could be matched by', () => {
    const ctx = testCtx();
    expect(refusal(() => signIn(ctx, google(null, false, 'x'))).reason).toBe('email_missing');
    expect(ctx.db.select().from(users).all()).toEqual([]);
  });
});

describe('signInWithOAuth: only into a proven address (pre-account hijacking)', () => {
  it('a verified address does not open an account whose own address nobody proved: refused, nothing linked, audited', () => {
    const ctx = testCtx();
    const { user, org } = memberOf(ctx, 'victim@example.test', {}, { emailProven: false });
    const error = refusal(() => signIn(ctx, google('victim@example.test', true, 'real-owner')));

    expect(error.reason).toBe('email_not_proven');
    expect(error.status).toBe(403);
    expect(error.message).toBe(
      'The Portcullis account for victim@example.test has not proven that it owns the address, so it is not linked to your Google account automatically. Sign in another way, then link Google under Profile → Authentication.',
    );
    expect(identitiesOf(ctx, user.id)).toEqual([]);
    expect(ctx.db.select().from(tokens).all()).toEqual([]);
    expect(ctx.db.select().from(users).where(eq(users.id, user.id)).get()!.emailVerifiedTime).toBeNull();
    expect(listAuditEvents(ctx)).toMatchObject([
      { event: 'auth.sign_in_failed', organizationId: org.id, actorUserId: user.id, details: { method: 'google', reason: 'email_not_proven', subject: 'real-owner' } },
    ]);
  });

  it('an unverified address into an unproven account is still refused as unverified', () => {
    const ctx = testCtx();
    memberOf(ctx, 'victim@example.test', {}, { emailProven: false });
    expect(refusal(() => signIn(ctx, google('victim@example.test', false))).reason).toBe('email_not_verified');
  });

  it('a linked provider account that now vouches for the account’s own address proves it; another address or an unverified one does not', () => {
    const ctx = testCtx();
    const { user, org } = memberOf(ctx, 'ada@example.test', {}, { emailProven: false });
    ctx.db.insert(externalIdentities).values({ id: 'x1', userId: user.id, provider: 'google', subject: 'g-1', email: 'old@example.test', createTime: iso(ctx.now) }).run();
    const proven = () => ctx.db.select().from(users).where(eq(users.id, user.id)).get()!.emailVerifiedTime;

    expect(signIn(ctx, google('other@example.test', true, 'g-1')).outcome).toBe('signed_in');
    expect(proven()).toBeNull();
    signIn(ctx, google('ada@example.test', false, 'g-1'));
    expect(proven()).toBeNull();
    const result = signIn(ctx, google('ada@example.test', true, 'g-1'));
    expect(result.outcome).toBe('signed_in');
    expect(result.user.emailVerifiedTime).toBe(iso(ctx.now));
    expect(listAuditEvents(ctx).filter((e) => e.event === 'user.email_verified')).toMatchObject([
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
  it.each(cases)('$name: $provider allowed=$allowed', ({ patch, provider, allowed }) => {
    const ctx = testCtx();
    const { user } = memberOf(ctx, 'ada@example.test', patch);
    const identity = { provider, subject: 's', email: 'ada@example.test', emailVerified: true };
    if (allowed) {
      expect(signIn(ctx, identity).token.authMethod).toBe(provider);
      return;
    }
    const error = refusal(() => signIn(ctx, identity));
    expect(error.reason).toBe('method_not_allowed');
    expect(error.message).toMatch(/^Organization "Acme" does not allow sign-in with (Google|Microsoft|GitHub)\. Allowed methods: /);
    // Nothing written: no link, no token.
    expect(identitiesOf(ctx, user.id)).toEqual([]);
    expect(ctx.db.select().from(tokens).all()).toEqual([]);
  });

  it('names the allowed methods when only passwords are allowed', () => {
    const ctx = testCtx();
    memberOf(ctx, 'ada@example.test', { oauthEnabled: false, samlEnabled: false });
    expect(refusal(() => signIn(ctx, google('ada@example.test'))).message).toContain('Allowed methods: password.');
  });

  it('lets a member of two organizations in when one of them allows the provider', () => {
    const ctx = testCtx();
    const { user } = memberOf(ctx, 'ada@example.test', { oauthGithubEnabled: false });
    const other = seedOrganization(ctx);
    seedMembership(ctx, { organizationId: other.id, userId: user.id });
    expect(signIn(ctx, { provider: 'github', subject: '42', email: 'ada@example.test', emailVerified: true }).outcome).toBe('linked');
  });

  it('refuses an address outside every allowing organization’s IP allowlist', () => {
    const ctx = testCtx();
    memberOf(ctx, 'ada@example.test', { ipAllowlist: ['198.51.100.0/24'] });
    const error = refusal(() => signIn(ctx, google('ada@example.test')));
    expect(error.reason).toBe('ip_not_allowed');
    expect(error.message).toContain('203.0.113.7');
  });

  it('lets a member in when one allowing organization admits the address, though another does not', () => {
    const ctx = testCtx();
    const { user } = memberOf(ctx, 'ada@example.test', { ipAllowlist: ['198.51.100.0/24'] });
    const open = seedOrganization(ctx);
    seedMembership(ctx, { organizationId: open.id, userId: user.id });
    expect(signIn(ctx, google('ada@example.test')).outcome).toBe('linked');
  });

  it('records the method on the session, so the gate ends it once the provider is turned off', () => {
    const ctx = testCtx();
    const { org } = memberOf(ctx, 'ada@example.test');
    const { token } = signIn(ctx, google('ada@example.test'));
    const updated = ctx.db.update(organizations).set({ oauthGoogleEnabled: false }).where(eq(organizations.id, org.id)).returning().get();
    expect(tokenRefusal(policyOf(updated), token)).toContain('does not allow sign-in with Google');
  });
});

describe('signInWithOAuth: a new person', () => {
  it('refuses without an invitation when sign-up is by invitation, and creates nothing', () => {
    const ctx = testCtx();
    const error = refusal(() => signIn(ctx, google('new@example.test')));
    expect(error.reason).toBe('no_account');
    expect(error.message).toContain('no organization has invited it');
    expect(ctx.db.select().from(users).all()).toEqual([]);
    expect(listAuditEvents(ctx)).toMatchObject([{ event: 'auth.sign_in_failed', organizationId: null, actorEmail: 'new@example.test' }]);
  });

  it('creates the user (no password) and joins the inviting organization with a pending invitation', () => {
    const ctx = testCtx();
    const org = seedOrganization(ctx, { name: 'Inviting' });
    invite(ctx, org.id, 'new@example.test');
    const result = signIn(ctx, { provider: 'github', subject: '1001', email: 'new@example.test', emailVerified: true, name: 'New Person' });

    expect(result.outcome).toBe('created');
    expect(result.joined).toEqual(['Inviting']);
    expect(result.user).toMatchObject({ email: 'new@example.test', realName: 'New Person', managingOrganizationId: null });
    expect(ctx.db.select().from(memberships).where(eq(memberships.userId, result.user.id)).all()).toMatchObject([{ organizationId: org.id, isSuperAdmin: false }]);
    expect(ctx.db.select().from(invitations).all()).toEqual([]);
    expect(listAuditEvents(ctx).map((e) => [e.event, e.organizationId])).toEqual([
      ['invitation.accepted', org.id],
      ['user.email_verified', org.id],
      ['identity.linked', org.id],
      ['auth.sign_in', org.id],
    ]);
    const audit = listAuditEvents(ctx);
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
    expect(listAuditEvents(ctx).find((e) => e.event === 'user.email_verified')!.details).toEqual({
      user_email: 'new@example.test',
      how: 'provider_verified',
      provider: 'github',
      subject: '1001',
    });
  });

  it('a newcomer joins only the inviting organizations whose IP allowlist admits the address; the other invitation stays pending', () => {
    const ctx = testCtx();
    const fenced = seedOrganization(ctx, { name: 'Fenced' });
    ctx.db.update(organizations).set({ ipAllowlist: ['198.51.100.0/24'] }).where(eq(organizations.id, fenced.id)).run();
    const open = seedOrganization(ctx, { name: 'Open' });
    invite(ctx, fenced.id, 'new@example.test');
    invite(ctx, open.id, 'new@example.test');
    const result = signIn(ctx, google('new@example.test'));
    expect(result.joined).toEqual(['Open']);
    expect(ctx.db.select().from(memberships).where(eq(memberships.userId, result.user.id)).all()).toMatchObject([{ organizationId: open.id }]);
    expect(ctx.db.select({ organizationId: invitations.organizationId }).from(invitations).all()).toEqual([{ organizationId: fenced.id }]);
  });

  it('ignores an expired invitation', () => {
    const ctx = testCtx();
    const org = seedOrganization(ctx);
    invite(ctx, org.id, 'new@example.test', -1000);
    expect(refusal(() => signIn(ctx, google('new@example.test'))).reason).toBe('no_account');
  });

  it('refuses when the only inviting organization does not allow the provider, and keeps the invitation', () => {
    const ctx = testCtx();
    const org = seedOrganization(ctx, { name: 'Strict' });
    ctx.db.update(organizations).set({ oauthEnabled: false }).where(eq(organizations.id, org.id)).run();
    invite(ctx, org.id, 'new@example.test');
    const error = refusal(() => signIn(ctx, google('new@example.test')));
    expect(error.reason).toBe('method_not_allowed');
    expect(error.message).toContain('Organization "Strict" does not allow sign-in with Google');
    expect(ctx.db.select().from(users).all()).toEqual([]);
    expect(ctx.db.select().from(invitations).all()).toHaveLength(1);
  });

  it('with OAUTH_SIGN_UP=open, creates a user in no organization; the verified domain’s organization manages it', () => {
    const ctx = testCtx();
    const org = seedOrganization(ctx);
    ctx.db
      .insert(domains)
      .values({ id: newDomainId(), organizationId: org.id, domainName: 'managed.test', challengeToken: 't', state: 'verified', createTime: iso(ctx.now) })
      .run();
    const result = signIn(ctx, google('someone@managed.test'), 'open');
    expect(result.outcome).toBe('created');
    expect(result.user.managingOrganizationId).toBe(org.id);
    expect(ctx.db.select().from(memberships).all()).toEqual([]);
    expect(ctx.db.select().from(users).where(eq(users.id, result.user.id)).get()!.managingOrganizationId).toBe(org.id);
  });

  it('never creates an account for an unverified address, even with open sign-up or an invitation', () => {
    const ctx = testCtx();
    const org = seedOrganization(ctx);
    invite(ctx, org.id, 'new@example.test');
    expect(refusal(() => signIn(ctx, google('new@example.test', false), 'open')).reason).toBe('email_not_verified');
    expect(ctx.db.select().from(users).all()).toEqual([]);
  });
});

describe('signInWithOAuth: bad input', () => {
  it.each([
    ['unknown provider', { provider: 'facebook', subject: 's', email: 'a@example.test', emailVerified: true }],
    ['empty subject', { provider: 'google', subject: ' ', email: 'a@example.test', emailVerified: true }],
    ['no verified flag', { provider: 'google', subject: 's', email: 'a@example.test' }],
  ])('%s is a 400', (_name, input) => {
    const ctx = testCtx();
    expect(() => signInWithOAuth({ ctx, input, meta: META, signUp: 'open' })).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });
});
