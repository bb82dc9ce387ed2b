import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditEvents, authenticationMethods, domains, externalIdentities, organizations, samlCertificates, signInDailyCounts, tokens } from '@/db/tables';
import { recordAudit } from '@/lib/audit/record';
import { iso, type Ctx } from '@/lib/context';
import { rejection } from '@/lib/testing/errors';
import { addMember, callAs, seedOrganizationWithAdmin, seedTotp, setUserFields } from '@/lib/testing/members';
import { generateKeyPair } from '@/lib/testing/saml-idp';
import { listAuditEvents, seedOrganization, seedToken, seedUser, T0, testCtx } from '@/lib/testing/seed';
import { computeSecurityOverview, listMembersByCoverage, listTokensByFigure, readSecurityOverview } from './overview';
import { personalOverview } from './personal';
import { previewUnusedTokens, revokeUnusedTokens } from './revoke-unused';
import { securityOverviewToWire } from './wire';

const DAY = 24 * 60 * 60 * 1000;
const at = (ctx: Ctx, days: number) => new Date(ctx.now.getTime() + days * DAY);
const isoAt = (ctx: Ctx, days: number) => iso(at(ctx, days));

async function signInEvent(ctx: Ctx, organizationId: string | null, daysAgo: number, event: 'auth.sign_in' | 'auth.sign_in_failed', details: Record<string, unknown>, ip = '198.51.100.1') {
  await recordAudit({ ...ctx, now: at(ctx, -daysAgo) }, { event, organizationId, ip, details });
}

// RSA key generation is slow: each certificate is made once for the file (every test starts at T0).
const certificates = new Map<string, Promise<string>>();
function certificateFor(id: string, notAfter: Date): Promise<string> {
  let pem = certificates.get(id);
  if (!pem) {
    pem = generateKeyPair(`${id}.example.test`, { notBefore: new Date(T0.getTime() - 400 * DAY), notAfter }).then((pair) => pair.certificate);
    certificates.set(id, pem);
  }
  return pem;
}

/**
 * Acme: admin (password + authenticator app), bob (password alone), carol (password and Google,
 * managed by Acme), dave (SSO through Acme's enabled IdP, and a password), erin (GitHub only,
 * which the policy refuses), frank (deactivated, password alone), a build robot (application
 * user); and another organization with its own member, events and tokens.
 */
