import { eq } from 'drizzle-orm';
import { recoveryCodes, totpCredentials } from '@/db/tables';
import { type Ctx, inTransaction } from '@/lib/context';
import { affectedRows } from '@/db/async';

// Removing a user's two-factor enrollment on someone else's authority: a super admin on the
// member's page (lib/users/member-two-factor.ts) or the operator on the server host (the
// recovery CLI). This core checks nobody's rights and writes no audit event: each caller
// authorizes and records in its own terms, so one removal serves both.

/**
 * Deletes the user's TOTP credential (confirmed or a setup still waiting for its first code)
 * and every recovery code, used or not: nothing of the old enrollment stays to sign in with.
 * `removed` is false when there was nothing to delete (also for an unknown user id).
 *
 * Afterwards the user has no second factor: where an organization of theirs requires one,
 * their next password sign-in (and any password session they hold, see lib/two-factor/status.ts)
 * can do nothing but enroll again.
 */
export async function removeTwoFactor(ctx: Ctx, input: { userId: string }): Promise<{ removed: boolean }> {
  return await inTransaction(ctx, async (ctx) => ({ removed: await deleteTwoFactorEnrollment(ctx, input.userId) }));
}

/**
 * The deletion itself, for a caller that already holds a transaction (better-sqlite3's are
 * synchronous, so an async function cannot run inside one): the member's page checks the
 * organization's rule, removes and audits in one. True when anything was deleted.
 */
export async function deleteTwoFactorEnrollment(ctx: Ctx, userId: string): Promise<boolean> {
  const credentials = affectedRows(await ctx.db.delete(totpCredentials).where(eq(totpCredentials.userId, userId)));
  const codes = affectedRows(await ctx.db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId)));
  return credentials + codes > 0;
}
