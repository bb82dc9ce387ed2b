import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { recoveryCodes, signInFailures, tokens, totpCredentials } from '@/db/schema';
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

const META = { ip: '203.0.113.9', userAgent: 'vitest' };


/** A member of two organizations, signed in to the console with a password session. */
function signedIn(ctx: Ctx) {
  const user = seedUser(ctx);
  const orgs = [seedOrganization(ctx), seedOrganization(ctx)];
  for (const org of orgs) seedMembership(ctx, { organizationId: org.id, userId: user.id });
  const { token } = seedToken(ctx, user.id, { kind: 'session', createdManually: false });
  const principal: Principal = { user, token, memberships: listMemberships(ctx, user.id) };
  return { principal, orgs, call: { ctx, principal, meta: META } };
}

/** A well-formed code that is not the code of any step in the window around now. */
function wrongCode(secret: string, now: Date): string {
  const step = totpStepAt(now);
  const valid = new Set([-1, 0, 1].map((d) => totpCodeForStep(secret, step + d)));
  return ['000000', '111111', '222222', '333333'].find((c) => !valid.has(c))!;
}

function enroll(ctx: Ctx, principal: Principal) {
  const { secret } = beginTotpEnrollment({ ctx, principal });
  const { recoveryCodes: codes } = confirmTotpEnrollment({ ctx, principal, meta: META, input: { code: totpCodeAt(secret, ctx.now) } });
  return { secret, codes };
}

describe('beginTotpEnrollment', () => {
  it('stores a new, unconfirmed secret and returns its key URI', () => {
    const ctx = testCtx();
    const { principal } = signedIn(ctx);
    const { secret, uri } = beginTotpEnrollment({ ctx, principal });
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(uri).toContain(`secret=${secret}`);
    expect(uri).toContain(encodeURIComponent(principal.user.email));
    expect(ctx.db.select().from(totpCredentials).all()).toMatchObject([
      { userId: principal.user.id, secret, confirmedTime: null, lastUsedStep: null },
    ]);
    expect(twoFactorStatus(ctx, principal.user.id).enabled).toBe(false);
  });

  it('starting again replaces the unconfirmed secret', () => {
    const ctx = testCtx();
    const { principal } = signedIn(ctx);
    const first = beginTotpEnrollment({ ctx, principal });
    const second = beginTotpEnrollment({ ctx, principal });
    expect(second.secret).not.toBe(first.secret);
    expect(ctx.db.select().from(totpCredentials).all()).toMatchObject([{ secret: second.secret }]);
    // The first secret's code no longer confirms.
    const error = rejection(() =>
      confirmTotpEnrollment({ ctx, principal, meta: META, input: { code: totpCodeAt(first.secret, ctx.now) } }),
    );
    expect(error.message).toBe('Wrong authentication code');
  });

  it('refuses while an authenticator is confirmed (409)', () => {
    const ctx = testCtx();
    const { principal } = signedIn(ctx);
    const { secret } = enroll(ctx, principal);
    const error = rejection(() => beginTotpEnrollment({ ctx, principal }));
    expect(error.status).toBe(409);
    expect(ctx.db.select().from(totpCredentials).get()!.secret).toBe(secret);
  });
});