async function world() {
  const ctx = testCtx();
  const { organization, admin } = await seedOrganizationWithAdmin(ctx, { name: 'Acme', adminEmail: 'admin@acme.test' });
  await seedTotp(ctx, admin.id);
  const bob = await addMember(ctx, organization.id, { email: 'bob@acme.test' });
  const carol = await addMember(ctx, organization.id, { email: 'carol@acme.test' });
  await setUserFields(ctx, carol.id, { managingOrganizationId: organization.id });
  const dave = await addMember(ctx, organization.id, { email: 'dave@acme.test' });
  const erin = await addMember(ctx, organization.id, { email: 'erin@acme.test', passwordHash: null });
  const frank = await addMember(ctx, organization.id, { email: 'frank@acme.test' });
  await setUserFields(ctx, frank.id, { state: 'deactivated' });
  const robot = await addMember(ctx, organization.id, { email: 'robot@app.invalid', passwordHash: null });
  await setUserFields(ctx, robot.id, { isApplicationUser: true, realName: 'Build robot' });
  await ctx.db.update(organizations).set({ oauthGithubEnabled: false }).where(eq(organizations.id, organization.id));

  const now = iso(ctx.now);
  const method = { organizationId: organization.id, type: 'saml' as const, spPrivateKey: 'x', spCertificate: 'x', createTime: now, updateTime: now };
  await ctx.db.insert(authenticationMethods).values([
    { ...method, id: 'amOkta', name: 'Okta', enabled: true },
    { ...method, id: 'amSpare', name: 'Spare IdP', enabled: true },
    { ...method, id: 'amOff', name: 'Disabled IdP', enabled: false },
  ]);
  await ctx.db.insert(externalIdentities).values([
    { id: 'i1', userId: carol.id, provider: 'google', subject: 'g-carol', createTime: now, lastUsedTime: now },
    { id: 'i2', userId: dave.id, provider: 'saml:amOkta', subject: 'dave', createTime: now, lastUsedTime: now },
    { id: 'i3', userId: erin.id, provider: 'github', subject: 'gh-erin', createTime: now, lastUsedTime: now },
    // Linked to a disabled IdP: no way in.
    { id: 'i4', userId: bob.id, provider: 'saml:amOff', subject: 'bob', createTime: now },
  ]);
  // Certificates: expired 2 days ago, expiring in 10 days, valid for a year. The stored not_after
  // is wrong on purpose: the figure reads the certificate itself.
  const cert = async (id: string, notAfter: Date) => {
    const certificate = await certificateFor(id, notAfter);
    await ctx.db.insert(samlCertificates).values({ id, methodId: 'amOkta', pem: certificate, subject: `CN=${id}`, issuer: `CN=${id}`, notBefore: isoAt(ctx, -400), notAfter: '2099-01-01T00:00:00Z', createTime: now });
  };
  await cert('expired', at(ctx, -2));
  await cert('expiring', at(ctx, 10));
  await cert('fine', at(ctx, 365));
  await ctx.db.insert(domains).values([
    { id: 'd1', organizationId: organization.id, domainName: 'acme.test', challengeToken: 'c1', state: 'verified', createTime: now },
    { id: 'd2', organizationId: organization.id, domainName: 'new.acme.test', challengeToken: 'c2', createTime: now },
    { id: 'd3', organizationId: organization.id, domainName: 'old.acme.test', challengeToken: 'c3', state: 'verified', createTime: now, lastCheckResult: { status: 'no_txt_record' } },
  ]);

  // Tokens. Counted: bob's never-used token made 100 days ago (unused, no expiry, no allowlist);
  // bob's token expiring in 3 days with an allowlist, used yesterday; the robot's token last used
  // 91 days ago with an expiry in 30 days. Not counted: a session, an expired token, the other
  // organization's.
  const old = { ...ctx, now: at(ctx, -100) };
  const bobOld = await seedToken(old, bob.id, { description: 'old script' });
  await seedToken(ctx, bob.id, { description: 'deploy', maxAgeSeconds: 3 * 24 * 3600, ipAllowlist: ['10.0.0.0/8'] });
  await ctx.db.update(tokens).set({ lastUsedTime: isoAt(ctx, -1) }).where(eq(tokens.description, 'deploy'));
  const robotToken = await seedToken(old, robot.id, { kind: 'application', authMethod: 'application', maxAgeSeconds: 130 * 24 * 3600 });
  await ctx.db.update(tokens).set({ lastUsedTime: isoAt(ctx, -91) }).where(eq(tokens.id, robotToken.token.id));
  await seedToken(old, bob.id, { kind: 'session', description: 'session' });
  await seedToken(old, bob.id, { description: 'expired', maxAgeSeconds: 24 * 3600 });

  const other = await seedOrganizationWithAdmin(ctx, { name: 'Other', adminEmail: 'admin@other.test' });
  const otherOld = await seedToken(old, other.admin.id, { description: 'other org' });
  await signInEvent(ctx, other.organization.id, 1, 'auth.sign_in', { method: 'password' });
  await signInEvent(ctx, other.organization.id, 1, 'auth.sign_in_failed', { method: 'password', reason: 'wrong_credentials' });

  // Acme's activity: today and yesterday, 29 days ago (the first day of the window), 30 days
  // ago (outside), failures from two addresses.
  await signInEvent(ctx, organization.id, 0, 'auth.sign_in', { method: 'password' });
  await signInEvent(ctx, organization.id, 0, 'auth.sign_in', { method: 'saml', authentication_method_id: 'amOkta' });
  await signInEvent(ctx, organization.id, 1, 'auth.sign_in', { method: 'google' });
  await signInEvent(ctx, organization.id, 29, 'auth.sign_in', { method: 'password' });
  await signInEvent(ctx, organization.id, 31, 'auth.sign_in', { method: 'password' });
  await signInEvent(ctx, organization.id, 0, 'auth.sign_in_failed', { method: 'password', reason: 'wrong_credentials' }, '203.0.113.7');
  await signInEvent(ctx, organization.id, 2, 'auth.sign_in_failed', { method: 'password', reason: 'wrong_credentials' }, '203.0.113.7');
  await signInEvent(ctx, organization.id, 3, 'auth.sign_in_failed', { method: 'password', reason: 'ip_not_allowed' }, '192.0.2.44');
  await signInEvent(ctx, organization.id, 40, 'auth.sign_in_failed', { method: 'password', reason: 'deactivated' }, '192.0.2.99');

  return { ctx, organization: (await ctx.db.select().from(organizations).where(eq(organizations.id, organization.id)))[0]!, admin, bob, carol, dave, erin, robot, bobOld, robotToken, other, otherOld };
}

