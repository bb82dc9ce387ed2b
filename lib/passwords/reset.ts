import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { type PasswordReset, type User } from '@/db/schema';
import { passwordCredentials, passwordResets, users } from '@/db/tables';
import { recordUserAudit } from '@/lib/audit/record';
import { endSessionsOf, passwordAllowedFor, passwordNotAllowedMessage } from '@/lib/passwords/change';
import { hashPassword } from '@/lib/passwords/hash';
import { completePasswordResetSchema, requestPasswordResetSchema } from '@/lib/passwords/schema';
import { clearAccountFailures, passwordResetLimits, takePasswordResetRequest } from '@/lib/auth/rate-limit';
import type { RequestMeta } from '@/lib/call';
import { type Ctx, inTransaction, iso } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { newRowId } from '@/lib/ids';
import { sendMail, type SmtpSettings } from '@/lib/mail/smtp';
import { listMemberships } from '@/lib/model/memberships';
import { publicBaseUrl } from '@/lib/http/public-url';
import { hashToken } from '@/lib/tokens/token';
import { markEmailProven } from '@/lib/model/proven';
import { affectedRows, first } from '@/db/async';

// Password reset: a single-use link, valid for one hour, that sets a new password. The person
// asks for it by address (it is mailed to that address), or the operator prints one on the
// server host (npm run admin). Only the SHA-256 of the link's secret is stored, so a copy of the
// database opens no account; a link is spent when used, and only the newest link of a user works.
//
// THE RULES:
// - Asking answers the same (status, body, and no mail wait) whether or not the address has an
//   account, and is limited per address typed and per client address (lib/auth/rate-limit.ts).
// - The link names its account; nothing in the request can point it at another. It is refused
//   once used, after an hour, or when the account's address is no longer the one it was made for.
// - Using it sets the password, ends EVERY login session of the account (whoever held one may be
//   why the password is reset), and leaves two-factor authentication as it is: the next password
//   sign-in still asks for the code. Personal tokens stay (GitHub keeps them too), except when
//   this reset is what proves the address: then whoever made them may not be the address's owner.
// - A link the person asked for went to the account's address, so using it proves that address
//   (users.email_verified_time, how `mailed_link`, via `password_reset`). The operator's printed
//   link proves nothing: the operator handed it over by other means.
// - A user without a password gets one this way only where password sign-in is allowed to them
//   (see lib/passwords/change.ts: passwordAllowedFor), checked when asking and when using. A
//   link the operator printed is not held back by it: the operator on the server host decides.

export const PASSWORD_RESET_MAX_AGE_MS = 60 * 60 * 1000;

