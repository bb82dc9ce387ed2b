import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { organizations, passwordCredentials, recoveryCodes, tokens, totpCredentials } from '@/db/tables';
import { hashPassword } from '@/lib/passwords/hash';
import { signInWithPassword } from '@/lib/sign-in/password';
import { totpStepAt } from '@/lib/two-factor/totp';
import { pendingTwoFactorEnrollment } from '@/lib/two-factor/status';
import type { Ctx } from '@/lib/context';
import { listMemberships } from '@/lib/model/memberships';
import { rejection } from '@/lib/testing/errors';
import { addMember, callAs, seedOrganizationWithAdmin, seedTotp, setUserFields, TEST_META } from '@/lib/testing/members';
import { listAuditEvents, seedMembership, seedOrganization, seedToken, testCtx } from '@/lib/testing/seed';
import { memberTwoFactor, resetMemberTwoFactor, twoFactorResetMessage } from './member-two-factor';

/** An organization with a super admin (admin@) and a member (bob@) with 2FA on and ten recovery codes. */
async function world(ctx: Ctx = testCtx()) {
  const { organization, admin } = await seedOrganizationWithAdmin(ctx, { adminEmail: 'admin@example.test' });
  const bob = await addMember(ctx, organization.id, { email: 'bob@example.test' });
  await enroll(ctx, bob.id);
  return { ctx, organization, admin, bob, call: await callAs(ctx, admin.id, organization.id) };
}

async function enroll(ctx: Ctx, userId: string) {
  await seedTotp(ctx, userId);
  await ctx.db
    .insert(recoveryCodes)
    .values(Array.from({ length: 10 }, (_, i) => ({ userId, codeHash: `hash-${userId}-${i}` })));
}

const enrollmentOf = async (ctx: Ctx, userId: string) => ({
  credentials: (await ctx.db.select().from(totpCredentials).where(eq(totpCredentials.userId, userId))).length,
  codes: (await ctx.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, userId))).length,
});
const resetEvents = async (ctx: Ctx) => (await listAuditEvents(ctx)).filter((e) => e.event === 'member.two_factor_reset');
const requireTwoFactor = async (ctx: Ctx, organizationId: string) =>
  await ctx.db.update(organizations).set({ twoFactorRequired: true }).where(eq(organizations.id, organizationId));