describe('confirmTotpEnrollment', () => {
  it('confirms with a current code, spends its step and issues ten hashed recovery codes, shown once', () => {
    const ctx = testCtx();
    const { principal, orgs } = signedIn(ctx);
    const { secret, codes } = enroll(ctx, principal);

    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
    const stored = ctx.db.select().from(recoveryCodes).all();
    expect(stored.map((r) => r.codeHash).sort()).toEqual(codes.map(hashRecoveryCode).sort());
    const dump = dumpDatabase(ctx);
    for (const code of codes) expect(dump).not.toContain(code.replace(/-/g, ''));

    expect(ctx.db.select().from(totpCredentials).get()).toMatchObject({
      secret,
      confirmedTime: '2026-03-01T12:00:00Z',
      lastUsedStep: totpStepAt(ctx.now),
    });
    expect(twoFactorStatus(ctx, principal.user.id)).toEqual({ enabled: true, since: '2026-03-01T12:00:00Z', recoveryCodesLeft: 10 });
    // The confirming code cannot sign in afterwards.
    expect(verifySecondFactor({ ctx, userId: principal.user.id, code: totpCodeAt(secret, ctx.now) })).toBeNull();

    expect(listAuditEvents(ctx).map((e) => [e.event, e.organizationId])).toEqual([
      ['two_factor.enrolled', orgs[0]!.id],
      ['two_factor.enrolled', orgs[1]!.id],
    ]);
    expect(listAuditEvents(ctx)[0]).toMatchObject({
      actorUserId: principal.user.id,
      ip: META.ip,
      details: { method: 'totp', recovery_codes: 10, sessions_revoked: 0 },
    });
  });

  it('accepts the previous and next step (clock drift), not two steps off', () => {
    for (const [delta, ok] of [[-1, true], [1, true], [-2, false], [2, false]] as const) {
      const ctx = testCtx();
      const { principal } = signedIn(ctx);
      const { secret } = beginTotpEnrollment({ ctx, principal });
      const code = totpCodeForStep(secret, totpStepAt(ctx.now) + delta);
      const confirm = () => confirmTotpEnrollment({ ctx, principal, meta: META, input: { code } });
      if (ok) expect(confirm().recoveryCodes).toHaveLength(10);
      else expect(rejection(confirm).message).toBe('Wrong authentication code');
    }
  });

  it('a wrong code is a field error, audited, and changes nothing', () => {
    const ctx = testCtx();
    const { principal } = signedIn(ctx);
    const { secret } = beginTotpEnrollment({ ctx, principal });
    const wrong = wrongCode(secret, ctx.now);
    const error = rejection(() => confirmTotpEnrollment({ ctx, principal, meta: META, input: { code: wrong } }));
    expect(error.status).toBe(400);
    expect(error.fieldErrors).toEqual({ code: ['Wrong authentication code'] });
    expect(ctx.db.select().from(totpCredentials).get()!.confirmedTime).toBeNull();
    expect(ctx.db.select().from(recoveryCodes).all()).toEqual([]);
    expect(listAuditEvents(ctx).map((e) => [e.event, e.details])).toEqual([
      ['two_factor.code_failed', { during: 'enrollment' }],
      ['two_factor.code_failed', { during: 'enrollment' }],
    ]);
  });

  it.each([['12345'], ['abcdef'], ['abcd-efgh-2345-wxyz']])('%j is refused by the schema: 400 on the code field', (code) => {
    const ctx = testCtx();
    const { principal } = signedIn(ctx);
    beginTotpEnrollment({ ctx, principal });
    const error = rejection(() => confirmTotpEnrollment({ ctx, principal, meta: META, input: { code } }));
    expect(error.status).toBe(400);
    expect(error.fieldErrors.code).toEqual(['Enter the 6-digit code from your authenticator app']);
  });

  it('409 without a setup in progress, or once confirmed', () => {
    const ctx = testCtx();
    const { principal } = signedIn(ctx);
    expect(rejection(() => confirmTotpEnrollment({ ctx, principal, meta: META, input: { code: '123456' } })).status).toBe(409);
    const { secret } = enroll(ctx, principal);
    advance(ctx, 30_000);
    const again = () => confirmTotpEnrollment({ ctx, principal, meta: META, input: { code: totpCodeAt(secret, ctx.now) } });
    expect(rejection(again).status).toBe(409);
  });

  it("signs out the user's other password sessions, keeps this one, personal tokens and SSO sessions", () => {
    const ctx = testCtx();
    const { principal } = signedIn(ctx);
    const userId = principal.user.id;
    const otherSession = seedToken(ctx, userId, { kind: 'session', createdManually: false });
    const ssoSession = seedToken(ctx, userId, { kind: 'session', authMethod: 'saml', createdManually: false });
    const personal = seedToken(ctx, userId);
    const someoneElse = seedToken(ctx, seedUser(ctx).id, { kind: 'session', createdManually: false });

    const { secret } = beginTotpEnrollment({ ctx, principal });
    const result = confirmTotpEnrollment({ ctx, principal, meta: META, input: { code: totpCodeAt(secret, ctx.now) } });
    expect(result.sessionsRevoked).toBe(1);
    const left = ctx.db.select({ id: tokens.id }).from(tokens).all().map((t) => t.id);
    expect(left.sort()).toEqual([principal.token.id, ssoSession.token.id, personal.token.id, someoneElse.token.id].sort());
    expect(left).not.toContain(otherSession.token.id);
  });
});

