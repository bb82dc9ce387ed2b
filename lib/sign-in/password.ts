import { eq } from 'drizzle-orm';
import { type Token, type User } from '@/db/schema';
import { passwordCredentials, users } from '@/db/tables';
import { recordUserAudit } from '@/lib/audit/record';
import type { Ctx, RequestMeta } from '@/lib/call';
import { AppError, parseInput } from '@/lib/errors';
import { allowlistOf } from '@/lib/net/cidr';
import { listMemberships } from '@/lib/model/memberships';
import { describeAllowedMethods, methodAllowed, policyOf } from '@/lib/policy/policy';
import { createToken } from '@/lib/tokens/create';
import { burnPasswordCheck, verifyPassword } from '@/lib/passwords/hash';
import { beginSignInAttempt, releaseSignInAttempt, returnSignInAttempt, signInLimits } from '@/lib/auth/rate-limit';
import { signInSchema } from './schema';
import { sessionTokenSettings } from '@/lib/auth/session';
import { hasConfirmedTotp } from '@/lib/two-factor/status';
import { OTP_REQUIRED_MESSAGE, WRONG_CODE_MESSAGE } from '@/lib/two-factor/schema';
import { verifySecondFactor } from '@/lib/two-factor/verify';
import { first } from '@/db/async';
import { inTransaction } from '@/lib/context';


export type SignInResult = { user: User; fullToken: string; token: Token };

const WRONG_CREDENTIALS = 'Wrong email or password';

/**
 * Email and password sign-in, shared by the console (next-auth's credentials provider) and
 * POST /v1/userauth. Creates the login session token that the cookie or the CLI then carries.
 * A user with a confirmed authenticator also sends `otp`, a TOTP code or a recovery code;
 * without one the right password gets `otp_required` (HTTP 510, which avn answers with a code).
 */
export async function signInWithPassword({
  ctx,
  input,
  meta,
  sessionDescription = 'Console sign-in',
}: {
  ctx: Ctx;
  input: unknown;
  meta: RequestMeta;
  /** Shown in the token list: where the sign-in happened. */
  sessionDescription?: string;
}): Promise<SignInResult> {
  const { email, password, otp } = parseInput(signInSchema, input);
  // Counted as a failure from here on, until it succeeds.
  await beginSignInAttempt(ctx, { email, ip: meta.ip }, signInLimits());

  const row = await first(
    ctx.db
      .select({ user: users, passwordHash: passwordCredentials.passwordHash })
      .from(users)
      .leftJoin(passwordCredentials, eq(passwordCredentials.userId, users.id))
      .where(eq(users.email, email))
      .limit(1),
  );
  const ok = row?.passwordHash ? await verifyPassword(row.passwordHash, password) : (await burnPasswordCheck(password), false);

  const memberships = row ? await listMemberships(ctx, row.user.id) : [];
  const orgIds = memberships.map((m) => m.organization.id);
  const audit = { actorUserId: row?.user.id ?? null, actorEmail: email, ip: meta.ip, userAgent: meta.userAgent };

  if (!row || !ok) {
    await recordUserAudit(ctx, orgIds, { ...audit, event: 'auth.sign_in_failed', details: { method: 'password', reason: 'wrong_credentials' } });
    throw new AppError('unauthorized', WRONG_CREDENTIALS);
  }
  const { user } = row;
  // The second factor comes before any other refusal: the password alone reveals no more than
  // that it is right.
  let secondFactor: 'totp' | 'recovery_code' | null = null;
  if (await hasConfirmedTotp(ctx, user.id)) {
    if (otp === undefined) {
      // Not a guess, and not a success: avn always asks once without a code.
      await returnSignInAttempt(ctx, { email, ip: meta.ip });
      throw new AppError('otp_required', OTP_REQUIRED_MESSAGE);
    }
    const verified = await verifySecondFactor({ ctx, userId: user.id, code: otp });
    if (!verified) {
      // The attempt stays counted: codes are guessed under the same limits as passwords.
      await recordUserAudit(ctx, orgIds, { ...audit, event: 'two_factor.code_failed', details: { during: 'sign_in', method: 'password' } });
      throw new AppError('unauthorized', WRONG_CODE_MESSAGE);
    }
    secondFactor = verified.kind === 'totp' ? 'totp' : 'recovery_code';
    if (verified.kind === 'recovery') {
      await recordUserAudit(ctx, orgIds, {
        ...audit,
        event: 'two_factor.recovery_code_used',
        details: { during: 'sign_in', recovery_codes_left: verified.recoveryCodesLeft },
      });
    }
  }
  // The password (and code) were right: whatever happens next is not a guess.
  await releaseSignInAttempt(ctx, { email, ip: meta.ip });
  const refuse = async (reason: string, error: AppError): Promise<never> => {
    await recordUserAudit(ctx, orgIds, { ...audit, event: 'auth.sign_in_failed', details: { method: 'password', reason } });
    throw error;
  };
  if (user.state !== 'active') await refuse('deactivated', new AppError('forbidden', 'This user account is deactivated'));
  // A member must be let in by at least one of their organizations (password sign-in allowed,
  // address in its allowlist); the request gate then holds each organization's own policy for
  // its resources.
  if (memberships.length > 0) {
    const allowing = memberships.filter((m) => methodAllowed(policyOf(m.organization), 'password'));
    if (allowing.length === 0) {
      const [first] = memberships;
      const who =
        memberships.length === 1
          ? `Organization "${first!.organization.name}" does not allow`
          : 'None of your organizations allows';
      await refuse(
        'method_not_allowed',
        new AppError('forbidden', `${who} sign-in with a password. ${describeAllowedMethods(policyOf(first!.organization))}`),
      );
    }
    if (!allowing.some((m) => allowlistOf(m.organization.ipAllowlist).admits(meta.ip))) {
      await refuse(
        'ip_not_allowed',
        new AppError('forbidden', `IP address ${meta.ip ?? 'unknown'} is not in your organization's IP allowlist`),
      );
    }
  }

  return await inTransaction(ctx, async (ctx) => {
    const created = await createToken({
      ctx,
      input: {
        userId: user.id,
        kind: 'session',
        authMethod: 'password',
        description: sessionDescription,
        createdManually: false,
        ...sessionTokenSettings(),
      },
    });
    await recordUserAudit(ctx, orgIds, {
      ...audit,
      event: 'auth.sign_in',
      details: {
        method: 'password',
        token_prefix: created.token.tokenPrefix,
        ...(secondFactor ? { second_factor: secondFactor } : {}),
      },
    });
    return { user, fullToken: created.fullToken, token: created.token };
  });
}