export function passwordResetLink(baseUrl: string, secret: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/reset-password/${secret}`;
}

/**
 * Makes a reset link for a user: stores the hash of a new 256-bit secret for the user's current
 * address (a later change of address makes the link useless), valid for one hour, and replaces
 * any unused older link of theirs. Returns the secret, the link on the public base URL
 * (PUBLIC_URL) and its expiry.
 *
 * It neither mails nor audits: the caller does. A person's request (requestPasswordReset) mails
 * the link and records `user.password_reset_requested`; the operator's command prints it and
 * records its own event. Unknown users are 404; application users have no password (403).
 */
export async function issuePasswordReset(
  ctx: Ctx,
  input: { userId: string; requestedBy: 'user' | 'operator' },
): Promise<{ secret: string; link: string; expiryTime: string }> {
  const user = await first(
    ctx.db
      .select({ id: users.id, email: users.email, isApplicationUser: users.isApplicationUser })
      .from(users)
      .where(eq(users.id, input.userId))
      .limit(1),
  );
  if (!user) throw new AppError('not_found', `User ${input.userId} does not exist`);
  if (user.isApplicationUser) throw new AppError('forbidden', 'Application users have no password to reset: they use application tokens');
  if (input.requestedBy !== 'user' && input.requestedBy !== 'operator') {
    throw new AppError('bad_request', `requestedBy must be 'user' or 'operator'`);
  }

  const secret = randomBytes(32).toString('base64url');
  const expiryTime = iso(new Date(ctx.now.getTime() + PASSWORD_RESET_MAX_AGE_MS));
  await inTransaction(ctx, async (ctx) => {
    // Only the newest link works: an older, unused one is replaced.
    await ctx.db.delete(passwordResets).where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedTime)));
    await ctx.db
      .insert(passwordResets)
      .values({
        id: newRowId(),
        userId: user.id,
        email: user.email,
        // Only the hash is kept: the secret is in the mail (or on the operator's screen) only.
        tokenHash: hashToken(secret),
        requestedBy: input.requestedBy,
        createTime: iso(ctx.now),
        expiryTime,
      });
  });
  return { secret, link: passwordResetLink(publicBaseUrl(), secret), expiryTime };
}

export type Mailer = typeof sendMail;

/** What "Forgot password?" answers, whatever the address: it tells nobody whether it has an account. */
export const PASSWORD_RESET_REQUESTED_MESSAGE =
  'If an account uses that address, we mailed it a link to reset the password. The link works once, within an hour.';

export const PASSWORD_RESET_NEEDS_MAIL =
  'Password reset needs mail, and this server cannot send any (SMTP is not configured): ask an administrator to reset your password.';

/** Why this account gets no reset mail, or null. Never shown to the requester. */
async function resetRefusal(ctx: Ctx, user: User): Promise<string | null> {
  if (user.isApplicationUser) return 'application_user';
  if (user.state !== 'active') return 'deactivated';
  const hasPassword = await first(ctx.db.select({ id: passwordCredentials.userId }).from(passwordCredentials).where(eq(passwordCredentials.userId, user.id)).limit(1));
  if (!hasPassword && !passwordAllowedFor(await listMemberships(ctx, user.id))) return 'password_not_allowed';
  return null;
}

/**
 * "Forgot password?": mails a reset link to the address if an active account has it. The answer
 * is the same message either way; the mail goes out after the answer (`mailed` settles when it
 * did), so the response time does not tell either. 409 without SMTP; 429 past the limits, which
 * count every request, address or not.
 */
export async function requestPasswordReset({
  ctx,
  meta,
  input,
  smtp,
  mailer = sendMail,
}: {
  ctx: Ctx;
  meta: RequestMeta;
  input: unknown;
  smtp: SmtpSettings | null;
  /** Tests pass their own; the app mails through SMTP. */
  mailer?: Mailer;
}): Promise<{ message: string; mailed: Promise<boolean> }> {
  const { email } = parseInput(requestPasswordResetSchema, input);
  if (!smtp) throw new AppError('conflict', PASSWORD_RESET_NEEDS_MAIL);
  await takePasswordResetRequest(ctx, { email, ip: meta.ip }, passwordResetLimits());

  const answer = (mailed: Promise<boolean>) => ({ message: PASSWORD_RESET_REQUESTED_MESSAGE, mailed });
  const user = await first(ctx.db.select().from(users).where(eq(users.email, email)).limit(1));
  if (!user) return answer(Promise.resolve(false));
  const orgIds = (await listMemberships(ctx, user.id)).map((m) => m.organization.id);
  const audit = { actorUserId: null, actorEmail: email, ip: meta.ip, userAgent: meta.userAgent };
  const refusal = await resetRefusal(ctx, user);
  if (refusal) {
    await recordUserAudit(ctx, orgIds, { ...audit, event: 'user.password_reset_refused', details: { user_email: user.email, reason: refusal } });
    return answer(Promise.resolve(false));
  }
  const { link, expiryTime } = await issuePasswordReset(ctx, { userId: user.id, requestedBy: 'user' });
  await recordUserAudit(ctx, orgIds, { ...audit, event: 'user.password_reset_requested', details: { user_email: user.email, expiry_time: expiryTime } });
  const mailed = mailer(smtp, {
    to: user.email,
    subject: 'Reset your Portcullis password',
    text:
      `Someone asked to reset the password of the Portcullis account ${user.email}.\n\n` +
      `If that was you, open this link and choose a new password (it works once, until ${expiryTime}):\n${link}\n\n` +
      'Setting a new password signs the account out everywhere. Two-factor authentication, if it is on, stays on.\n\n' +
      'If it was not you, ignore this mail: nothing changes unless the link is used.\n',
  }).then(
    (result) => {
      if (!result.sent) console.error('Password reset mail failed', result.error);
      return result.sent;
    },
    (error: unknown) => {
      console.error('Password reset mail failed', error);
      return false;
    },
  );
  return answer(mailed);
}

async function findByCode(ctx: Ctx, code: string): Promise<PasswordReset | undefined> {
  return await first(ctx.db.select().from(passwordResets).where(eq(passwordResets.tokenHash, hashToken(code))).limit(1));
}

const ASK_AGAIN = 'Ask for a new link under "Forgot password?" on the sign-in page.';

/**
 * The reset a link names and its account, if it can be used now; otherwise the refusal: 404
 * unknown (or replaced by a newer link), 410 used, expired, or made for an address the account no
 * longer has, 403 a deactivated account or one whose organizations allow no password. Reads only:
 * the page shows it before the POST.
 */
export async function inspectPasswordReset({ ctx, input }: { ctx: Ctx; input: { code: string } }): Promise<{ reset: PasswordReset; user: User }> {
  const reset = await findByCode(ctx, input.code.trim());
  if (!reset) throw new AppError('not_found', `This password reset link is not valid: it may have been replaced by a newer one. ${ASK_AGAIN}`);
  if (reset.usedTime !== null) throw new AppError('gone', `This password reset link has been used already: each link works once. ${ASK_AGAIN}`);
  if (reset.expiryTime <= iso(ctx.now)) {
    throw new AppError('gone', `This password reset link has expired (links are valid for one hour). ${ASK_AGAIN}`);
  }
  const user = await first(ctx.db.select().from(users).where(eq(users.id, reset.userId)).limit(1));
  if (!user || user.email !== reset.email) {
    throw new AppError('gone', `This password reset link was made for ${reset.email}, which is no longer the account's address. ${ASK_AGAIN}`);
  }
  if (user.state !== 'active') throw new AppError('forbidden', 'This user account is deactivated: its password cannot be reset');
  if (reset.requestedBy === 'user') {
    const memberships = await listMemberships(ctx, user.id);
    const hasPassword = await first(ctx.db.select({ id: passwordCredentials.userId }).from(passwordCredentials).where(eq(passwordCredentials.userId, user.id)).limit(1));
    if (!hasPassword && !passwordAllowedFor(memberships)) throw new AppError('forbidden', passwordNotAllowedMessage(memberships, 'set one'));
  }
  return { reset, user };
}

