import { sendMail, type MailResult, type SmtpSettings } from '@/lib/mail/smtp';

// Invitations are mailed when SMTP is configured; without it the admin copies the link.

export { smtpSettings, type MailResult, type SmtpSettings } from '@/lib/mail/smtp';

/** Sends the invitation; a mail failure is reported, never thrown: the link still works. */
export async function mailInvitation(
  settings: SmtpSettings | null,
  { to, organizationName, invitedBy, link, expiryTime }: { to: string; organizationName: string; invitedBy: string; link: string; expiryTime: string },
): Promise<MailResult> {
  return sendMail(settings, {
    to,
    subject: `You are invited to ${organizationName} on Portcullis`,
    text: `${invitedBy} invited you to join ${organizationName}.\n\nOpen this link to accept (valid until ${expiryTime}):\n${link}\n`,
  });
}