describe('disableTwoFactor', () => {
  function failures(ctx: Ctx, email: string) {
    return ctx.db.select().from(signInFailures).where(eq(signInFailures.key, `email:${email}`)).get()?.count ?? 0;
  }

  it('turns it off with a current code: authenticator and recovery codes are gone, audited', () => {
    const ctx = testCtx();
    const { principal, call } = signedIn(ctx);
    const { secret } = enroll(ctx, principal);
    advance(ctx, 30_000);
    disableTwoFactor({ ...call, input: { code: totpCodeAt(secret, ctx.now) } });
    expect(ctx.db.select().from(totpCredentials).all()).toEqual([]);
    expect(ctx.db.select().from(recoveryCodes).all()).toEqual([]);
    expect(twoFactorStatus(ctx, principal.user.id).enabled).toBe(false);
    expect(listAuditEvents(ctx).filter((e) => e.event === 'two_factor.disabled')).toHaveLength(2);
    expect(listAuditEvents(ctx).at(-1)!.details).toEqual({ method: 'totp', with: 'code' });
    expect(failures(ctx, principal.user.email)).toBe(0);
  });

  it('turns it off with a recovery code, audited as used', () => {
    const ctx = testCtx();
    const { principal, call } = signedIn(ctx);
    const { codes } = enroll(ctx, principal);
    disableTwoFactor({ ...call, input: { code: codes[3]!.toUpperCase() } });
    expect(twoFactorStatus(ctx, principal.user.id).enabled).toBe(false);
    const events = listAuditEvents(ctx).map((e) => e.event);
    expect(events.filter((e) => e === 'two_factor.recovery_code_used')).toHaveLength(2);
    expect(listAuditEvents(ctx).at(-1)!.details).toEqual({ method: 'totp', with: 'recovery_code' });
  });

  it('refuses the code that confirmed enrollment: it was spent', () => {
    const ctx = testCtx();
    const { principal, call } = signedIn(ctx);
    const { secret } = enroll(ctx, principal);
    const error = rejection(() => disableTwoFactor({ ...call, input: { code: totpCodeAt(secret, ctx.now) } }));
    expect(error.fieldErrors).toEqual({ code: ['Wrong authentication code'] });
    expect(twoFactorStatus(ctx, principal.user.id).enabled).toBe(true);
  });

  it('wrong codes are audited and count toward the sign-in limit, then 429', () => {
    const ctx = testCtx();
    const { principal, call } = signedIn(ctx);
    const { secret } = enroll(ctx, principal);
    advance(ctx, 30_000);
    const right = totpCodeAt(secret, ctx.now);
    const wrong = wrongCode(secret, ctx.now);
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      expect(rejection(() => disableTwoFactor({ ...call, input: { code: wrong } })).message).toBe('Wrong authentication code');
    }
    expect(failures(ctx, principal.user.email)).toBe(ACCOUNT_LIMIT);
    expect(listAuditEvents(ctx).filter((e) => e.event === 'two_factor.code_failed')).toHaveLength(ACCOUNT_LIMIT * 2);
    expect(listAuditEvents(ctx).at(-1)!.details).toEqual({ during: 'disable' });
    expect(rejection(() => disableTwoFactor({ ...call, input: { code: right } })).status).toBe(429);
    expect(twoFactorStatus(ctx, principal.user.id).enabled).toBe(true);
  });

  it('409 when it is not on', () => {
    const ctx = testCtx();
    const { call } = signedIn(ctx);
    expect(rejection(() => disableTwoFactor({ ...call, input: { code: '123456' } })).status).toBe(409);
  });
});

describe('verifySecondFactor', () => {
  it('a recovery code works once, in any case and spacing; the others stay', () => {
    const ctx = testCtx();
    const { principal } = signedIn(ctx);
    const { codes } = enroll(ctx, principal);
    const userId = principal.user.id;
    const typed = codes[0]!.toUpperCase().replace(/-/g, ' ');
    const normalized = typed.replace(/\s/g, '').toLowerCase();
    expect(verifySecondFactor({ ctx, userId, code: normalized })).toEqual({ kind: 'recovery', recoveryCodesLeft: 9 });
    expect(verifySecondFactor({ ctx, userId, code: normalized })).toBeNull();
    expect(verifySecondFactor({ ctx, userId, code: codes[1]!.replace(/-/g, '') })).toEqual({ kind: 'recovery', recoveryCodesLeft: 8 });
    expect(ctx.db.select().from(recoveryCodes).where(eq(recoveryCodes.codeHash, hashRecoveryCode(codes[0]!))).get()!.usedTime).toBe(
      '2026-03-01T12:00:00Z',
    );
  });

  it("another user's recovery code does not work", () => {
    const ctx = testCtx();
    const a = signedIn(ctx);
    const b = signedIn(ctx);
    const { codes } = enroll(ctx, a.principal);
    enroll(ctx, b.principal);
    expect(verifySecondFactor({ ctx, userId: b.principal.user.id, code: codes[0]!.replace(/-/g, '') })).toBeNull();
  });

  it('a TOTP code works once; the next step works after it', () => {
    const ctx = testCtx();
    const { principal } = signedIn(ctx);
    const { secret } = enroll(ctx, principal);
    const userId = principal.user.id;
    advance(ctx, 30_000);
    const step = totpStepAt(ctx.now);
    const code = totpCodeAt(secret, ctx.now);
    expect(verifySecondFactor({ ctx, userId, code })).toEqual({ kind: 'totp', step });
    expect(verifySecondFactor({ ctx, userId, code })).toBeNull();
    advance(ctx, 10_000);
    expect(verifySecondFactor({ ctx, userId, code })).toBeNull();
    expect(verifySecondFactor({ ctx, userId, code: totpCodeForStep(secret, step + 1) })).toEqual({ kind: 'totp', step: step + 1 });
    expect(ctx.db.select().from(totpCredentials).get()!.lastUsedStep).toBe(step + 1);
  });

  it('nothing works for a user whose setup is unconfirmed', () => {
    const ctx = testCtx();
    const { principal } = signedIn(ctx);
    const { secret } = beginTotpEnrollment({ ctx, principal });
    expect(verifySecondFactor({ ctx, userId: principal.user.id, code: totpCodeAt(secret, ctx.now) })).toBeNull();
  });
});