describe('security overview', () => {
  it('counts each figure on seeded data', async () => {
    const { ctx, organization } = await world();
    const overview = await computeSecurityOverview(ctx, organization);
    expect(overview.coverage).toEqual({
      members: 5,
      byStrength: { sso: 1, third_party: 1, password_2fa: 1, password_only: 1, none: 1 },
      byMethod: { saml: 1, google: 1, microsoft: 0, github: 0, password: 4 },
      password: { members: 4, withTwoFactor: 1 },
      managed: 1,
      unmanaged: 4,
    });

    const { activity } = overview;
    expect(activity.since).toBe('2026-01-31');
    expect(activity.days).toHaveLength(30);
    expect(activity.days[0]).toEqual({ day: '2026-01-31', byMethod: { password: 1 }, total: 1 });
    expect(activity.days[28]).toEqual({ day: '2026-02-28', byMethod: { google: 1 }, total: 1 });
    expect(activity.days[29]).toEqual({ day: '2026-03-01', byMethod: { password: 1, saml: 1 }, total: 2 });
    expect(activity.signIns).toEqual({ total: 4, byMethod: { password: 2, saml: 1, google: 1 } });
    expect(activity.failures).toEqual({ total: 3, byReason: [{ reason: 'wrong_credentials', count: 2 }, { reason: 'ip_not_allowed', count: 1 }] });
    expect(activity.topFailureAddresses).toEqual([{ ip: '203.0.113.7', count: 2 }, { ip: '192.0.2.44', count: 1 }]);

    expect(overview.tokens).toEqual({
      personal: { all: 2, no_expiry: 1, no_ip_allowlist: 1, unused: 1, expiring: 1 },
      application: { all: 1, no_expiry: 0, no_ip_allowlist: 1, unused: 1, expiring: 0 },
    });

    const { identity } = overview;
    expect(identity.providers).toEqual({ total: 3, enabled: 2 });
    expect(identity.certificates.map((c) => [c.certificateId, c.expired])).toEqual([['expired', true], ['expiring', false]]);
    expect(identity.certificates[1]!.notAfter).toBe(isoAt(ctx, 10));
    expect(identity.unusedProviders).toEqual([{ methodId: 'amSpare', name: 'Spare IdP' }]);
    expect(identity.domains).toEqual({
      total: 3,
      verified: 2,
      attention: [
        { domainId: 'd2', domainName: 'new.acme.test', verified: false, lastCheckFailed: false },
        { domainId: 'd3', domainName: 'old.acme.test', verified: true, lastCheckFailed: true },
      ],
    });

    expect(overview.recommendations.map((r) => [r.id, r.title])).toEqual([
      ['replace_expired_certificates', 'Replace 1 expired certificate'],
      ['require_two_factor', 'Require 2FA'],
      ['revoke_unused_tokens', 'Revoke 2 unused tokens'],
      ['expire_tokens', '1 token never expires'],
      ['restrict_ip_allowlist', 'Restrict the API to your networks'],
      ['renew_expiring_certificates', 'Renew 1 certificate expiring within 30 days'],
      ['fix_domains', 'Verify 2 domains'],
      ['review_unused_providers', 'Review 1 identity provider nobody has used'],
      ['give_members_a_way_in', '1 member has no way to sign in'],
    ]);
    expect(overview.recommendations[1]).toMatchObject({ detail: '1 member signs in with a password alone.', policyChange: { two_factor_required: true } });
  });

  it('follows the policy: requiring 2FA and an allowlist remove their recommendations; a policy without passwords moves members', async () => {
    const { ctx, organization } = await world();
    const changed = { ...organization, twoFactorRequired: true, ipAllowlist: ['10.0.0.0/8'] };
    const ids = (await computeSecurityOverview(ctx, changed)).recommendations.map((r) => r.id);
    expect(ids).not.toContain('require_two_factor');
    expect(ids).not.toContain('restrict_ip_allowlist');
    const noPassword = await computeSecurityOverview(ctx, { ...organization, passwordAuthEnabled: false });
    expect(noPassword.coverage.byStrength).toEqual({ sso: 1, third_party: 1, password_2fa: 0, password_only: 0, none: 3 });
    expect(noPassword.coverage.password).toEqual({ members: 0, withTwoFactor: 0 });
    // A server without Google: carol's Google account is no way in, her password is.
    const noGoogle = await computeSecurityOverview(ctx, organization, { oauthProviders: ['github'] });
    expect(noGoogle.coverage.byStrength).toEqual({ sso: 1, third_party: 0, password_2fa: 1, password_only: 2, none: 1 });
  });

  it('an empty organization: zeros, thirty empty days, only the allowlist recommendation', async () => {
    const ctx = testCtx();
    const organization = await seedOrganization(ctx, { name: 'Empty' });
    const overview = await computeSecurityOverview(ctx, organization);
    expect(overview.coverage).toEqual({
      members: 0,
      byStrength: { sso: 0, third_party: 0, password_2fa: 0, password_only: 0, none: 0 },
      byMethod: { saml: 0, google: 0, microsoft: 0, github: 0, password: 0 },
      password: { members: 0, withTwoFactor: 0 },
      managed: 0,
      unmanaged: 0,
    });
    expect(overview.activity.days.every((d) => d.total === 0)).toBe(true);
    expect(overview.activity.signIns).toEqual({ total: 0, byMethod: {} });
    expect(overview.activity.failures).toEqual({ total: 0, byReason: [] });
    expect(overview.activity.topFailureAddresses).toEqual([]);
    const zero = { all: 0, no_expiry: 0, no_ip_allowlist: 0, unused: 0, expiring: 0 };
    expect(overview.tokens).toEqual({ personal: zero, application: zero });
    expect(overview.identity).toEqual({ providers: { total: 0, enabled: 0 }, certificates: [], unusedProviders: [], domains: { total: 0, verified: 0, attention: [] } });
    expect(overview.recommendations.map((r) => r.id)).toEqual(['restrict_ip_allowlist']);
    const wire = securityOverviewToWire(overview);
    expect(wire.sign_in_coverage.by_strongest_method).toEqual({ sso: 0, third_party: 0, password_with_2fa: 0, password_only: 0, none: 0 });
    expect(wire.activity.sign_ins.per_day).toHaveLength(30);
  });

  it('super admins only', async () => {
    const { ctx, organization, bob } = await world();
    const error = await rejection(async () => readSecurityOverview(await callAs(ctx, bob.id, organization.id)));
    expect(error.status).toBe(403);
    expect((await rejection(async () => previewUnusedTokens(await callAs(ctx, bob.id, organization.id)))).status).toBe(403);
    expect((await rejection(async () => listMembersByCoverage({ ...await callAs(ctx, bob.id, organization.id), filter: 'none' }))).status).toBe(403);
  });

  it('lists the members of a figure', async () => {
    const { ctx, organization, admin } = await world();
    const call = await callAs(ctx, admin.id, organization.id);
    const emails = async (filter: Parameters<typeof listMembersByCoverage>[0]['filter']) => (await listMembersByCoverage({ ...call, filter })).map((m) => m.email);
    expect(await emails('password_only')).toEqual(['bob@acme.test']);
    expect(await emails('none')).toEqual(['erin@acme.test']);
    expect(await emails('method:password')).toEqual(['admin@acme.test', 'bob@acme.test', 'carol@acme.test', 'dave@acme.test']);
    expect(await emails('password_without_2fa')).toEqual(['bob@acme.test', 'carol@acme.test', 'dave@acme.test']);
    expect(await emails('managed')).toEqual(['carol@acme.test']);
  });
});

