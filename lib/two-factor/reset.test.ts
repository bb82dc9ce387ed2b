import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { recoveryCodes, tokens, totpCredentials } from '@/db/tables';
import type { Principal } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { listMemberships } from '@/lib/model/memberships';
import { listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { totpCodeAt } from './totp';
import { hasConfirmedTotp, twoFactorStatus } from './status';
import { beginTotpEnrollment, confirmTotpEnrollment } from './enroll';
import { removeTwoFactor } from './reset';

const META = { ip: '203.0.113.9', userAgent: 'vitest' };

async function signedIn(ctx: Ctx) {
  const user = await seedUser(ctx);
  const org = await seedOrganization(ctx);
  await seedMembership(ctx, { organizationId: org.id, userId: user.id });
  const { token } = await seedToken(ctx, user.id, { kind: 'session', createdManually: false });
  const principal: Principal = { user, token, memberships: await listMemberships(ctx, user.id) };
  return principal;
}

async function enrolled(ctx: Ctx) {
  const principal = await signedIn(ctx);
  const { secret } = await beginTotpEnrollment({ ctx, principal });
  await confirmTotpEnrollment({ ctx, principal, meta: META, input: { code: totpCodeAt(secret, ctx.now) } });
  return principal;
}

const rowsOf = async (ctx: Ctx, userId: string) => ({
  credentials: (await ctx.db.select().from(totpCredentials).where(eq(totpCredentials.userId, userId))).length,
  codes: (await ctx.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, userId))).length,
});

describe('removeTwoFactor', () => {
  it('deletes a confirmed authenticator and all recovery codes', async () => {
    const ctx = testCtx();
    const { user } = await enrolled(ctx);
    expect(await rowsOf(ctx, user.id)).toEqual({ credentials: 1, codes: 10 });

    await expect(removeTwoFactor(ctx, { userId: user.id })).resolves.toEqual({ removed: true });

    expect(await rowsOf(ctx, user.id)).toEqual({ credentials: 0, codes: 0 });
    expect(await hasConfirmedTotp(ctx, user.id)).toBe(false);
    expect(await twoFactorStatus(ctx, user.id)).toEqual({ enabled: false, since: null, recoveryCodesLeft: 0 });
  });

  it('deletes a setup still waiting for its first code', async () => {
    const ctx = testCtx();
    const principal = await signedIn(ctx);
    await beginTotpEnrollment({ ctx, principal });
    await expect(removeTwoFactor(ctx, { userId: principal.user.id })).resolves.toEqual({ removed: true });
    expect(await rowsOf(ctx, principal.user.id)).toEqual({ credentials: 0, codes: 0 });
  });

  it('answers removed: false for a user with nothing enrolled, and for an unknown user id', async () => {
    const ctx = testCtx();
    const { user } = await signedIn(ctx);
    await expect(removeTwoFactor(ctx, { userId: user.id })).resolves.toEqual({ removed: false });
    await expect(removeTwoFactor(ctx, { userId: 'no-such-user' })).resolves.toEqual({ removed: false });
  });

  it('a second removal finds nothing', async () => {
    const ctx = testCtx();
    const { user } = await enrolled(ctx);
    await removeTwoFactor(ctx, { userId: user.id });
    await expect(removeTwoFactor(ctx, { userId: user.id })).resolves.toEqual({ removed: false });
  });

  it("touches only that user's enrollment, keeps sessions and tokens, and writes no audit event", async () => {
    const ctx = testCtx();
    const target = await enrolled(ctx);
    const other = await enrolled(ctx);
    const eventsBefore = (await listAuditEvents(ctx)).length;
    const tokensBefore = (await ctx.db.select().from(tokens)).length;

    await removeTwoFactor(ctx, { userId: target.user.id });

    expect(await rowsOf(ctx, other.user.id)).toEqual({ credentials: 1, codes: 10 });
    expect(await hasConfirmedTotp(ctx, other.user.id)).toBe(true);
    expect((await ctx.db.select().from(tokens)).length).toBe(tokensBefore);
    // The callers record the event in their own terms (who did it, in which organization).
    expect((await listAuditEvents(ctx)).length).toBe(eventsBefore);
  });

  it('the user can enroll again afterwards', async () => {
    const ctx = testCtx();
    const principal = await enrolled(ctx);
    await removeTwoFactor(ctx, { userId: principal.user.id });
    const { secret } = await beginTotpEnrollment({ ctx, principal });
    await confirmTotpEnrollment({ ctx, principal, meta: META, input: { code: totpCodeAt(secret, ctx.now) } });
    expect(await hasConfirmedTotp(ctx, principal.user.id)).toBe(true);
  });
});