describe('resetMemberTwoFactor', () => {
  it('removes the authenticator and every recovery code, and audits it in this organization naming the admin', async () => {
    const { ctx, organization, admin, bob, call } = await world();
    await ctx.db.update(recoveryCodes).set({ usedTime: '2026-02-01T00:00:00Z' }).where(eq(recoveryCodes.codeHash, `hash-${bob.id}-0`));
    const result = await resetMemberTwoFactor({ ...call, userId: bob.id });
    expect(result).toMatchObject({ wasEnabled: true, enrollmentRequired: false, member: { user: { id: bob.id }, hasAuthenticatorApp: false } });
    expect(await enrollmentOf(ctx, bob.id)).toEqual({ credentials: 0, codes: 0 });
    expect(await resetEvents(ctx)).toMatchObject([
      {
        organizationId: organization.id,
        actorUserId: admin.id,
        actorEmail: 'admin@example.test',
        ip: TEST_META.ip,
        userAgent: TEST_META.userAgent,
        details: {
          user_id: bob.id,
          user_email: 'bob@example.test',
          reset_by: 'admin@example.test',
          was_enabled: true,
          recovery_codes_left: 9,
          enrollment_required: false,
        },
      },
    ]);
  });

  it('keeps the member’s sessions and tokens, and nobody else’s enrollment changes', async () => {
    const { ctx, organization, admin, bob, call } = await world();
    await enroll(ctx, admin.id);
    const carol = await addMember(ctx, organization.id, { email: 'carol@example.test' });
    await enroll(ctx, carol.id);
    await seedToken(ctx, bob.id, { kind: 'session', createdManually: false });
    await seedToken(ctx, bob.id);
    await resetMemberTwoFactor({ ...call, userId: bob.id });
    expect(await ctx.db.select().from(tokens).where(eq(tokens.userId, bob.id))).toHaveLength(2);
    expect(await enrollmentOf(ctx, carol.id)).toEqual({ credentials: 1, codes: 10 });
    expect(await enrollmentOf(ctx, admin.id)).toEqual({ credentials: 1, codes: 10 });
  });

  it('where the organization requires 2FA, the member’s next password sign-in can only enroll again', async () => {
    const { ctx, organization, bob, call } = await world();
    const passwordHash = await hashPassword('correct horse battery');
    await ctx.db.update(passwordCredentials).set({ passwordHash }).where(eq(passwordCredentials.userId, bob.id));
    await requireTwoFactor(ctx, organization.id);
    const input = { email: 'bob@example.test', password: 'correct horse battery' };
    // Before: the password alone is not enough, a code is asked for.
    await expect(signInWithPassword({ ctx, input, meta: TEST_META })).rejects.toMatchObject({ code: 'otp_required' });

    const result = await resetMemberTwoFactor({ ...await callAs(ctx, call.principal.user.id, organization.id), userId: bob.id });
    expect(result.enrollmentRequired).toBe(true);
    expect(twoFactorResetMessage(result)).toBe(
      'Two-factor authentication of bob@example.test was reset: their authenticator app and recovery codes no longer work. This organization requires two-factor authentication: they must set up an authenticator at their next password sign-in.',
    );
    expect((await resetEvents(ctx))[0]!.details).toMatchObject({ enrollment_required: true });

    // After: the password signs in, and the session is held back until an authenticator is set up.
    const { user, token } = await signInWithPassword({ ctx, input, meta: TEST_META });
    const held = await pendingTwoFactorEnrollment(ctx, { user, token, memberships: await listMemberships(ctx, user.id) });
    expect(held?.map((m) => m.organization.id)).toEqual([organization.id]);
  });

  it('where the organization does not require 2FA, the answer says the password alone signs in', async () => {
    const { bob, call } = await world();
    expect(twoFactorResetMessage(await resetMemberTwoFactor({ ...call, userId: bob.id }))).toBe(
      'Two-factor authentication of bob@example.test was reset: their authenticator app and recovery codes no longer work. This organization does not require two-factor authentication: they sign in with their password alone until they set up an authenticator again.',
    );
  });

  it('removes a setup that was never confirmed, and says so', async () => {
    const { ctx, organization, call } = await world();
    const dana = await addMember(ctx, organization.id, { email: 'dana@example.test' });
    await seedTotp(ctx, dana.id, { confirmed: false });
    const result = await resetMemberTwoFactor({ ...call, userId: dana.id });
    expect(result.wasEnabled).toBe(false);
    expect(twoFactorResetMessage(result)).toMatch(/^The unfinished authenticator setup of dana@example\.test was removed\. /);
    expect(await enrollmentOf(ctx, dana.id)).toEqual({ credentials: 0, codes: 0 });
    expect((await resetEvents(ctx))[0]!.details).toMatchObject({ was_enabled: false });
  });

  it('a member with no two-factor authentication gets a clear 409, and nothing is recorded', async () => {
    const { ctx, organization, call } = await world();
    const erin = await addMember(ctx, organization.id, { email: 'erin@example.test' });
    const error = await rejection(() => resetMemberTwoFactor({ ...call, userId: erin.id }));
    expect([error.status, error.message]).toEqual([409, 'erin@example.test has no two-factor authentication to reset.']);
    expect(await resetEvents(ctx)).toEqual([]);
  });

  it('a second reset finds nothing to reset', async () => {
    const { bob, call } = await world();
    await resetMemberTwoFactor({ ...call, userId: bob.id });
    expect((await rejection(() => resetMemberTwoFactor({ ...call, userId: bob.id }))).message).toBe('bob@example.test has no two-factor authentication to reset.');
  });

  describe('the account rule (the same as for deactivating)', () => {
    const REFUSAL =
      "bob@example.test also belongs to other organizations and is not managed by this one: their two-factor authentication is not this organization's alone to change. They can turn it off themselves under Profile → Authentication with a code or a recovery code, or the operator of this server can remove it.";

    it('refuses a member who also belongs to another organization (409), removing nothing', async () => {
      const { ctx, bob, call } = await world();
      await seedMembership(ctx, { organizationId: (await seedOrganization(ctx)).id, userId: bob.id });
      const error = await rejection(() => resetMemberTwoFactor({ ...call, userId: bob.id }));
      expect([error.status, error.message]).toEqual([409, REFUSAL]);
      expect(await enrollmentOf(ctx, bob.id)).toEqual({ credentials: 1, codes: 10 });
      expect(await resetEvents(ctx)).toEqual([]);
    });

    it('refuses one managed by the other organization they belong to', async () => {
      const { ctx, bob, call } = await world();
      const manager = await seedOrganization(ctx);
      await seedMembership(ctx, { organizationId: manager.id, userId: bob.id });
      await setUserFields(ctx, bob.id, { managingOrganizationId: manager.id });
      expect((await rejection(() => resetMemberTwoFactor({ ...call, userId: bob.id }))).message).toBe(REFUSAL);
      expect(await enrollmentOf(ctx, bob.id)).toEqual({ credentials: 1, codes: 10 });
    });

    it('allows it for a member of other organizations whom this organization manages', async () => {
      const { ctx, organization, bob, call } = await world();
      await seedMembership(ctx, { organizationId: (await seedOrganization(ctx)).id, userId: bob.id });
      await seedMembership(ctx, { organizationId: (await seedOrganization(ctx)).id, userId: bob.id });
      await setUserFields(ctx, bob.id, { managingOrganizationId: organization.id });
      expect((await resetMemberTwoFactor({ ...call, userId: bob.id })).wasEnabled).toBe(true);
      expect(await enrollmentOf(ctx, bob.id)).toEqual({ credentials: 0, codes: 0 });
    });

    it('allows it for a managed member of this organization only', async () => {
      const { ctx, organization, bob, call } = await world();
      await setUserFields(ctx, bob.id, { managingOrganizationId: organization.id });
      expect((await resetMemberTwoFactor({ ...call, userId: bob.id })).wasEnabled).toBe(true);
    });
  });

  describe('who may reset', () => {
    it('403 for a member who is not a super admin, even of their own 2FA', async () => {
      const { ctx, organization, admin, bob } = await world();
      await enroll(ctx, admin.id);
      for (const target of [admin.id, bob.id]) {
        const error = await rejection(async () => await resetMemberTwoFactor({ ...await callAs(ctx, bob.id, organization.id), userId: target }));
        expect([error.status, error.message]).toEqual([403, 'Only super admins of this organization may do this']);
      }
      expect(await enrollmentOf(ctx, bob.id)).toEqual({ credentials: 1, codes: 10 });
      expect(await enrollmentOf(ctx, admin.id)).toEqual({ credentials: 1, codes: 10 });
      expect(await resetEvents(ctx)).toEqual([]);
    });

    it('403 without a resolved organization', async () => {
      const { bob, call } = await world();
      expect((await rejection(() => resetMemberTwoFactor({ ...call, membership: null, userId: bob.id }))).status).toBe(403);
    });

    it('404 for a member of another organization, even one whose super admin the caller also is', async () => {
      const { ctx, admin, call } = await world();
      const other = await seedOrganization(ctx, { name: 'Other' });
      await seedMembership(ctx, { organizationId: other.id, userId: admin.id, isSuperAdmin: true });
      const stranger = await addMember(ctx, other.id, { email: 'stranger@example.test' });
      await enroll(ctx, stranger.id);
      const error = await rejection(() => resetMemberTwoFactor({ ...call, userId: stranger.id }));
      expect([error.status, error.message]).toEqual([404, `User ${stranger.id} is not a member of this organization`]);
      expect(await enrollmentOf(ctx, stranger.id)).toEqual({ credentials: 1, codes: 10 });
    });

    it('404 for an unknown user id; 400 for one that is no user id', async () => {
      const { call } = await world();
      expect((await rejection(() => resetMemberTwoFactor({ ...call, userId: 'u-nobody' }))).status).toBe(404);
      for (const userId of ['', '   ', 'x'.repeat(65)]) {
        const error = await rejection(() => resetMemberTwoFactor({ ...call, userId }));
        expect(error.status, JSON.stringify(userId)).toBe(400);
      }
    });

    it('refuses a super admin’s own 2FA: that asks for a code on Profile → Authentication', async () => {
      const { ctx, admin, call } = await world();
      await enroll(ctx, admin.id);
      const error = await rejection(() => resetMemberTwoFactor({ ...call, userId: admin.id }));
      expect([error.status, error.message]).toEqual([
        409,
        'To turn off your own two-factor authentication, use Profile → Authentication: it asks for a code or a recovery code.',
      ]);
      expect(await enrollmentOf(ctx, admin.id)).toEqual({ credentials: 1, codes: 10 });
    });

    it('refuses an application user: they have no second factor', async () => {
      const { ctx, organization, call } = await world();
      const robot = await addMember(ctx, organization.id, { email: 'robot@example.test', passwordHash: '' });
      await setUserFields(ctx, robot.id, { isApplicationUser: true });
      const error = await rejection(() => resetMemberTwoFactor({ ...call, userId: robot.id }));
      expect([error.status, error.message]).toEqual([
        409,
        'robot@example.test is an application user: application users sign in with tokens only and have no two-factor authentication.',
      ]);
    });
  });
});

