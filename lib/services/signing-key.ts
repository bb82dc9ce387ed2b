import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { AppError } from '@/lib/errors';

// OpenSearch's jwt.signing_key. The documentation asks for it base64-encoded: an HMAC secret as
// base64, or an RSA/ECDSA public key as PEM. We accept a PEM block (header lines and all, as
// people paste it) or base64 (of an HMAC secret, or of a DER public key, the PEM's body), check
// it, and store one form: base64 on one line. A public key is stored as the base64 of its
// SubjectPublicKeyInfo DER (the PEM without its header lines, which OpenSearch also takes); a
// secret as the base64 of its bytes.

export type SigningKeyKind = 'public_key' | 'hmac';

export type SigningKey =
  | { kind: 'public_key'; keyType: 'rsa' | 'ec'; key: KeyObject; stored: string }
  | { kind: 'hmac'; secret: Uint8Array; stored: string };

/** HS256 needs a key as long as its hash (RFC 7518 §3.2): shorter secrets are refused. */
export const MIN_HMAC_BYTES = 32;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function bad(message: string): AppError {
  return new AppError('bad_request', `jwt.signing_key: ${message}`, { 'user_config.jwt.signing_key': [message] });
}

function publicKeyFromDer(der: Buffer): KeyObject | null {
  try {
    return createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    return null;
  }
}

function asPublicKey(key: KeyObject): SigningKey {
  const keyType = key.asymmetricKeyType;
  if (keyType !== 'rsa' && keyType !== 'ec') {
    throw bad(`a ${keyType ?? 'unknown'} key cannot verify JWTs here: use an RSA or ECDSA public key`);
  }
  if (keyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    throw bad('the RSA key is shorter than 2048 bits');
  }
  const der = key.export({ format: 'der', type: 'spki' });
  return { kind: 'public_key', keyType, key, stored: der.toString('base64') };
}

/**
 * Checks a signing key as given (PEM, or base64) and returns it with its stored form. `expect`
 * is the console's choice of algorithm; the API leaves it out and the value decides.
 */
export function parseSigningKey(input: string, expect?: SigningKeyKind): SigningKey {
  const value = input.trim();
  if (value === '') throw bad('enter a key');
  if (value.includes('-----BEGIN')) {
    if (expect === 'hmac') throw bad('that is a PEM key; for HMAC enter the shared secret in base64');
    if (/PRIVATE KEY-----/.test(value)) throw bad('that is a private key: enter the public key only');
    if (/CERTIFICATE-----/.test(value)) throw bad('that is a certificate: enter its public key (BEGIN PUBLIC KEY)');
    let key: KeyObject;
    try {
      key = createPublicKey({ key: value, format: 'pem' });
    } catch {
      throw bad('not a readable PEM public key');
    }
    return asPublicKey(key);
  }
  const compact = value.replace(/\s+/g, '');
  if (!BASE64.test(compact)) {
    throw bad(
      expect === 'public_key'
        ? 'not a PEM public key: paste the block from -----BEGIN PUBLIC KEY----- to -----END PUBLIC KEY-----'
        : 'not base64: encode the secret first (for example `printf %s "$SECRET" | base64`)',
    );
  }
  const bytes = Buffer.from(compact, 'base64');
  const publicKey = publicKeyFromDer(bytes);
  if (publicKey) {
    if (expect === 'hmac') throw bad('that is a public key; choose RSA/ECDSA for it');
    return asPublicKey(publicKey);
  }
  if (expect === 'public_key') throw bad('not a PEM public key: paste the block from -----BEGIN PUBLIC KEY----- to -----END PUBLIC KEY-----');
  if (bytes.length < MIN_HMAC_BYTES) {
    throw bad(`the HMAC secret is ${bytes.length} bytes; use at least ${MIN_HMAC_BYTES} (256 bits)`);
  }
  return { kind: 'hmac', secret: new Uint8Array(bytes), stored: bytes.toString('base64') };
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

export function describeSigningKey(stored: string): string {
  const key = storedSigningKey(stored);
  const kind = !key ? 'key' : key.kind === 'hmac' ? `HMAC secret, ${key.secret.length} bytes` : `${key.keyType.toUpperCase()} public key`;
  return `${kind} ${maskSecret(stored)}`;
}
