import { createHash, createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { AppError } from '@/lib/errors';

// OpenSearch's jwt.signing_key. Seed 003 asks for a "base64-encoded signing key (PEM-formatted
// RSA/ECDSA public key or HMAC secret key)". People give a public key in three forms, all
// accepted: the PEM block as it is (header lines and all), the base64 of that PEM (what the seed
// literally says), or the base64 of its DER (the PEM's body without its header lines); an HMAC
// secret as the base64 of its bytes. node:crypto reads every key; nothing is parsed by hand.
//
// What is stored, and so returned on the wire to those who may see it, is one form: a public key
// as the base64 of its SubjectPublicKeyInfo DER (what OpenSearch's JWT backend reads: it strips
// PEM header lines and decodes the rest), a secret as the base64 of its bytes. Both are one line,
// always within the 1,024 characters of upstream's schema, and reading the stored form back gives
// the same form, so `avn service update` sending back what GET returned changes nothing.
//
// Refused with the reason, never kept as an HMAC secret: a value that decodes to PEM text but is
// no public key, a private key in any form (a key that verifies must be public; a private key is
// never stored), certificates, keys base64-encoded twice.

export type SigningKeyKind = 'public_key' | 'hmac';

export type EcCurve = 'P-256' | 'P-384' | 'P-521';

export type SigningKey =
  | { kind: 'public_key'; keyType: 'rsa'; bits: number; key: KeyObject; stored: string }
  | { kind: 'public_key'; keyType: 'ec'; curve: EcCurve; key: KeyObject; stored: string }
  | { kind: 'hmac'; secret: Uint8Array; stored: string };

/** HS256 needs a key as long as its hash (RFC 7518 §3.2): shorter secrets are refused. */
export const MIN_HMAC_BYTES = 32;

/** Upstream's schema: jwt.signing_key is 1..1024 characters (user-config-schema.ts says the same). */
export const MAX_SIGNING_KEY_CHARS = 1024;

/** JWT's ECDSA algorithms and their curves (RFC 7518 §3.4); OpenSSL's names as Node reports them. */
const JWT_CURVES: Record<string, EcCurve> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]+)-----/g;
const NOT_PUBLIC_KEY = 'not a PEM public key: paste the block from -----BEGIN PUBLIC KEY----- to -----END PUBLIC KEY-----';

function bad(message: string): AppError {
  return new AppError('bad_request', `jwt.signing_key: ${message}`, { 'user_config.jwt.signing_key': [message] });
}

const thousands = (n: number) => n.toLocaleString('en-US');

/** "RSA 2048-bit public key", "ECDSA P-256 public key", "HMAC secret, 32 bytes". */
export function signingKeyLabel(key: SigningKey): string {
  if (key.kind === 'hmac') return `HMAC secret, ${key.secret.length} bytes`;
  return key.keyType === 'rsa' ? `RSA ${key.bits}-bit public key` : `ECDSA ${key.curve} public key`;
}

function asPublicKey(key: KeyObject): SigningKey {
  const keyType = key.asymmetricKeyType;
  const stored = () => key.export({ format: 'der', type: 'spki' }).toString('base64');
  if (keyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw bad(`the RSA key is ${bits} bits, shorter than 2048`);
    return { kind: 'public_key', keyType, bits, key, stored: stored() };
  }
  if (keyType === 'ec') {
    const name = key.asymmetricKeyDetails?.namedCurve ?? 'unknown';
    const curve = JWT_CURVES[name];
    if (!curve) throw bad(`the ECDSA curve ${name} is not one JWT uses: ES256, ES384 and ES512 take P-256, P-384 and P-521`);
    return { kind: 'public_key', keyType, curve, key, stored: stored() };
  }
  throw bad(`a ${keyType ?? 'unknown'} key cannot verify JWTs here: use an RSA or ECDSA public key`);
}

/** A PEM text, pasted as it is or decoded from base64 (`via` says which, for the messages). */
function fromPem(text: string, via: 'pem' | 'base64', expect: SigningKeyKind | undefined): SigningKey {
  const inBase64 = via === 'base64' ? ' (it is base64 of a PEM block)' : '';
  const labels = [...text.matchAll(PEM_BEGIN)].map((m) => m[1]!);
  if (labels.some((l) => l.includes('PRIVATE KEY'))) {
    throw bad(`that is a private key${inBase64}: a key that verifies tokens must be public, and a private key is never stored; give its public key (openssl pkey -pubout)`);
  }
  if (expect === 'hmac') throw bad(`that is a PEM key${inBase64}; choose RSA/ECDSA for it, or for HMAC enter the shared secret in base64`);
  if (labels.some((l) => l.includes('CERTIFICATE'))) {
    throw bad(`that is a certificate${inBase64}: give its public key (BEGIN PUBLIC KEY; openssl x509 -pubkey -noout)`);
  }
  if (labels.length !== 1) {
    throw bad(labels.length === 0 ? `not a readable PEM block${inBase64}` : `that has ${labels.length} PEM blocks${inBase64}: give one public key`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: 'pem' });
  } catch {
    throw bad(`not a readable PEM public key${inBase64}: the block's body is damaged or is no RSA/ECDSA public key`);
  }
  return asPublicKey(key);
}

function publicKeyFromDer(der: Buffer): KeyObject | null {
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      return createPublicKey({ key: der, format: 'der', type });
    } catch {
      // not this encoding
    }
  }
  return null;
}

function isPrivateKeyDer(der: Buffer): boolean {
  for (const type of ['pkcs8', 'sec1', 'pkcs1'] as const) {
    try {
      createPrivateKey({ key: der, format: 'der', type });
      return true;
    } catch {
      // not this encoding
    }
  }
  return false;
}

