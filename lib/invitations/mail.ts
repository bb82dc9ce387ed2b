import nodemailer from 'nodemailer';
import type { Env } from '@/lib/env';

// Invitations are mailed when SMTP is configured; without it the admin copies the link.

export type SmtpSettings = { host: string; port: number; secure: boolean; user?: string; password?: string; from: string };

export function smtpSettings(env: Env = process.env): SmtpSettings | null {
  if (!env.SMTP_HOST) return null;
  const port = Number(env.SMTP_PORT ?? 587);
  return {
    host: env.SMTP_HOST,
    port: Number.isInteger(port) && port > 0 ? port : 587,
    secure: env.SMTP_SECURE === 'true',
    user: env.SMTP_USER || undefined,
    password: env.SMTP_PASSWORD || undefined,
    from: env.SMTP_FROM || `Portcullis <no-reply@${env.SMTP_HOST}>`,
  };
}

export type MailResult = { sent: boolean; error?: string };

/** Sends the invitation; a mail failure is reported, never thrown: the link still works. */
export async function mailInvitation(
  settings: SmtpSettings | null,
  { to, organizationName, invitedBy, link, expiryTime }: { to: string; organizationName: string; invitedBy: string; link: string; expiryTime: string },
): Promise<MailResult> {
  if (!settings) return { sent: false };
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
    connectionTimeout: 10_000,
  });
  try {
    await transport.sendMail({
      from: settings.from,
      to,
      subject: `You are invited to ${organizationName} on Portcullis`,
      text: `${invitedBy} invited you to join ${organizationName}.\n\nOpen this link to accept (valid until ${expiryTime}):\n${link}\n`,
    });
    return { sent: true };
  } catch (error) {
    return { sent: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    transport.close();
  }
}
