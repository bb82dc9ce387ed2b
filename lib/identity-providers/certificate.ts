import { X509Certificate } from 'node:crypto';
import { iso } from '@/lib/context';

// The IdP's signing certificate, as an admin pastes or uploads it: PEM, a bare base64 body (as
// metadata XML carries it), or DER bytes from a .cer file. We keep a normalized PEM and the
// facts the page shows.

export type ParsedCertificate = {
  pem: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  fingerprint256: string;
};

export type CertificateResult = { ok: true; certificate: ParsedCertificate } | { ok: false; reason: string };

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

/** Wraps base64 at 64 columns between the PEM armour lines. */
export function toPem(base64Body: string): string {
  const body = base64Body.replace(/\s+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** "CN=idp.example.test, O=Example" from Node's newline-separated form. */
const oneLine = (name: string) => name.split('\n').filter(Boolean).join(', ');

/**
 * Parses one certificate. Refused, with the reason: no certificate at all, more than one, a
 * private key pasted by mistake, bytes that do not decode, and a certificate not valid now
 * (expired, or not yet valid).
 */
export function parseCertificate(input: string | Buffer, now: Date): CertificateResult {
  let der: Buffer;
  if (Buffer.isBuffer(input) && input[0] === 0x30) {
    der = input;
  } else {
    const text = (Buffer.isBuffer(input) ? input.toString('utf8') : input).trim();
    if (text === '') return { ok: false, reason: 'The certificate is empty.' };
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
      return { ok: false, reason: 'This is a private key, not a certificate. Paste the IdP’s public signing certificate; never share its private key.' };
    }
    const blocks = [...text.matchAll(PEM_BLOCK)];
    if (blocks.length > 1) return { ok: false, reason: 'Paste one certificate at a time (this text holds several).' };
    const body = blocks.length === 1 ? blocks[0]![1]! : text;
    if (blocks.length === 0 && /-----BEGIN/.test(text)) {
      return { ok: false, reason: 'This PEM block is not a certificate (expected "-----BEGIN CERTIFICATE-----").' };
    }
    const compact = body.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
      return { ok: false, reason: 'This is not a certificate: expected PEM ("-----BEGIN CERTIFICATE-----") or its base64 content.' };
    }
    der = Buffer.from(compact, 'base64');
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `The certificate cannot be read (${detail}). Copy it again, whole, from the identity provider.` };
  }
  const notBefore = new Date(x509.validFrom);
  const notAfter = new Date(x509.validTo);
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) {
    return { ok: false, reason: 'The certificate’s validity dates cannot be read.' };
  }
  if (notAfter.getTime() <= now.getTime()) {
    return { ok: false, reason: `The certificate expired on ${iso(notAfter)}. Download the current one from the identity provider.` };
  }
  // A certificate made minutes ago on a machine whose clock runs ahead is still fine.
  if (notBefore.getTime() > now.getTime() + 5 * 60_000) {
    return { ok: false, reason: `The certificate is not valid before ${iso(notBefore)}.` };
  }
  return {
    ok: true,
    certificate: {
      pem: toPem(x509.raw.toString('base64')),
      subject: oneLine(x509.subject),
      issuer: oneLine(x509.issuer),
      notBefore: iso(notBefore),
      notAfter: iso(notAfter),
      fingerprint256: x509.fingerprint256,
    },
  };
}

export const EXPIRY_WARNING_DAYS = 30;

/** How a certificate's expiry reads on the page: fine, within 30 days, or expired. */
export function expiryStatus(notAfter: string, now: Date): 'ok' | 'expiring' | 'expired' {
  const left = new Date(notAfter).getTime() - now.getTime();
  if (left <= 0) return 'expired';
  return left <= EXPIRY_WARNING_DAYS * 24 * 60 * 60 * 1000 ? 'expiring' : 'ok';
}
