import { eq } from 'drizzle-orm';
import { users } from '@/db/tables';
import { optionalPrincipal } from '@/lib/auth/optional-session';
import type { RequestMeta } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { findInvitationByLink, type OpenInvitation } from './manage';
import { first } from '@/db/async';

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
export async function invitationPageView({ ctx, input }: { ctx: Ctx; input: { secret: string; cookieToken: string | null } & RequestMeta }): Promise<InvitationPageView> {
  const open = await findInvitationByLink(ctx, input.secret);
  const signedInAs = (await optionalPrincipal({ ctx, input }))?.user.email ?? null;
  const hasAccount = (await first(ctx.db.select({ id: users.id }).from(users).where(eq(users.email, open.invitation.email)).limit(1))) !== undefined;
  return { ...open, signedInAs, hasAccount };
}
