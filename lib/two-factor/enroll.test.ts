import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { recoveryCodes, signInFailures, tokens, totpCredentials } from '@/db/tables';
import type { Principal } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { listMemberships } from '@/lib/model/memberships';
import { advance, dumpDatabase, listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { ACCOUNT_LIMIT } from '@/lib/auth/rate-limit';
import { hashRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-codes';
import { totpCodeAt, totpCodeForStep, totpStepAt } from './totp';
import { beginTotpEnrollment, confirmTotpEnrollment, disableTwoFactor } from './enroll';
import { twoFactorStatus } from './status';
import { verifySecondFactor } from './verify';
import { rejection } from '@/lib/testing/errors';
import { first } from '@/db/async';

const META = { ip: '203.0.113.9', userAgent: 'vitest' };


/** A member of two organizations, signed in to the console with a password session. */
async function signedIn(ctx: Ctx) {
  const user = await seedUser(ctx);
  const orgs = [await seedOrganization(ctx), await seedOrganization(ctx)];
  for (const org of orgs) await seedMembership(ctx, { organizationId: org.id, userId: user.id });
  const { token } = await seedToken(ctx, user.id, { kind: 'session', createdManually: false });
  const principal: Principal = { user, token, memberships: await listMemberships(ctx, user.id) };
  return { principal, orgs, call: { ctx, principal, meta: META } };
}

/** A well-formed code that is not the code of any step in the window around now. */
function wrongCode(secret: string, now: Date): string {
  const step = totpStepAt(now);
  const valid = new Set([-1, 0, 1].map((d) => totpCodeForStep(secret, step + d)));
  return ['000000', '111111', '222222', '333333'].find((c) => !valid.has(c))!;
}

async function enroll(ctx: Ctx, principal: Principal) {
  const { secret } = await beginTotpEnrollment({ ctx, principal });
  const { recoveryCodes: codes } = await confirmTotpEnrollment({ ctx, principal, meta: META, input: { code: totpCodeAt(secret, ctx.now) } });
  return { secret, codes };
}

describe('beginTotpEnrollment', () => {
  it('stores a new, unconfirmed secret and returns its key URI', async () => {
    const ctx = testCtx();
    const { principal } = await signedIn(ctx);
    const { secret, uri } = await beginTotpEnrollment({ ctx, principal });
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(uri).toContain(`secret=${secret}`);
    expect(uri).toContain(encodeURIComponent(principal.user.email));
    expect(await ctx.db.select().from(totpCredentials)).toMatchObject([
      { userId: principal.user.id, secret, confirmedTime: null, lastUsedStep: null },
    ]);
    expect((await twoFactorStatus(ctx, principal.user.id)).enabled).toBe(false);
  });

  it('starting again replaces the unconfirmed secret', async () => {
    const ctx = testCtx();
    const { principal } = await signedIn(ctx);
    const first = await beginTotpEnrollment({ ctx, principal });
    const second = await beginTotpEnrollment({ ctx, principal });
    expect(second.secret).not.toBe(first.secret);
    expect(await ctx.db.select().from(totpCredentials)).toMatchObject([{ secret: second.secret }]);
    // The first secret's code no longer confirms.
    const error = await rejection(async () =>
      await confirmTotpEnrollment({ ctx, principal, meta: META, input: { code: totpCodeAt(first.secret, ctx.now) } }),
    );
    expect(error.message).toBe('Wrong authentication code');
  });

  it('refuses while an authenticator is confirmed (409)', async () => {
    const ctx = testCtx();
    const { principal } = await signedIn(ctx);
    const { secret } = await enroll(ctx, principal);
    const error = await rejection(() => beginTotpEnrollment({ ctx, principal }));
    expect(error.status).toBe(409);
    expect((await first(ctx.db.select().from(totpCredentials).limit(1)))!.secret).toBe(secret);
  });
});

describe('confirmTotpEnrollment', () => {
  it('confirms with a current code, spends its step and issues ten hashed recovery codes, shown once', async () => {
    const ctx = testCtx();
    const { principal, orgs } = await signedIn(ctx);
    const { secret, codes } = await enroll(ctx, principal);

    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
    const stored = await ctx.db.select().from(recoveryCodes);
    expect(stored.map((r) => r.codeHash).sort()).toEqual(codes.map(hashRecoveryCode).sort());
    const dump = await dumpDatabase(ctx);
    for (const code of codes) expect(dump).not.toContain(code.replace(/-/g, ''));

    expect(await first(ctx.db.select().from(totpCredentials).limit(1))).toMatchObject({
      secret,
      confirmedTime: '2026-03-01T12:00:00Z',
      lastUsedStep: totpStepAt(ctx.now),
    });
    expect(await twoFactorStatus(ctx, principal.user.id)).toEqual({ enabled: true, since: '2026-03-01T12:00:00Z', recoveryCodesLeft: 10 });
    // The confirming code cannot sign in afterwards.
    expect(await verifySecondFactor({ ctx, userId: principal.user.id, code: totpCodeAt(secret, ctx.now) })).toBeNull();

    expect((await listAuditEvents(ctx)).map((e) => [e.event, e.organizationId])).toEqual([
      ['two_factor.enrolled', orgs[0]!.id],
      ['two_factor.enrolled', orgs[1]!.id],
    ]);
    expect((await listAuditEvents(ctx))[0]).toMatchObject({
      actorUserId: principal.user.id,
      ip: META.ip,
      details: { method: 'totp', recovery_codes: 10, sessions_revoked: 0 },
    });
  });

  it('accepts the previous and next step (clock drift), not two steps off', async () => {
    for (const [delta, ok] of [[-1, true], [1, true], [-2, false], [2, false]] as const) {
      const ctx = testCtx();
      const { principal } = await signedIn(ctx);
      const { secret } = await beginTotpEnrollment({ ctx, principal });
      const code = totpCodeForStep(secret, totpStepAt(ctx.now) + delta);
      const confirm = () => confirmTotpEnrollment({ ctx, principal, meta: META, input: { code } });
      if (ok) expect((await confirm()).recoveryCodes).toHaveLength(10);
      else expect((await rejection(confirm)).message).toBe('Wrong authentication code');
    }
  });

  it('a wrong code is a field error, audited, and changes nothing', async () => {
    const ctx = testCtx();
    const { principal } = await signedIn(ctx);
    const { secret } = await beginTotpEnrollment({ ctx, principal });
    const wrong = wrongCode(secret, ctx.now);
    const error = await rejection(() => confirmTotpEnrollment({ ctx, principal, meta: META, input: { code: wrong } }));
    expect(error.status).toBe(400);
    expect(error.fieldErrors).toEqual({ code: ['Wrong authentication code'] });
    expect((await first(ctx.db.select().from(totpCredentials).limit(1)))!.confirmedTime).toBeNull();
    expect(await ctx.db.select().from(recoveryCodes)).toEqual([]);
    expect((await listAuditEvents(ctx)).map((e) => [e.event, e.details])).toEqual([
      ['two_factor.code_failed', { during: 'enrollment' }],
      ['two_factor.code_failed', { during: 'enrollment' }],
    ]);
  });

  it.each([['12345'], ['abcdef'], ['abcd-efgh-2345-wxyz']])('%j is refused by the schema: 400 on the code field', async (code) => {
    const ctx = testCtx();
    const { principal } = await signedIn(ctx);
    await beginTotpEnrollment({ ctx, principal });
    const error = await rejection(() => confirmTotpEnrollment({ ctx, principal, meta: META, input: { code } }));
    expect(error.status).toBe(400);
    expect(error.fieldErrors.code).toEqual(['Enter the 6-digit code from your authenticator app']);
  });

  it('409 without a setup in progress, or once confirmed', async () => {
    const ctx = testCtx();
    const { principal } = await signedIn(ctx);
    expect((await rejection(() => confirmTotpEnrollment({ ctx, principal, meta: META, input: { code: '123456' } }))).status).toBe(409);
    const { secret } = await enroll(ctx, principal);
    advance(ctx, 30_000);
    const again = () => confirmTotpEnrollment({ ctx, principal, meta: META, input: { code: totpCodeAt(secret, ctx.now) } });
    expect((await rejection(again)).status).toBe(409);
  });

  it("signs out the user's other password sessions, keeps this one, personal tokens and SSO sessions", async () => {
    const ctx = testCtx();
    const { principal } = await signedIn(ctx);
    const userId = principal.user.id;
    const otherSession = await seedToken(ctx, userId, { kind: 'session', createdManually: false });
    const ssoSession = await seedToken(ctx, userId, { kind: 'session', authMethod: 'saml', createdManually: false });
    const personal = await seedToken(ctx, userId);
    const someoneElse = await seedToken(ctx, (await seedUser(ctx)).id, { kind: 'session', createdManually: false });

    const { secret } = await beginTotpEnrollment({ ctx, principal });
    const result = await confirmTotpEnrollment({ ctx, principal, meta: META, input: { code: totpCodeAt(secret, ctx.now) } });
    expect(result.sessionsRevoked).toBe(1);
    const left = (await ctx.db.select({ id: tokens.id }).from(tokens)).map((t) => t.id);
    expect(left.sort()).toEqual([principal.token.id, ssoSession.token.id, personal.token.id, someoneElse.token.id].sort());
    expect(left).not.toContain(otherSession.token.id);
  });
});

describe('disableTwoFactor', () => {
  async function failures(ctx: Ctx, email: string) {
    return (await first(ctx.db.select().from(signInFailures).where(eq(signInFailures.key, `email:${email}`)).limit(1)))?.count ?? 0;
  }

  it('turns it off with a current code: authenticator and recovery codes are gone, audited', async () => {
    const ctx = testCtx();
    const { principal, call } = await signedIn(ctx);
    const { secret } = await enroll(ctx, principal);
    advance(ctx, 30_000);
    await disableTwoFactor({ ...call, input: { code: totpCodeAt(secret, ctx.now) } });
    expect(await ctx.db.select().from(totpCredentials)).toEqual([]);
    expect(await ctx.db.select().from(recoveryCodes)).toEqual([]);
    expect((await twoFactorStatus(ctx, principal.user.id)).enabled).toBe(false);
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'two_factor.disabled')).toHaveLength(2);
    expect((await listAuditEvents(ctx)).at(-1)!.details).toEqual({ method: 'totp', with: 'code' });
    expect(await failures(ctx, principal.user.email)).toBe(0);
  });

  it('turns it off with a recovery code, audited as used', async () => {
    const ctx = testCtx();
    const { principal, call } = await signedIn(ctx);
    const { codes } = await enroll(ctx, principal);
    await disableTwoFactor({ ...call, input: { code: codes[3]!.toUpperCase() } });
    expect((await twoFactorStatus(ctx, principal.user.id)).enabled).toBe(false);
    const events = (await listAuditEvents(ctx)).map((e) => e.event);
    expect(events.filter((e) => e === 'two_factor.recovery_code_used')).toHaveLength(2);
    expect((await listAuditEvents(ctx)).at(-1)!.details).toEqual({ method: 'totp', with: 'recovery_code' });
  });

  it('refuses the code that confirmed enrollment: it was spent', async () => {
    const ctx = testCtx();
    const { principal, call } = await signedIn(ctx);
    const { secret } = await enroll(ctx, principal);
    const error = await rejection(() => disableTwoFactor({ ...call, input: { code: totpCodeAt(secret, ctx.now) } }));
    expect(error.fieldErrors).toEqual({ code: ['Wrong authentication code'] });
    expect((await twoFactorStatus(ctx, principal.user.id)).enabled).toBe(true);
  });

  it('wrong codes are audited and count toward the sign-in limit, then 429', async () => {
    const ctx = testCtx();
    const { principal, call } = await signedIn(ctx);
    const { secret } = await enroll(ctx, principal);
    advance(ctx, 30_000);
    const right = totpCodeAt(secret, ctx.now);
    const wrong = wrongCode(secret, ctx.now);
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      expect((await rejection(() => disableTwoFactor({ ...call, input: { code: wrong } }))).message).toBe('Wrong authentication code');
    }
    expect(await failures(ctx, principal.user.email)).toBe(ACCOUNT_LIMIT);
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'two_factor.code_failed')).toHaveLength(ACCOUNT_LIMIT * 2);
    expect((await listAuditEvents(ctx)).at(-1)!.details).toEqual({ during: 'disable' });
    expect((await rejection(() => disableTwoFactor({ ...call, input: { code: right } }))).status).toBe(429);
    expect((await twoFactorStatus(ctx, principal.user.id)).enabled).toBe(true);
  });

  it('409 when it is not on', async () => {
    const ctx = testCtx();
    const { call } = await signedIn(ctx);
    expect((await rejection(() => disableTwoFactor({ ...call, input: { code: '123456' } }))).status).toBe(409);
  });
});

