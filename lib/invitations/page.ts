import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import { optionalPrincipal } from '@/lib/auth/optional-session';
import type { RequestMeta } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { findInvitationByLink, type OpenInvitation } from './manage';

// What the public invitation page (/invite/{secret}) shows: the invitation, who is looking (a
// soft check: the page works signed out) and whether the invited address has an account, which
// decides between "sign in to accept" and "sign up and accept". Accepting checks again.

export type InvitationPageView = OpenInvitation & {
  /** The address of the session the browser holds, or null. */
  signedInAs: string | null;
  /** Whether an account with the invited address exists. */
  hasAccount: boolean;
};

/** The view of the invitation a link names; 404 for an unknown link, 410 once it has expired. */
export function invitationPageView({ ctx, input }: { ctx: Ctx; input: { secret: string; cookieToken: string | null } & RequestMeta }): InvitationPageView {
  const open = findInvitationByLink(ctx, input.secret);
  const signedInAs = optionalPrincipal({ ctx, input })?.user.email ?? null;
  const hasAccount = ctx.db.select({ id: users.id }).from(users).where(eq(users.email, open.invitation.email)).get() !== undefined;
  return { ...open, signedInAs, hasAccount };
}
