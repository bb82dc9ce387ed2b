import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import { confirmTotp, insertTokenRow, markApplicationUser, recordEvents, seedIdentity, seedMember, seedOrgMember } from '../support/seed';

// GET /v1/organization/{organization_id}/security-overview (lib/security-overview/): the
// organization's figures as JSON, for its super admins and tokens allowed organizations:read.

const db = servers.main.database;
const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z');
const path = (organizationId: string) => `/v1/organization/${organizationId}/security-overview`;
const zeroTokens = { total: 0, without_expiry: 0, without_ip_allowlist: 0, unused_90_days: 0, expiring_within_7_days: 0 };

test('the figures of a seeded organization, in our snake_case shape', async ({ request, member }) => {
  // The admin: a password and an authenticator app. bob: a password alone and an old unused
  // token. carol: a password and Google. A robot (application user) with a token expiring in 3 days.
  const admin = await login(request, member.email, member.password);
  await confirmTotp(db, member.userId);
  const bob = await seedOrgMember(db, member.organizationId);
  const carol = await seedOrgMember(db, member.organizationId);
  await seedIdentity(db, carol.userId, 'google', `g-${carol.userId}`);
  const oldPrefix = await insertTokenRow(db, bob.userId, { createTime: daysAgo(120), description: 'old script' });
  await insertTokenRow(db, bob.userId, { kind: 'session', createTime: daysAgo(120) });
  const robot = await seedOrgMember(db, member.organizationId);
  await markApplicationUser(db, robot.userId);
  await insertTokenRow(db, robot.userId, { kind: 'application', authMethod: 'application', expiryTime: daysAgo(-3), ipAllowlist: ['10.0.0.0/8'], lastUsedTime: daysAgo(1) });
  await recordEvents(db, member.organizationId, [
    { time: daysAgo(2), event: 'auth.sign_in_failed', actorEmail: bob.email, details: { method: 'password', reason: 'wrong_credentials' } },
    { time: daysAgo(45), event: 'auth.sign_in', actorEmail: bob.email, details: { method: 'password' } },
  ]);

  const response = await request.get(path(member.organizationId), { headers: auth(admin) });
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(Object.keys(body)).toEqual(['organization_id', 'generated_time', 'sign_in_coverage', 'activity', 'tokens', 'identity_providers', 'domains', 'recommendations']);
  expect(body.organization_id).toBe(member.organizationId);
  expect(body.sign_in_coverage).toEqual({
    members: 3,
    by_strongest_method: { sso: 0, third_party: 1, password_with_2fa: 1, password_only: 1, none: 0 },
    by_method: { saml: 0, google: 1, microsoft: 0, github: 0, password: 3 },
    password_members: 3,
    password_members_with_2fa: 1,
    managed: 0,
    unmanaged: 3,
  });
  expect(body.activity.sign_ins.total).toBe(1);
  expect(body.activity.sign_ins.per_day).toHaveLength(30);
  expect(body.activity.failed_sign_ins).toEqual({ total: 1, by_reason: [{ reason: 'wrong_credentials', count: 1 }], top_addresses: [{ ip: '198.51.100.7', count: 1 }] });
  // The admin's sign-in made a session: sessions are not counted.
  expect(body.tokens).toEqual({
    personal: { ...zeroTokens, total: 1, without_expiry: 1, without_ip_allowlist: 1, unused_90_days: 1 },
    application: { ...zeroTokens, total: 1, expiring_within_7_days: 1 },
  });
  expect(body.identity_providers).toEqual({ total: 0, enabled: 0, certificates_expiring: [], enabled_never_used: [] });
  expect(body.domains).toEqual({ total: 0, verified: 0, needing_attention: [] });
  expect(body.recommendations.map((r: { id: string }) => r.id)).toEqual(['require_two_factor', 'revoke_unused_tokens', 'expire_tokens', 'restrict_ip_allowlist']);
  expect(body.recommendations[0]).toEqual({
    id: 'require_two_factor',
    severity: 'high',
    title: 'Require 2FA',
    detail: '1 member signs in with a password alone.',
    action: { label: 'Require two-factor authentication', href: '/admin/authentication-policy?propose=two_factor_required' },
    policy_change: { two_factor_required: true },
  });
  // Nothing secret or identifying of a token is listed: only counts.
  expect(JSON.stringify(body)).not.toContain(oldPrefix);
});

test('refused to a plain member (403), another organization’s admin (404) and a token without organizations:read', async ({ request, member }) => {
  const bob = await seedOrgMember(db, member.organizationId);
  const bobToken = await login(request, bob.email, bob.password);
  const refused = await request.get(path(member.organizationId), { headers: auth(bobToken) });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).message).toBe('Only super admins of this organization may do this');

  const stranger = await seedMember(db);
  const strangerToken = await login(request, stranger.email, stranger.password);
  expect((await request.get(path(member.organizationId), { headers: auth(strangerToken) })).status()).toBe(404);
  expect((await request.get(path(stranger.organizationId), { headers: auth(strangerToken) })).status()).toBe(200);

  const admin = await login(request, member.email, member.password);
  const scoped = async (scopes: string[]) =>
    ((await (await request.post('/v1/access_token', { data: { description: scopes.join(' '), scopes }, headers: auth(admin) })).json()) as { full_token: string }).full_token;
  const userOnly = await scoped(['user']);
  const denied = await request.get(path(member.organizationId), { headers: auth(userOnly) });
  expect(denied.status()).toBe(403);
  expect((await request.get(path(member.organizationId), { headers: auth(await scoped(['authentication'])) })).status()).toBe(403);
  expect((await request.get(path(member.organizationId), { headers: auth(await scoped(['organizations:read'])) })).status()).toBe(200);
  expect((await request.post(path(member.organizationId), { headers: auth(admin) })).status()).toBe(405);
  // No token at all.
  expect((await request.get(path(member.organizationId))).status()).toBe(401);
});
