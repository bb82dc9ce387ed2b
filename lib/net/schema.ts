import { z } from 'zod';
import { isValidCidr, normalizeCidr, notACidrMessage } from './cidr';

// Zod plus lib/net/cidr.ts, which is plain TypeScript on ipaddr.js: safe for the browser's forms.

/** One allowlist entry: an IPv4 or IPv6 address or CIDR range, stored in canonical form. */
export const cidrSchema = z
  .string({ error: 'Enter an IP address or CIDR range' })
  .trim()
  .refine(isValidCidr, { error: (issue) => notACidrMessage(String(issue.input)) })
  .transform((value) => normalizeCidr(value)!);

export const MAX_ALLOWLIST_ENTRIES = 100;

export const ipAllowlistSchema = z
  .array(cidrSchema, { error: 'ip_allowlist must be a list of IP addresses or CIDR ranges' })
  .max(MAX_ALLOWLIST_ENTRIES, { error: `At most ${MAX_ALLOWLIST_ENTRIES} IP addresses or ranges` });
