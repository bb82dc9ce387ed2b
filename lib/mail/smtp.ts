import nodemailer from 'nodemailer';
import type { Env } from '@/lib/env';

// The console's outgoing mail (invitations, address verification), when SMTP is configured.

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

export type OutgoingMail = { to: string; subject: string; text: string };

/** Sends one plain-text mail; a failure is reported, never thrown. Without settings nothing is sent. */
export async function sendMail(settings: SmtpSettings | null, { to, subject, text }: OutgoingMail): Promise<MailResult> {
  if (!settings) return { sent: false };
  const transport = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
    connectionTimeout: 10_000,
  });
  try {
    await transport.sendMail({ from: settings.from, to, subject, text });
    return { sent: true };
  } catch (error) {
    return { sent: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    transport.close();
  }
}