describe('verifySecondFactor', () => {
  it('a recovery code works once, in any case and spacing; the others stay', async () => {
    const ctx = testCtx();
    const { principal } = await signedIn(ctx);
    const { codes } = await enroll(ctx, principal);
    const userId = principal.user.id;
    const typed = codes[0]!.toUpperCase().replace(/-/g, ' ');
    const normalized = typed.replace(/\s/g, '').toLowerCase();
    expect(await verifySecondFactor({ ctx, userId, code: normalized })).toEqual({ kind: 'recovery', recoveryCodesLeft: 9 });
    expect(await verifySecondFactor({ ctx, userId, code: normalized })).toBeNull();
    expect(await verifySecondFactor({ ctx, userId, code: codes[1]!.replace(/-/g, '') })).toEqual({ kind: 'recovery', recoveryCodesLeft: 8 });
    expect((await first(ctx.db.select().from(recoveryCodes).where(eq(recoveryCodes.codeHash, hashRecoveryCode(codes[0]!))).limit(1)))!.usedTime).toBe(
      '2026-03-01T12:00:00Z',
    );
  });

  it("another user's recovery code does not work", async () => {
    const ctx = testCtx();
    const a = await signedIn(ctx);
    const b = await signedIn(ctx);
    const { codes } = await enroll(ctx, a.principal);
    await enroll(ctx, b.principal);
    expect(await verifySecondFactor({ ctx, userId: b.principal.user.id, code: codes[0]!.replace(/-/g, '') })).toBeNull();
  });

  it('a TOTP code works once; the next step works after it', async () => {
    const ctx = testCtx();
    const { principal } = await signedIn(ctx);
    const { secret } = await enroll(ctx, principal);
    const userId = principal.user.id;
    advance(ctx, 30_000);
    const step = totpStepAt(ctx.now);
    const code = totpCodeAt(secret, ctx.now);
    expect(await verifySecondFactor({ ctx, userId, code })).toEqual({ kind: 'totp', step });
    expect(await verifySecondFactor({ ctx, userId, code })).toBeNull();
    advance(ctx, 10_000);
    expect(await verifySecondFactor({ ctx, userId, code })).toBeNull();
    expect(await verifySecondFactor({ ctx, userId, code: totpCodeForStep(secret, step + 1) })).toEqual({ kind: 'totp', step: step + 1 });
    expect((await first(ctx.db.select().from(totpCredentials).limit(1)))!.lastUsedStep).toBe(step + 1);
  });

  it('nothing works for a user whose setup is unconfirmed', async () => {
    const ctx = testCtx();
    const { principal } = await signedIn(ctx);
    const { secret } = await beginTotpEnrollment({ ctx, principal });
    expect(await verifySecondFactor({ ctx, userId: principal.user.id, code: totpCodeAt(secret, ctx.now) })).toBeNull();
  });
});
