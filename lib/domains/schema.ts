import { z } from 'zod';

// Only zod here: the browser imports these schemas for the Domains page's forms.

export const verificationTypes = ['dns', 'http'] as const;
export type VerificationType = (typeof verificationTypes)[number];

// Reserved names that never belong to anyone on the Internet: .invalid is what application
// users' addresses end in, so a domain there could claim every application user as managed.
const RESERVED_SUFFIXES = ['invalid', 'localhost', 'local', 'arpa'];

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * A host name in its ASCII form (IDNA/punycode, lower case, no trailing dot), or the reason it
 * is not one. The conversion is the WHATWG URL host parser's, which is what Node's
 * url.domainToASCII runs too, and it also works in the browser.
 */
export function toAsciiHostName(raw: string): { ok: true; name: string } | { ok: false; message: string } {
  const input = raw.trim();
  if (input === '') return { ok: false, message: 'Enter a domain name' };
  // Only a bare name: a scheme, port, path, address literal or escape is not a domain.
  if (/[\s/\\:?#@%[\]]/.test(input)) return { ok: false, message: 'Enter the domain name only, such as example.com' };
  let host: string;
  try {
    host = new URL(`http://${input}`).hostname;
  } catch {
    return { ok: false, message: 'Not a valid domain name' };
  }
  host = host.replace(/\.$/, '');
  if (host.length > 253) return { ok: false, message: 'Domain name is too long (at most 253 characters)' };
  const labels = host.split('.');
  if (labels.length < 2) return { ok: false, message: 'Enter a full domain name, such as example.com' };
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined) {
    return {
      ok: false,
      message:
        bad === ''
          ? 'Not a valid domain name (empty label)'
          : `Not a valid domain name: "${bad}" (letters, digits and inner hyphens only, at most 63 characters a label)`,
    };
  }
  const tld = labels.at(-1)!;
  if (/^[0-9]+$/.test(tld)) return { ok: false, message: 'An IP address is not a domain name' };
  if (RESERVED_SUFFIXES.includes(tld)) return { ok: false, message: `.${tld} names are reserved and cannot be verified` };
  return { ok: true, name: host };
}

export const domainNameSchema = z
  .string({ error: 'Enter a domain name' })
  .max(1024, { error: 'Domain name is too long' })
  .transform((value, context) => {
    const result = toAsciiHostName(value);
    if (result.ok) return result.name;
    context.addIssue({ code: 'custom', message: result.message });
    return z.NEVER;
  });

const verificationTypeSchema = z.enum(verificationTypes, { error: 'verification_type must be "dns" or "http"' });

/** POST /v1/organization/{org}/domains and the page's "Add domain" form. */
export const addDomainSchema = z.strictObject({
  domain_name: domainNameSchema,
  verification_type: verificationTypeSchema.default('dns'),
});
export type AddDomainInput = z.input<typeof addDomainSchema>;

/** PATCH /v1/organization/{org}/domains/{domain_id}. */
export const updateDomainSchema = z.strictObject({ verification_type: verificationTypeSchema });
export type UpdateDomainInput = z.input<typeof updateDomainSchema>;

const idSchema = z.string({ error: 'domain_id must be a string' }).trim().min(1, { error: 'Choose a domain' }).max(64);

/** PUT /v1/organization/{org}/authentication-methods/{id}/domains. */
export const linkDomainSchema = z.strictObject({ domain_id: idSchema });
export type LinkDomainInput = z.input<typeof linkDomainSchema>;
