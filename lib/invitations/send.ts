import { eq } from 'drizzle-orm';
import { invitations, type Invitation } from '@/db/schema';
import type { Principal } from '@/lib/auth/gate';
import type { RequestMeta } from '@/lib/auth/sign-in';
import { recordAudit } from '@/lib/audit/record';
import { iso, type Ctx } from '@/lib/context';
import type { MembershipWithOrg } from '@/lib/orgs/memberships';
import { mailInvitation, type MailResult, type SmtpSettings } from './mail';
import { inviteMember } from './manage';

// Invite and mail, for the console's action and the API alike. The rule that makes a mailed
// link prove the address (lib/users/proven.ts): when the mail went out, the link goes to the
// invitee only and never to the inviting admin, and the invitation records it (mailed_time).
// When there is no SMTP, or the mail fails, the admin gets the link to pass on, as before, and
// the invitation stays unmailed: an account made from it is not proven.

export type SentInvitation =
  | { invitation: Invitation; mailed: true; link: null; mailError: null }
  | { invitation: Invitation; mailed: false; link: string; mailError: string | null };

export type Mailer = typeof mailInvitation;

export async function sendInvitation(call: {
  ctx: Ctx;
  principal: Principal;
  membership: MembershipWithOrg | null;
  meta: RequestMeta;
  input: unknown;
  baseUrl: string;
  smtp: SmtpSettings | null;
  /** Tests pass their own; the app mails through SMTP. */
  mailer?: Mailer;
}): Promise<SentInvitation> {
  const { invitation, link } = inviteMember(call);
  const mailer = call.mailer ?? mailInvitation;
  let mail: MailResult;
  try {
    mail = await mailer(call.smtp, {
      to: invitation.email,
      organizationName: call.membership!.organization.name,
      invitedBy: call.principal.user.email,
      link,
      expiryTime: invitation.expiryTime,
    });
  } catch (error) {
    mail = { sent: false, error: error instanceof Error ? error.message : String(error) };
  }
  if (!mail.sent) return { invitation, mailed: false, link, mailError: mail.error ?? null };
  const mailed = call.ctx.db.transaction(() => {
    const row = call.ctx.db.update(invitations).set({ mailedTime: iso(call.ctx.now) }).where(eq(invitations.id, invitation.id)).returning().get();
    if (row) {
      recordAudit(call.ctx, {
        event: 'invitation.mailed',
        organizationId: row.organizationId,
        actorUserId: call.principal.user.id,
        actorEmail: call.principal.user.email,
        ip: call.meta.ip,
        userAgent: call.meta.userAgent,
        details: { user_email: row.email },
      });
    }
    return row;
  });
  // Cancelled while the mail was on its way: nothing to mark, and still no link for the admin.
  return { invitation: mailed ?? invitation, mailed: true, link: null, mailError: null };
}
