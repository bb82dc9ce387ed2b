import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { organizations, tokens } from '@/db/tables';
import { authenticate } from '@/lib/auth/gate';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { listMemberships } from '@/lib/model/memberships';
import { listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { previewImpact } from './impact';
import { policyOf } from './policy';
import { readPolicy, updatePolicy } from './update';
import { rejection } from '@/lib/testing/errors';
import { first } from '@/db/async';

const META = { ip: '203.0.113.5', userAgent: 'vitest' };

async function admin(ctx: Ctx, { superAdmin = true, kind = 'session' as const } = {}) {
  const organization = await seedOrganization(ctx);
  const user = await seedUser(ctx, { passwordHash: 'x' });
  await seedMembership(ctx, { organizationId: organization.id, userId: user.id, isSuperAdmin: superAdmin });
  const { fullToken } = await seedToken(ctx, user.id, { kind });
  const call = async () => {
    const principal = await authenticate({ ctx, input: { authorization: `aivenv1 ${fullToken}`, cookieToken: null, ...META } });
    const membership = (await listMemberships(ctx, user.id)).find((m) => m.organization.id === organization.id)!;
    return { ctx, principal, membership, meta: META };
  };
  return { organization, user, call };
}


describe('updatePolicy', () => {
  it('applies a partial patch at once and audits old and new values of what changed', async () => {
    const ctx = testCtx();
    const { call, organization } = await admin(ctx);
    const policy = await updatePolicy({ ...(await call()), input: { oauth_enabled: false, ip_allowlist: ['203.0.113.0/24'], saml_enabled: true } });
    expect(policy).toMatchObject({ oauthEnabled: false, ipAllowlist: ['203.0.113.0/24'], passwordAuthEnabled: true });
    expect(readPolicy(await call())).toEqual(policy);
    const [event] = (await listAuditEvents(ctx)).filter((e) => e.event === 'policy.updated');
    expect(event).toMatchObject({ organizationId: organization.id, ip: META.ip });
    expect(event!.details).toEqual({
      old: { oauth_enabled: true, ip_allowlist: [] },
      new: { oauth_enabled: false, ip_allowlist: ['203.0.113.0/24'] },
    });
  });

  it('refuses with 409, and changes nothing, when the change would lock the admin out', async () => {
    const ctx = testCtx();
    const { call, organization } = await admin(ctx);
    for (const input of [{ ip_allowlist: ['10.0.0.0/8'] }, { password_auth_enabled: false }]) {
      const error = await rejection(async () => await updatePolicy({ ...(await call()), input }));
      expect(error.status).toBe(409);
      expect(error.message).toMatch(/would lock you out/);
    }
    expect(policyOf((await first(ctx.db.select().from(organizations).where(eq(organizations.id, organization.id)).limit(1)))!)).toMatchObject({
      passwordAuthEnabled: true,
      ipAllowlist: [],
    });
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'policy.updated')).toHaveLength(0);
  });

  it('is for super admins only: 403 for a member, on reading and writing', async () => {
    const ctx = testCtx();
    const { call } = await admin(ctx, { superAdmin: false });
    expect((await rejection(async () => readPolicy(await call()))).status).toBe(403);
    expect((await rejection(async () => await updatePolicy({ ...(await call()), input: { oauth_enabled: false } }))).status).toBe(403);
  });

  it('answers bad input with 400 and field errors', async () => {
    const ctx = testCtx();
    const { call } = await admin(ctx);
    const error = await rejection(async () => await updatePolicy({ ...(await call()), input: { ip_allowlist: ['nope'], two_factor_required: 1 } }));
    expect(error.status).toBe(400);
    expect(Object.keys(error.fieldErrors).sort()).toEqual(['ip_allowlist.0', 'two_factor_required']);
  });
});

describe('previewImpact', () => {
  it('counts members losing sign-in, sessions and personal tokens stopping, and application tokens by IP only', async () => {
    const ctx = testCtx();
    const { organization, user: adminUser } = await admin(ctx);
    const passwordUser = await seedUser(ctx, { passwordHash: 'x' });
    const ssoOnly = await seedUser(ctx);
    const app = await seedUser(ctx);
    for (const u of [passwordUser, ssoOnly, app]) await seedMembership(ctx, { organizationId: organization.id, userId: u.id });
    await seedToken(ctx, passwordUser.id, { kind: 'session', authMethod: 'password' });
    await seedToken(ctx, passwordUser.id, { kind: 'personal', authMethod: 'password' });
    await seedToken(ctx, ssoOnly.id, { kind: 'session', authMethod: 'saml' });
    const appToken = (await seedToken(ctx, app.id, { kind: 'application', authMethod: 'api' })).token;
    await ctx.db.update(tokens).set({ lastIp: '198.51.100.7' }).where(eq(tokens.id, appToken.id));

    const before = policyOf(organization);
    const noPassword = await previewImpact(ctx, organization, before, { ...before, passwordAuthEnabled: false, personalTokensRequireAllowedAuthMethod: true });
    // The admin and passwordUser sign in with a password only; ssoOnly and app have no method of their own.
    expect(noPassword.membersLosingSignIn.map((m) => m.userId).sort()).toEqual([adminUser.id, passwordUser.id].sort());
    // The admin's and passwordUser's password sessions stop; the SAML session does not.
    expect(noPassword.sessionsStopping).toBe(2);
    expect(noPassword.personalTokensStopping).toBe(1);
    expect(noPassword.applicationTokensStopping).toBe(0);

    // Without enforcement, personal tokens made with a password keep working.
    expect((await previewImpact(ctx, organization, before, { ...before, passwordAuthEnabled: false })).personalTokensStopping).toBe(0);

    // The IP allowlist reaches application tokens, judged by where they were last used.
    const allowlist = await previewImpact(ctx, organization, before, { ...before, ipAllowlist: ['203.0.113.0/24'] });
    expect(allowlist.applicationTokensStopping).toBe(1);
    expect(allowlist.membersLosingSignIn).toHaveLength(0);
    expect((await previewImpact(ctx, organization, before, { ...before, ipAllowlist: ['198.51.100.0/24'] })).applicationTokensStopping).toBe(0);
  });
});
