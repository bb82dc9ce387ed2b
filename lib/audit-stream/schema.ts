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

export const destinationSchema = z.object({
  name: z.string({ error: 'Name must be text' }).trim().min(1, { error: 'Give the destination a name' }).max(100, { error: 'Use at most 100 characters' }),
  url: z
    .string({ error: 'URL must be text' })
    .trim()
    .min(1, { error: 'Enter the webhook URL' })
    .max(2000, { error: 'Use at most 2000 characters' })
    .superRefine((value, ctx) => {
      const problem = webhookUrlProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  enabled: z.boolean({ error: 'enabled must be true or false' }).default(true),
});
export type DestinationInput = z.input<typeof destinationSchema>;
export type DestinationValues = z.output<typeof destinationSchema>;

export const destinationIdSchema = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/, { error: 'Not a destination id' }) });
