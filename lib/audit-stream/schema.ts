import { z } from 'zod';

// The form of a streaming destination, shared by Admin → Audit log → Streaming's form, its server
// actions and lib/audit-stream/destinations.ts. Zod only: the browser's form imports this file.

/** Loopback host names and addresses: the only hosts a plain http:// webhook may name. */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Why a webhook URL is refused, or null. https anywhere; plain http only to a loopback address
 * (a receiver on the same host: the secret and the events would otherwise cross the network in
 * the clear). Where the name leads is checked again at each delivery by lib/net/outbound.ts.
 */
export function webhookUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Not a URL';
  }
  if (url.username || url.password) return 'A URL with a user name or password is not allowed';
  if (url.hash) return 'A URL with a #fragment is not allowed';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') return isLoopbackHost(url.hostname) ? null : 'Use https (plain http only to a loopback address such as 127.0.0.1)';
  return 'Use an https:// URL';
}

export const destinationIdSchema = z.object({ id: z.string({ error: 'Not a destination id' }).regex(/^[0-9a-f]{24}$/, { error: 'Not a destination id' }) });

/**
 * Why a syslog URL is refused, or null: syslog+tls://host:port anywhere; plain syslog://host:port
 * only to a loopback address (events would otherwise cross the network in the clear).
 */
export function syslogUrlProblem(text: string): string | null {
  const match = /^(syslog|syslog\+tls):\/\/(\[[0-9a-fA-F:.]+\]|[^/:@?#\s]+):(\d{1,5})\/?$/.exec(text);
  if (!match || Number(match[3]) < 1 || Number(match[3]) > 65535) return 'Use syslog+tls://host:port (or syslog://127.0.0.1:port)';
  if (match[1] === 'syslog' && !isLoopbackHost(match[2]!)) return 'Use syslog+tls:// (plain syslog:// only to a loopback address such as 127.0.0.1)';
  return null;
}

const PEM_CERTIFICATE = /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*$/;

export const destinationSchema = z.object({
  /** webhook (HTTP POST, signed) or syslog (RFC 5424 over TCP, optionally TLS). */
  kind: z.enum(['webhook', 'syslog'], { error: 'Choose webhook or syslog' }).default('webhook'),
  name: z.string({ error: 'Name must be text' }).trim().min(1, { error: 'Give the destination a name' }).max(100, { error: 'Use at most 100 characters' }),
  url: z
    .string({ error: 'URL must be text' })
    .trim()
    .min(1, { error: 'Enter the webhook URL' })
    .max(2000, { error: 'Use at most 2000 characters' })
    ,
  enabled: z.boolean({ error: 'enabled must be true or false' }).default(true),
  /** syslog+tls only: the CA certificate (PEM) that signed the server's, if the system does not trust it. */
  caCertificate: z
    .string({ error: 'The CA certificate must be text' })
    .trim()
    .max(20_000, { error: 'Use at most 20000 characters' })
    .nullish()
    .transform((value) => (value ? value : null)),
}).superRefine((value, ctx) => {
  const problem = value.kind === 'webhook' ? webhookUrlProblem(value.url) : syslogUrlProblem(value.url);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['url'] });
  if (value.caCertificate !== null) {
    if (value.kind !== 'syslog' || !value.url.startsWith('syslog+tls://')) ctx.addIssue({ code: 'custom', message: 'A CA certificate is for syslog+tls:// destinations only', path: ['caCertificate'] });
    else if (!PEM_CERTIFICATE.test(value.caCertificate)) ctx.addIssue({ code: 'custom', message: 'Paste one PEM certificate (-----BEGIN CERTIFICATE----- ...)', path: ['caCertificate'] });
  }
});
export type DestinationInput = z.input<typeof destinationSchema>;
export type DestinationValues = z.output<typeof destinationSchema>;


/** Edit: the id of the destination and its new values. */
export const updateDestinationSchema = destinationSchema.and(destinationIdSchema);
export type UpdateDestinationInput = z.input<typeof updateDestinationSchema>;
