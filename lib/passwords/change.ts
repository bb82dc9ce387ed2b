import { and, eq, inArray, ne } from 'drizzle-orm';
import { passwordCredentials, tokens } from '@/db/tables';
import { recordUserAudit } from '@/lib/audit/record';
import type { Call, MembershipWithOrg } from '@/lib/call';
import { type Ctx, inTransaction, iso } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { describeAllowedMethods, methodAllowed, policyOf } from '@/lib/policy/policy';
import { hashPassword, verifyPassword } from './hash';
import { changePasswordSchema } from './schema';
import { beginSignInAttempt, releaseSignInAttempt, signInLimits } from '@/lib/auth/rate-limit';
import { affectedRows, first } from '@/db/async';

// Profile → Authentication → Change password, and PUT /v1/me/password (avn user password-change).
//
// THE RULES:
// - Only a login session changes the password (the console's cookie, or the token `avn user login`
//   made), never a personal or application token: a leaked token, however scoped, must not
//   become the account (GitHub asks for the password, whatever token a request carries).
// - With a password: the current one is checked under the sign-in limits (a wrong one is 403 and
//   counts as a failed sign-in, so a stolen session cannot guess it), and the new one must differ.
// - Without a password (SSO or third-party only): a password may be set only where one of the
//   user's organizations allows password sign-in (or the user belongs to none: sign-in then allows
//   passwords too), and only from a session that began within RECENT_SIGN_IN_MS, the stand-in for
//   the current password: whoever sat down at an open console an hour later cannot add a way in.
// - A change ends every other login session of the user; personal tokens stay unless the user
//   asks to revoke them too. The session that made the change stays.

/** How recent the sign-in must be for a user without a password to set one: 10 minutes. */
export const RECENT_SIGN_IN_MS = 10 * 60 * 1000;

export type PasswordChanged = {
  /** True when the user had no password before. */
  firstPassword: boolean;
  /** Other login sessions ended. */
  sessionsEnded: number;
  /** Personal tokens revoked (only when asked for). */
  personalTokensRevoked: number;
};

/**
 * Whether a user of these organizations may have a password at all: one of them allows password
 * sign-in, or there are none (sign-in allows passwords to users of no organization).
 */
export function passwordAllowedFor(memberships: readonly MembershipWithOrg[]): boolean {
  return memberships.length === 0 || memberships.some((m) => methodAllowed(policyOf(m.organization), 'password'));
}

/** The refusal for a user whose organizations all forbid password sign-in. */
export function passwordNotAllowedMessage(memberships: readonly MembershipWithOrg[], doing: string): string {
  const [first] = memberships;
  const who = memberships.length === 1 ? `Organization "${first!.organization.name}" does not allow` : 'None of your organizations allows';
  return `${who} sign-in with a password, so you cannot ${doing}. ${describeAllowedMethods(policyOf(first!.organization))}`;
}

export const SESSION_REQUIRED_MESSAGE =
  'Changing your password needs a login session (sign in to the console, or avn user login): a personal or application token cannot change it';

export const WRONG_CURRENT_PASSWORD = 'Wrong current password';

/** Ends the user's login sessions except `keepTokenId`, and their personal tokens if asked. */
export async function endSessionsOf(
  ctx: Ctx,
  userId: string,
  { keepTokenId = null, personalTokens }: { keepTokenId?: string | null; personalTokens: boolean },
): Promise<{ sessionsEnded: number; personalTokensRevoked: number }> {
  const end = async (kind: 'session' | 'personal') =>
    affectedRows(await ctx.db
      .delete(tokens)
      .where(and(eq(tokens.userId, userId), inArray(tokens.kind, [kind]), keepTokenId ? ne(tokens.id, keepTokenId) : undefined)));
  return { sessionsEnded: await end('session'), personalTokensRevoked: personalTokens ? await end('personal') : 0 };
}

export async function changePassword({
  ctx,
  principal,
  meta,
  input,
}: Call & { input: unknown }): Promise<PasswordChanged> {
  const { password, new_password: newPassword, revoke_tokens: revokeTokens = false } = parseInput(changePasswordSchema, input);
  const { user, token, memberships } = principal;
  if (token.kind !== 'session' || user.isApplicationUser) throw new AppError('forbidden', SESSION_REQUIRED_MESSAGE);
  const orgIds = memberships.map((m) => m.organization.id);
  const audit = { actorUserId: user.id, actorEmail: user.email, ip: meta.ip, userAgent: meta.userAgent };

  const current = await first(
    ctx.db
      .select({ passwordHash: passwordCredentials.passwordHash })
      .from(passwordCredentials)
      .where(eq(passwordCredentials.userId, user.id))
      .limit(1),
  );

  if (current) {
    if (!password) throw new AppError('bad_request', 'Enter your current password', { password: ['Enter your current password'] });
    // Counted as a failed sign-in until the password proves right: a stolen session cannot guess
    // the password here any faster than at the sign-in page.
    const attempt = { email: user.email, ip: meta.ip };
    await beginSignInAttempt(ctx, attempt, signInLimits());
    if (!(await verifyPassword(current.passwordHash, password))) {
      await recordUserAudit(ctx, orgIds, { ...audit, event: 'user.password_change_failed', details: { reason: 'wrong_password' } });
      throw new AppError('forbidden', WRONG_CURRENT_PASSWORD, { password: [WRONG_CURRENT_PASSWORD] });
    }
    await releaseSignInAttempt(ctx, attempt);
    // Compared only once the current password is known right: otherwise this would test guesses
    // of the current password without the limits.
    if (newPassword === password) {
      const message = 'Choose a new password: this is your current one';
      throw new AppError('bad_request', message, { new_password: [message] });
    }
  } else {
    if (!passwordAllowedFor(memberships)) {
      throw new AppError('forbidden', passwordNotAllowedMessage(memberships, 'set one'));
    }
    const age = ctx.now.getTime() - Date.parse(token.createTime);
    if (!(age <= RECENT_SIGN_IN_MS)) {
      throw new AppError(
        'forbidden',
        `To set a password, sign in again first: the sign-in must be less than 10 minutes old, and this session began at ${token.createTime}`,
      );
    }
  }

  // Hashed outside the transaction: hashing is slow and must not hold the write lock.
  const passwordHash = await hashPassword(newPassword);
  return await inTransaction(ctx, async (ctx) => {
    const now = iso(ctx.now);
    const written = current
      ? affectedRows(await ctx.db
          .update(passwordCredentials)
          .set({ passwordHash, updateTime: now })
          // Only over the password that was checked: a change in between wins.
          .where(and(eq(passwordCredentials.userId, user.id), eq(passwordCredentials.passwordHash, current.passwordHash))))
      : affectedRows(await ctx.db.insert(passwordCredentials).values({ userId: user.id, passwordHash, updateTime: now }).onConflictDoNothing());
    if (written !== 1) throw new AppError('conflict', 'Your password changed meanwhile: reload and try again');
    const ended = await endSessionsOf(ctx, user.id, { keepTokenId: token.id, personalTokens: revokeTokens });
    await recordUserAudit(ctx, orgIds, {
      ...audit,
      event: 'user.password_changed',
      details: {
        first_password: !current,
        sessions_ended: ended.sessionsEnded,
        personal_tokens_revoked: ended.personalTokensRevoked,
        token_prefix: token.tokenPrefix,
      },
    });
    return { firstPassword: !current, ...ended };
  });
}