describe('the tokens of a figure', () => {
  it('lists them by creation time, of one kind when asked, for super admins only', async () => {
    const { ctx, organization, admin, bob, bobOld, robotToken } = await world();
    const call = await callAs(ctx, admin.id, organization.id);
    // Both made 100 days ago: ties go by id.
    expect((await listTokensByFigure({ ...call, filter: 'unused' })).map((t) => t.id)).toEqual([bobOld.token.id, robotToken.token.id].sort());
    expect((await listTokensByFigure({ ...call, filter: 'unused', kind: 'application' })).map((t) => t.id)).toEqual([robotToken.token.id]);
    expect((await listTokensByFigure({ ...call, filter: 'no_expiry', kind: 'personal' })).map((t) => t.description).sort()).toEqual(['old script', 'test token']);
    expect((await rejection(async () => listTokensByFigure({ ...await callAs(ctx, bob.id, organization.id), filter: 'all' }))).status).toBe(403);
  });
});

describe('revoke unused tokens', () => {
  it('previews, then revokes exactly the confirmed tokens that still qualify, in one audit event', async () => {
    const { ctx, organization, admin, bob, bobOld, robotToken, otherOld } = await world();
    const call = await callAs(ctx, admin.id, organization.id);
    const preview = await previewUnusedTokens(call);
    expect(preview.map((t) => t.id).sort()).toEqual([bobOld.token.id, robotToken.token.id].sort());
    expect(preview.find((t) => t.id === robotToken.token.id)).toMatchObject({ isApplicationUser: true, name: 'Build robot', kind: 'application' });

    // The robot's token is used after the preview; another organization's unused token and a
    // session id are slipped into the confirmation.
    await ctx.db.update(tokens).set({ lastUsedTime: iso(ctx.now) }).where(eq(tokens.id, robotToken.token.id));
    const session = (await ctx.db.select().from(tokens).where(eq(tokens.kind, 'session')))[0]!;
    const revoked = await revokeUnusedTokens({ ...call, input: { token_ids: [bobOld.token.id, robotToken.token.id, otherOld.token.id, session.id] } });
    expect(revoked.map((t) => t.id)).toEqual([bobOld.token.id]);
    const left = (await ctx.db.select({ id: tokens.id }).from(tokens)).map((t) => t.id);
    expect(left).not.toContain(bobOld.token.id);
    for (const kept of [robotToken.token.id, otherOld.token.id, session.id]) expect(left).toContain(kept);

    const events = (await listAuditEvents(ctx)).filter((e) => e.event === 'member.unused_tokens_revoked');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      organizationId: organization.id,
      actorUserId: admin.id,
      details: { count: 1, tokens: [{ user_id: bob.id, user_email: 'bob@acme.test', application_user: false, token_prefix: bobOld.token.tokenPrefix, kind: 'personal', last_used_time: null }] },
    });
  });

  it('refuses a plain member and bad input, and changes nothing', async () => {
    const { ctx, organization, admin, bob, bobOld } = await world();
    const asBob = await callAs(ctx, bob.id, organization.id);
    expect((await rejection(() => revokeUnusedTokens({ ...asBob, input: { token_ids: [bobOld.token.id] } }))).status).toBe(403);
    const call = await callAs(ctx, admin.id, organization.id);
    expect((await rejection(() => revokeUnusedTokens({ ...call, input: { token_ids: [] } }))).status).toBe(400);
    expect((await rejection(() => revokeUnusedTokens({ ...call, input: {} }))).status).toBe(400);
    expect((await ctx.db.select().from(tokens).where(eq(tokens.id, bobOld.token.id)))).toHaveLength(1);
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'member.unused_tokens_revoked')).toEqual([]);
  });
});

