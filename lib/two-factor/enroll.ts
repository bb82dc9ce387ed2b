import { and, eq, isNull, ne } from 'drizzle-orm';
import { recoveryCodes, tokens, totpCredentials } from '@/db/schema';
import { audit, type Call } from '@/lib/call';
import { iso, type Ctx } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { beginSignInAttempt, returnSignInAttempt, signInLimits } from '@/lib/auth/rate-limit';
import { generateRecoveryCodes, hashRecoveryCode } from './recovery-codes';
import { generateTotpSecret, matchTotpStep, totpUri } from './totp';
import { confirmTotpSchema, disableTwoFactorSchema, WRONG_CODE_MESSAGE } from './schema';
import { verifySecondFactor } from './verify';

// Setting up and turning off a TOTP authenticator (Profile → Authentication). Each function
// acts on the caller's own credential only.

function wrongCode(): AppError {
  return new AppError('bad_request', WRONG_CODE_MESSAGE, { code: [WRONG_CODE_MESSAGE] });
}

function credentialOf(ctx: Ctx, userId: string) {
  return ctx.db.select().from(totpCredentials).where(eq(totpCredentials.userId, userId)).get();
}

export type PendingEnrollment = { secret: string; uri: string };

/**
 * Starts enrollment: a new secret, stored unconfirmed until a code proves the authenticator
 * has it. Starting again replaces an unconfirmed secret; a confirmed one must be turned off first.
 */
export function beginTotpEnrollment({ ctx, principal }: Pick<Call, 'ctx' | 'principal'>): PendingEnrollment {
  const userId = principal.user.id;
  if (credentialOf(ctx, userId)?.confirmedTime) {
    throw new AppError('conflict', 'Two-factor authentication is already on. Turn it off first to set up another authenticator.');
  }
  const secret = generateTotpSecret();
  const values = { secret, confirmedTime: null, lastUsedStep: null, createTime: iso(ctx.now) };
  ctx.db
    .insert(totpCredentials)
    .values({ userId, ...values })
    .onConflictDoUpdate({ target: totpCredentials.userId, set: values })
    .run();
  return { secret, uri: totpUri({ secret, account: principal.user.email }) };
}

export type ConfirmedEnrollment = {
  /** Shown once; only their hashes are stored. */
  recoveryCodes: string[];
  /** Other password sessions signed out (see below). */
  sessionsRevoked: number;
};

/**
 * Confirms enrollment with a code from the authenticator, then issues new recovery codes.
 *
 * The user's other password sessions are revoked: they were made with the password alone,
 * and once an authenticator is confirmed a password session counts as two-factor (see
 * lib/two-factor/status.ts). Without this, a session someone signed in with a stolen password
 * while the owner had no authenticator would gain full access the moment the owner enrolls.
 * The session confirming the code stays: it has just shown the second factor.
 */
export function confirmTotpEnrollment(call: Call & { input: unknown }): ConfirmedEnrollment {
  const { ctx, principal } = call;
  const { code } = parseInput(confirmTotpSchema, call.input);
  const userId = principal.user.id;
  const credential = credentialOf(ctx, userId);
  if (!credential) throw new AppError('conflict', 'Start the setup again: no authenticator is waiting to be confirmed.');
  if (credential.confirmedTime) throw new AppError('conflict', 'Two-factor authentication is already on.');

  const step = matchTotpStep({ secret: credential.secret, code, now: ctx.now, lastUsedStep: null });
  if (step === null) {
    audit(call, 'two_factor.code_failed', { during: 'enrollment' });
    throw wrongCode();
  }
  const codes = generateRecoveryCodes();
  return ctx.db.transaction(() => {
    const confirmed = ctx.db
      .update(totpCredentials)
      .set({ confirmedTime: iso(ctx.now), lastUsedStep: step })
      // The secret that was checked, still unconfirmed: a restarted setup in between wins.
      .where(and(eq(totpCredentials.userId, userId), eq(totpCredentials.secret, credential.secret), isNull(totpCredentials.confirmedTime)))
      .run();
    if (confirmed.changes !== 1) throw new AppError('conflict', 'The setup changed meanwhile. Start it again.');
    ctx.db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)).run();
    ctx.db
      .insert(recoveryCodes)
      .values(codes.map((c) => ({ userId, codeHash: hashRecoveryCode(c) })))
      .run();
    const revoked = ctx.db
      .delete(tokens)
      .where(
        and(
          eq(tokens.userId, userId),
          eq(tokens.kind, 'session'),
          eq(tokens.authMethod, 'password'),
          ne(tokens.id, principal.token.id),
        ),
      )
      .run().changes;
    audit(call, 'two_factor.enrolled', { method: 'totp', recovery_codes: codes.length, sessions_revoked: revoked });
    return { recoveryCodes: codes, sessionsRevoked: revoked };
  });
}

/**
 * Turns two-factor authentication off, with a current code or an unused recovery code.
 * Wrong codes count toward the sign-in limits: a stolen session must not be able to guess its
 * way to turning the second factor off.
 */
export function disableTwoFactor(call: Call & { input: unknown }): void {
  const { ctx, principal, meta } = call;
  const { code } = parseInput(disableTwoFactorSchema, call.input);
  const userId = principal.user.id;
  if (!credentialOf(ctx, userId)?.confirmedTime) throw new AppError('conflict', 'Two-factor authentication is not on.');

  const attempt = { email: principal.user.email, ip: meta.ip };
  beginSignInAttempt(ctx, attempt, signInLimits());
  const disabled = ctx.db.transaction(() => {
    const verified = verifySecondFactor({ ctx, userId, code });
    if (!verified) {
      // The attempt stays counted as a failure.
      audit(call, 'two_factor.code_failed', { during: 'disable' });
      return false;
    }
    returnSignInAttempt(ctx, attempt);
    if (verified.kind === 'recovery') {
      audit(call, 'two_factor.recovery_code_used', { during: 'disable', recovery_codes_left: verified.recoveryCodesLeft });
    }
    ctx.db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)).run();
    ctx.db.delete(totpCredentials).where(eq(totpCredentials.userId, userId)).run();
    audit(call, 'two_factor.disabled', { method: 'totp', with: verified.kind === 'totp' ? 'code' : 'recovery_code' });
    return true;
  });
  if (!disabled) throw wrongCode();
}
