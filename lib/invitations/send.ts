import { eq } from 'drizzle-orm';
import { type Invitation } from '@/db/schema';
import { invitations } from '@/db/tables';
import { recordAudit } from '@/lib/audit/record';
import type { OrgCall } from '@/lib/call';
import { inTransaction, iso } from '@/lib/context';
import { publicBaseUrl } from '@/lib/http/public-url';
import { mailInvitation, smtpSettings, type MailResult, type SmtpSettings } from './mail';
import { inviteMember } from './manage';
import { first } from '@/db/async';

// Invite and mail, for the console's action and the API alike. The rule that makes a mailed
// link prove the address (lib/model/proven.ts): when the mail went out, the link goes to the
// invitee only and never to the inviting admin, and the invitation records it (mailed_time).
// When there is no SMTP, or the mail fails, the admin gets the link to pass on, as before, and
// the invitation stays unmailed: an account made from it is not proven. The link is on this
// server's public URL and the mail goes through the instance's SMTP settings unless a test
// passes its own: the console's action and POST /v1/organization/{id}/invitation both call this.

export type SentInvitation =
  | { invitation: Invitation; mailed: true; link: null; mailError: null }
  | { invitation: Invitation; mailed: false; link: string; mailError: string | null };

export type Mailer = typeof mailInvitation;

export async function sendInvitation(call: OrgCall & {
  input: unknown;
  /** Where the link points: publicBaseUrl() unless given. */
  baseUrl?: string;
  /** How to mail: the instance's settings (smtpSettings()) unless given; null is "no SMTP". */
  smtp?: SmtpSettings | null;
  /** Tests pass their own; the app mails through SMTP. */
  mailer?: Mailer;
}): Promise<SentInvitation> {
  const { invitation, link } = await inviteMember({ ...call, baseUrl: call.baseUrl ?? publicBaseUrl() });
  const mailer = call.mailer ?? mailInvitation;
  const smtp = call.smtp === undefined ? smtpSettings() : call.smtp;
  let mail: MailResult;
  try {
    mail = await mailer(smtp, {
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
  const mailed = await inTransaction(call, async (call) => {
    const row = await first(call.ctx.db.update(invitations).set({ mailedTime: iso(call.ctx.now) }).where(eq(invitations.id, invitation.id)).returning());
    if (row) {
      await recordAudit(call.ctx, {
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