describe('personal overview', () => {
  it("a member's own methods, second factor and personal tokens only", async () => {
    const { ctx, bob, carol } = await world();
    expect(await personalOverview(ctx, bob.id)).toEqual({
      hasPassword: true,
      twoFactor: false,
      linkedProviders: ['saml:amOff'],
      tokens: { all: 2, no_expiry: 1, no_ip_allowlist: 1, unused: 1, expiring: 1 },
    });
    expect(await personalOverview(ctx, carol.id)).toEqual({
      hasPassword: true,
      twoFactor: false,
      linkedProviders: ['google'],
      tokens: { all: 0, no_expiry: 0, no_ip_allowlist: 0, unused: 0, expiring: 0 },
    });
    const nobody = await seedUser(ctx, { email: 'x@example.test' });
    expect((await personalOverview(ctx, nobody.id)).tokens.all).toBe(0);
  });
});

describe('activity of past days', () => {
  it('is counted once and kept: a later view reads the kept counts, and only yesterday and today from the log', async () => {
    const { ctx, organization } = await world();
    const first = (await computeSecurityOverview(ctx, organization)).activity;
    const kept = await ctx.db.select().from(signInDailyCounts).where(eq(signInDailyCounts.organizationId, organization.id));
    // 28 settled days marked, and the counts of those with events; nothing of yesterday or today.
    expect(kept.filter((r) => r.event === 'rolled_up')).toHaveLength(28);
    expect(kept.filter((r) => r.event !== 'rolled_up').map((r) => [r.day, r.dimension, r.value, r.count]).sort()).toEqual(
      [
        ['2026-01-31', 'method', 'password', 1],
        ['2026-02-26', 'ip', '192.0.2.44', 1],
        ['2026-02-26', 'reason', 'ip_not_allowed', 1],
        ['2026-02-27', 'ip', '203.0.113.7', 1],
        ['2026-02-27', 'reason', 'wrong_credentials', 1],
      ].sort(),
    );
    // The log is emptied: the kept days still count, yesterday's and today's events are gone.
    await ctx.db.delete(auditEvents).where(eq(auditEvents.organizationId, organization.id));
    const second = (await computeSecurityOverview(ctx, organization)).activity;
    expect(second.signIns).toEqual({ total: 1, byMethod: { password: 1 } });
    expect(second.failures).toEqual({ total: 2, byReason: [{ reason: 'ip_not_allowed', count: 1 }, { reason: 'wrong_credentials', count: 1 }] });
    expect(second.topFailureAddresses).toEqual([{ ip: '192.0.2.44', count: 1 }, { ip: '203.0.113.7', count: 1 }]);
    expect(first.signIns.total).toBe(4);
    // A day later, the day that was yesterday is counted and kept too.
    const tomorrow = { ...ctx, now: new Date(ctx.now.getTime() + DAY) };
    await computeSecurityOverview(tomorrow, organization);
    const marked = (await ctx.db.select().from(signInDailyCounts).where(eq(signInDailyCounts.event, 'rolled_up'))).map((r) => r.day);
    expect(marked).toContain('2026-02-28');
    expect(marked).not.toContain('2026-03-01');
  });
});
