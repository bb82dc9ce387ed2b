import { and, eq, isNull } from 'drizzle-orm';
import { type User } from '@/db/schema';
import { users } from '@/db/tables';
import { recordUserAudit } from '@/lib/audit/record';
import type { RequestMeta } from '@/lib/call';
import { iso, type Ctx } from '@/lib/context';
import { listMemberships } from '@/lib/model/memberships';
import { first } from '@/db/async';

// Proven addresses: whether the owner of an account's address showed that it is theirs
// (users.email_verified_time). Automatic linking by address, third-party or SSO, only ever joins
// an account whose address is proven; otherwise whoever made an account for somebody else's
// address (an admin with a copied invitation link, another organization's IdP) would be handed
// the real owner's later sign-ins, or the real owner theirs (pre-account hijacking).
//
// What proves an address, and nothing else:
// - `mailed_link`: the person followed an invitation link that went out by mail and was never
//   shown to the inviting admin (invitations.mailed_time);
// - `provider_verified`: Google, Microsoft or GitHub said, at a sign-in or link, that it verified
//   this very address;
// - `sso_verified_domain`: the account came through SSO of the organization that verified the
//   address's domain (its IdP vouches for the people on its own domain).
// First-run setup marks the operator's account proven (lib/setup/first-run.ts).

export type AddressProof = 'mailed_link' | 'provider_verified' | 'sso_verified_domain';

export function isEmailProven(user: Pick<User, 'emailVerifiedTime'>): boolean {
  return user.emailVerifiedTime !== null;
}

/**
 * Records that the owner of `email` proved it, on the account that has it now; audited as
 * `user.email_verified` (with how) in each of the user's organizations. Nothing happens, and false
 * comes back, when the address is proven already or when `email` is not the account's address
 * (what was proven is that address, not whatever the account is called by now). Call it inside
 * the transaction of the sign-in or acceptance that proved it, after any membership it adds.
 */
export async function markEmailProven(
  ctx: Ctx,
  { userId, email, how, meta, details = {} }: { userId: string; email: string; how: AddressProof; meta: RequestMeta; details?: Record<string, unknown> },
): Promise<boolean> {
  const address = email.trim().toLowerCase();
  const now = iso(ctx.now);
  const updated = await first(
    ctx.db
      .update(users)
      .set({ emailVerifiedTime: now })
      .where(and(eq(users.id, userId), eq(users.email, address), isNull(users.emailVerifiedTime)))
      .returning({ id: users.id, email: users.email }),
  );
  if (!updated) return false;
  await recordUserAudit(
    ctx,
    (await listMemberships(ctx, userId)).map((m) => m.organization.id),
    {
      event: 'user.email_verified',
      actorUserId: updated.id,
      actorEmail: updated.email,
      ip: meta.ip,
      userAgent: meta.userAgent,
      details: { user_email: updated.email, how, ...details },
    },
  );
  return true;
}