describe('memberTwoFactor', () => {
  it('reports the state, when it was confirmed, the last accepted code and the unused recovery codes', async () => {
    const { ctx, bob } = await world();
    const step = totpStepAt(ctx.now);
    await ctx.db.update(totpCredentials).set({ lastUsedStep: step }).where(eq(totpCredentials.userId, bob.id));
    await ctx.db.update(recoveryCodes).set({ usedTime: '2026-02-01T00:00:00Z' }).where(eq(recoveryCodes.codeHash, `hash-${bob.id}-3`));
    const status = await memberTwoFactor(ctx, bob.id);
    expect(status).toEqual({
      enabled: true,
      since: '2026-03-01T12:00:00Z',
      pendingSetup: false,
      lastUsedTime: new Date(step * 30_000).toISOString().replace('.000Z', 'Z'),
      recoveryCodesLeft: 9,
    });
    // The step starts at most 30 seconds before now.
    expect(ctx.now.getTime() - Date.parse(status.lastUsedTime!)).toBeLessThan(30_000);
  });

  it('a confirmed authenticator whose code was never accepted since has no last use (not 1970)', async () => {
    const { ctx, bob } = await world();
    expect(await memberTwoFactor(ctx, bob.id)).toEqual({ enabled: true, since: '2026-03-01T12:00:00Z', pendingSetup: false, lastUsedTime: null, recoveryCodesLeft: 10 });
  });

  it('an unconfirmed setup is no 2FA; nothing at all is all false', async () => {
    const ctx = testCtx();
    const { organization } = await seedOrganizationWithAdmin(ctx);
    const dana = await addMember(ctx, organization.id);
    expect(await memberTwoFactor(ctx, dana.id)).toEqual({ enabled: false, since: null, pendingSetup: false, lastUsedTime: null, recoveryCodesLeft: 0 });
    await seedTotp(ctx, dana.id, { confirmed: false });
    expect(await memberTwoFactor(ctx, dana.id)).toMatchObject({ enabled: false, pendingSetup: true, lastUsedTime: null });
  });
});