export type PasswordResetDone = {
  email: string;
  sessionsEnded: number;
  personalTokensRevoked: number;
  /** This reset proved the address (it was not proven before). */
  addressProven: boolean;
};

/**
 * Sets a new password with the link's code (see THE RULES above). Whoever calls, signed in or not,
 * as whichever account, acts only on the account the link names. Audited as `user.password_reset`.
 */
export async function completePasswordReset({ ctx, meta, input }: { ctx: Ctx; meta: RequestMeta; input: unknown }): Promise<PasswordResetDone> {
  const { code, new_password: newPassword } = parseInput(completePasswordResetSchema, input);
  // Checked before the slow hash, and again inside the transaction that spends the link.
  await inspectPasswordReset({ ctx, input: { code } });
  const passwordHash = await hashPassword(newPassword);
  return await inTransaction(ctx, async (ctx) => {
    const { reset, user } = await inspectPasswordReset({ ctx, input: { code } });
    const now = iso(ctx.now);
    // Spent at once and only if still unused: two concurrent uses cannot both pass.
    const spent = await ctx.db
      .update(passwordResets)
      .set({ usedTime: now })
      .where(and(eq(passwordResets.id, reset.id), isNull(passwordResets.usedTime)));
    if (affectedRows(spent) === 0) throw new AppError('gone', `This password reset link has been used already: each link works once. ${ASK_AGAIN}`);
    await ctx.db
      .insert(passwordCredentials)
      .values({ userId: user.id, passwordHash, updateTime: now })
      .onConflictDoUpdate({ target: passwordCredentials.userId, set: { passwordHash, updateTime: now } });
    const addressProven =
      reset.requestedBy === 'user' &&
      await markEmailProven(ctx, { userId: user.id, email: reset.email, how: 'mailed_link', meta, details: { via: 'password_reset' } });
    const ended = await endSessionsOf(ctx, user.id, { personalTokens: addressProven });
    // Whoever was locked out by someone else's guesses is let in again with the new password.
    await clearAccountFailures(ctx, user.email);
    await recordUserAudit(
      ctx,
      (await listMemberships(ctx, user.id)).map((m) => m.organization.id),
      {
        event: 'user.password_reset',
        actorUserId: user.id,
        actorEmail: user.email,
        ip: meta.ip,
        userAgent: meta.userAgent,
        details: {
          requested_by: reset.requestedBy,
          sessions_ended: ended.sessionsEnded,
          personal_tokens_revoked: ended.personalTokensRevoked,
          address_proven: addressProven,
        },
      },
    );
    return { email: user.email, sessionsEnded: ended.sessionsEnded, personalTokensRevoked: ended.personalTokensRevoked, addressProven };
  });
}
