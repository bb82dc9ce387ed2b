import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { passwordResets, users } from '@/db/schema';
import { iso, type Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { newRowId } from '@/lib/ids';
import { publicBaseUrl } from '@/lib/saml/urls';
import { hashToken } from '@/lib/tokens/token';

// Password reset: a single-use link, valid for one hour, that sets a new password. The person
// asks for it by address (it is mailed to that address), or the operator prints one on the
// server host (npm run admin). Only the SHA-256 of the link's secret is stored, so a copy of the
// database opens no account; a link is spent when used, and only the newest link of a user works.

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
  const user = ctx.db
    .select({ id: users.id, email: users.email, isApplicationUser: users.isApplicationUser })
    .from(users)
    .where(eq(users.id, input.userId))
    .get();
  if (!user) throw new AppError('not_found', `User ${input.userId} does not exist`);
  if (user.isApplicationUser) throw new AppError('forbidden', 'Application users have no password to reset: they use application tokens');
  if (input.requestedBy !== 'user' && input.requestedBy !== 'operator') {
    throw new AppError('bad_request', `requestedBy must be 'user' or 'operator'`);
  }

  const secret = randomBytes(32).toString('base64url');
  const expiryTime = iso(new Date(ctx.now.getTime() + PASSWORD_RESET_MAX_AGE_MS));
  ctx.db.transaction(() => {
    // Only the newest link works: an older, unused one is replaced.
    ctx.db.delete(passwordResets).where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedTime))).run();
    ctx.db
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
      })
      .run();
  });
  return { secret, link: passwordResetLink(publicBaseUrl(), secret), expiryTime };
}