function isCertificateDer(der: Buffer): boolean {
  try {
    new X509Certificate(der);
    return true;
  } catch {
    return false;
  }
}

/** The value read, without the length limit (the limit's message uses it to name forms that fit). */
function interpret(input: string, expect: SigningKeyKind | undefined): SigningKey {
  const value = input.trim();
  if (value === '') throw bad('enter a key');
  if (value.includes('-----BEGIN')) return fromPem(value, 'pem', expect);
  if (/^(ssh-(rsa|ed25519)|ecdsa-sha2-)/.test(value)) {
    throw bad('that is an OpenSSH public key: give it as PEM (ssh-keygen -e -m PKCS8 -f key.pub)');
  }
  if (value.startsWith('{')) throw bad('that looks like a JWK: give the key as PEM, or its DER in base64');
  const compact = value.replace(/\s+/g, '');
  if (!BASE64.test(compact)) {
    throw bad(expect === 'public_key' ? NOT_PUBLIC_KEY : 'not base64: encode the secret first (for example `printf %s "$SECRET" | base64`)');
  }
  const bytes = Buffer.from(compact, 'base64');
  // Base64 of a PEM block: a key, or refused with the reason; never an HMAC secret.
  const text = bytes.toString('latin1');
  if (text.includes('-----BEGIN')) return fromPem(text, 'base64', expect);
  const publicKey = publicKeyFromDer(bytes);
  if (publicKey) {
    if (expect === 'hmac') throw bad('that is a public key; choose RSA/ECDSA for it');
    return asPublicKey(publicKey);
  }
  if (isPrivateKeyDer(bytes)) {
    throw bad('that is a private key (base64 of its DER): a key that verifies tokens must be public, and a private key is never stored; give its public key');
  }
  if (isCertificateDer(bytes)) throw bad('that is a certificate (base64 of its DER): give its public key');
  // Base64 of base64: the PEM's body (or the PEM) encoded a second time.
  const inner = text.replace(/\s+/g, '');
  if (BASE64.test(inner) && publicKeyFromDer(Buffer.from(inner, 'base64'))) {
    throw bad('that is a public key base64-encoded twice: give the PEM, or its DER in base64 once');
  }
  if (expect === 'public_key') throw bad(NOT_PUBLIC_KEY);
  if (bytes.length < MIN_HMAC_BYTES) {
    throw bad(`the HMAC secret is ${bytes.length} bytes; use at least ${MIN_HMAC_BYTES} (256 bits)`);
  }
  return { kind: 'hmac', secret: new Uint8Array(bytes), stored: bytes.toString('base64') };
}

/**
 * Over upstream's 1,024 characters. Base64 of an RSA 4096-bit key's PEM is 1,068: the message
 * names the forms of this key that do fit (its PEM, 799; base64 of its DER, 736), measured, not
 * assumed; a key no form of which fits (RSA 8192) is told so.
 */
function tooLong(input: string, expect: SigningKeyKind | undefined): AppError {
  const over = `${thousands(input.length)} characters, over the limit of ${thousands(MAX_SIGNING_KEY_CHARS)}`;
  let key: SigningKey;
  try {
    key = interpret(input, expect);
  } catch (error) {
    // No key at all (an RSA private key is 1,600 characters and more): its reason first, then the length.
    const reason = error instanceof AppError ? error.fieldErrors['user_config.jwt.signing_key']?.[0] : undefined;
    return bad(reason ? `${reason} (and at ${thousands(input.length)} characters it is over the limit of ${thousands(MAX_SIGNING_KEY_CHARS)})` : over);
  }
  if (key.kind === 'hmac') return bad(`${over}: the HMAC secret is ${key.secret.length} bytes; a shorter one will do (${MIN_HMAC_BYTES} to 64 bytes)`);
  const forms = [
    { name: 'as the PEM itself', length: (key.key.export({ format: 'pem', type: 'spki' }) as string).trim().length },
    { name: "as base64 of its DER, the PEM's body without header lines", length: key.stored.length },
  ].filter((f) => f.length <= MAX_SIGNING_KEY_CHARS);
  const label = signingKeyLabel(key);
  if (forms.length === 0) return bad(`${over}: no form of this ${label} fits; use an RSA key of 2048 to 4096 bits, or ECDSA`);
  return bad(`${over}: give this ${label} ${forms.map((f) => `${f.name} (${thousands(f.length)} characters)`).join(' or ')}`);
}

/**
 * Checks a signing key as given (a PEM, base64 of a PEM, base64 of a DER public key, base64 of an
 * HMAC secret) and returns it with its stored form. `expect` is the console's choice of
 * algorithm; the API leaves it out and the value decides.
 */
export function parseSigningKey(input: string, expect?: SigningKeyKind): SigningKey {
  if (input.length > MAX_SIGNING_KEY_CHARS) throw tooLong(input, expect);
  return interpret(input, expect);
}

/** A stored key read back; null when it is not one (never stored by us, but checked anyway). */
export function storedSigningKey(stored: string): SigningKey | null {
  try {
    return parseSigningKey(stored);
  } catch {
    return null;
  }
}

/** How the console and the audit log show a secret: its kind and a short fingerprint, never the value. */
export function maskSecret(value: unknown): string {
  if (typeof value !== 'string') return '(none)';
  const fingerprint = createHash('sha256').update(value).digest('hex').slice(0, 8);
  return `•••••••• (sha256 ${fingerprint})`;
}

/** "RSA 2048-bit public key •••••••• (sha256 1a2b3c4d)": the console's saved key, its value never shown. */
export function describeSigningKey(stored: string): string {
  const key = storedSigningKey(stored);
  return `${key ? signingKeyLabel(key) : 'key'} ${maskSecret(stored)}`;
}
