import { SMTPServer } from 'smtp-server';
import { smtpPort } from './env';

// The SMTP server the proxied server mails invitations to (SMTP_PORT there is smtpPort). Tests in
// different workers may want it at once: each waits until the port is free, so they take turns.

export type ReceivedMail = { to: string[]; data: string };

function listenOnce(received: ReceivedMail[]): Promise<SMTPServer> {
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
        callback();
      });
    },
  });
  return new Promise((resolve, reject) => {
    smtp.on('error', reject);
    smtp.listen(smtpPort, '127.0.0.1', () => resolve(smtp));
  });
}

/** Runs `work` while an SMTP server on smtpPort collects what arrives. */
export async function withSmtpServer<T>(work: (received: ReceivedMail[]) => Promise<T>): Promise<T> {
  const received: ReceivedMail[] = [];
  const deadline = Date.now() + 60_000;
  let smtp: SMTPServer;
  for (;;) {
    try {
      smtp = await listenOnce(received);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    return await work(received);
  } finally {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  }
}

/** The invitation link in a mail (quoted-printable soft line breaks undone). */
export function invitationLinkIn(mail: ReceivedMail): string {
  const match = /https?:\/\/[^\s]+\/invite\/[A-Za-z0-9_-]{43}/.exec(mail.data.replace(/=\r?\n/g, ''));
  if (!match) throw new Error(`no invitation link in the mail:\n${mail.data}`);
  return match[0];
}

/** The "verify your address" link in a mail (quoted-printable soft line breaks undone). */
export function verificationLinkIn(mail: ReceivedMail): string {
  const match = /https?:\/\/[^\s]+\/verify-email\/[A-Za-z0-9_-]{43}/.exec(mail.data.replace(/=\r?\n/g, ''));
  if (!match) throw new Error(`no verification link in the mail:\n${mail.data}`);
  return match[0];
}

/** The password reset link in a mail (quoted-printable soft line breaks undone). */
export function passwordResetLinkIn(mail: ReceivedMail): string {
  const match = /https?:\/\/[^\s]+\/reset-password\/[A-Za-z0-9_-]{43}/.exec(mail.data.replace(/=\r?\n/g, ''));
  if (!match) throw new Error(`no password reset link in the mail:\n${mail.data}`);
  return match[0];
}
