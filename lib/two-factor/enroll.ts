import { and, eq, isNull, ne } from 'drizzle-orm';
import { recoveryCodes, tokens, totpCredentials } from '@/db/tables';
import { audit, type Call } from '@/lib/call';
import { type Ctx, inTransaction, iso } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { beginSignInAttempt, returnSignInAttempt, signInLimits } from '@/lib/auth/rate-limit';
import { generateRecoveryCodes, hashRecoveryCode } from './recovery-codes';
import { generateTotpSecret, matchTotpStep, totpUri } from './totp';
import { confirmTotpSchema, disableTwoFactorSchema, WRONG_CODE_MESSAGE } from './schema';
import { verifySecondFactor } from './verify';
import { affectedRows, first } from '@/db/async';

// Setting up and turning off a TOTP authenticator (Profile → Authentication). Each function
// acts on the caller's own credential only.

function wrongCode(): AppError {
  return new AppError('bad_request', WRONG_CODE_MESSAGE, { code: [WRONG_CODE_MESSAGE] });
}

async function credentialOf(ctx: Ctx, userId: string) {
  return await first(ctx.db.select().from(totpCredentials).where(eq(totpCredentials.userId, userId)).limit(1));
}

export type PendingEnrollment = { secret: string; uri: string };

/**
 * Starts enrollment: a new secret, stored unconfirmed until a code proves the authenticator
 * has it. Starting again replaces an unconfirmed secret; a confirmed one must be turned off first.
 */
export async function beginTotpEnrollment({ ctx, principal }: Pick<Call, 'ctx' | 'principal'>): Promise<PendingEnrollment> {
  const userId = principal.user.id;
  if ((await credentialOf(ctx, userId))?.confirmedTime) {
    throw new AppError('conflict', 'Two-factor authentication is already on. Turn it off first to set up another authenticator.');
  }
  const secret = generateTotpSecret();
  const values = { secret, confirmedTime: null, lastUsedStep: null, createTime: iso(ctx.now) };
  await ctx.db
    .insert(totpCredentials)
    .values({ userId, ...values })
    .onConflictDoUpdate({ target: totpCredentials.userId, set: values });
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
export async function confirmTotpEnrollment(call: Call & { input: unknown }): Promise<ConfirmedEnrollment> {
  const { ctx, principal } = call;
  const { code } = parseInput(confirmTotpSchema, call.input);
  const userId = principal.user.id;
  const credential = await credentialOf(ctx, userId);
  if (!credential) throw new AppError('conflict', 'Start the setup again: no authenticator is waiting to be confirmed.');
  if (credential.confirmedTime) throw new AppError('conflict', 'Two-factor authentication is already on.');

  const step = matchTotpStep({ secret: credential.secret, code, now: ctx.now, lastUsedStep: null });
  if (step === null) {
    await audit(call, 'two_factor.code_failed', { during: 'enrollment' });
    throw wrongCode();
  }
  const codes = generateRecoveryCodes();
  return await inTransaction(ctx, async (ctx) => {
    const confirmed = await ctx.db
      .update(totpCredentials)
      .set({ confirmedTime: iso(ctx.now), lastUsedStep: step })
      // The secret that was checked, still unconfirmed: a restarted setup in between wins.
      .where(and(eq(totpCredentials.userId, userId), eq(totpCredentials.secret, credential.secret), isNull(totpCredentials.confirmedTime)));
    if (affectedRows(confirmed) !== 1) throw new AppError('conflict', 'The setup changed meanwhile. Start it again.');
    await ctx.db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    await ctx.db
      .insert(recoveryCodes)
      .values(codes.map((c) => ({ userId, codeHash: hashRecoveryCode(c) })));
    const revoked = affectedRows(await ctx.db
      .delete(tokens)
      .where(
        and(
          eq(tokens.userId, userId),
          eq(tokens.kind, 'session'),
          eq(tokens.authMethod, 'password'),
          ne(tokens.id, principal.token.id),
        ),
      ));
    await audit({ ...call, ctx }, 'two_factor.enrolled', { method: 'totp', recovery_codes: codes.length, sessions_revoked: revoked });
    return { recoveryCodes: codes, sessionsRevoked: revoked };
  });
}

/**
 * Turns two-factor authentication off, with a current code or an unused recovery code.
 * Wrong codes count toward the sign-in limits: a stolen session must not be able to guess its
 * way to turning the second factor off.
 */
export async function disableTwoFactor(call: Call & { input: unknown }): Promise<void> {
  const { ctx, principal, meta } = call;
  const { code } = parseInput(disableTwoFactorSchema, call.input);
  const userId = principal.user.id;
  if (!(await credentialOf(ctx, userId))?.confirmedTime) throw new AppError('conflict', 'Two-factor authentication is not on.');

  const attempt = { email: principal.user.email, ip: meta.ip };
  await beginSignInAttempt(ctx, attempt, signInLimits());
  const disabled = await inTransaction(ctx, async (ctx) => {
    const verified = await verifySecondFactor({ ctx, userId, code });
    if (!verified) {
      // The attempt stays counted as a failure.
      await audit({ ...call, ctx }, 'two_factor.code_failed', { during: 'disable' });
      return false;
    }
    await returnSignInAttempt(ctx, attempt);
    if (verified.kind === 'recovery') {
      await audit({ ...call, ctx }, 'two_factor.recovery_code_used', { during: 'disable', recovery_codes_left: verified.recoveryCodesLeft });
    }
    await ctx.db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    await ctx.db.delete(totpCredentials).where(eq(totpCredentials.userId, userId));
    await audit({ ...call, ctx }, 'two_factor.disabled', { method: 'totp', with: verified.kind === 'totp' ? 'code' : 'recovery_code' });
    return true;
  });
  if (!disabled) throw wrongCode();
}
