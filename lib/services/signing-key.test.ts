import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rejection } from '@/lib/testing/errors';
import { describeSigningKey, maskSecret, MIN_HMAC_BYTES, parseSigningKey } from './signing-key';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = (key: typeof rsa.publicKey) => key.export({ format: 'pem', type: 'spki' }) as string;
const der64 = (key: typeof rsa.publicKey) => (key.export({ format: 'der', type: 'spki' }) as Buffer).toString('base64');

describe('parseSigningKey', () => {
  it.each([
    ['an RSA PEM public key', () => pem(rsa.publicKey), 'public_key', () => der64(rsa.publicKey)],
    ['an EC PEM public key', () => pem(ec.publicKey), 'public_key', () => der64(ec.publicKey)],
    ['an RSA public key as base64 DER (the PEM body)', () => der64(rsa.publicKey), 'public_key', () => der64(rsa.publicKey)],
    ['a PEM with spaces around it', () => `\n  ${pem(ec.publicKey)}  \n`, 'public_key', () => der64(ec.publicKey)],
  ] as const)('reads %s and stores base64 DER', (_name, input, kind, stored) => {
    const key = parseSigningKey(input());
    expect(key.kind).toBe(kind);
    expect(key.stored).toBe(stored());
    expect(key.stored).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it('reads an HMAC secret in base64 and keeps its bytes', () => {
    const secret = randomBytes(32);
    const key = parseSigningKey(secret.toString('base64'));
    expect(key).toMatchObject({ kind: 'hmac', stored: secret.toString('base64') });
    expect(key.kind === 'hmac' && Buffer.from(key.secret).equals(secret)).toBe(true);
    expect(parseSigningKey(secret.toString('base64'), 'hmac').kind).toBe('hmac');
  });

  it.each([
    ['empty', '', undefined, /enter a key/],
    ['a private key', () => rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, undefined, /private key/],
    ['a certificate', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', undefined, /certificate/],
    ['a broken PEM', '-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----', undefined, /not a readable PEM/],
    ['a short HMAC secret', randomBytes(MIN_HMAC_BYTES - 1).toString('base64'), undefined, /31 bytes; use at least 32/],
    ['text that is not base64', 'my secret!', undefined, /not base64/],
    ['a PEM key where HMAC was chosen', () => pem(rsa.publicKey), 'hmac', /for HMAC enter the shared secret/],
    ['a secret where RSA/ECDSA was chosen', randomBytes(32).toString('base64'), 'public_key', /not a PEM public key/],
    ['a 1024-bit RSA key', () => pem(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey), undefined, /shorter than 2048/],
    ['an Ed25519 key', () => pem(generateKeyPairSync('ed25519').publicKey), undefined, /ed25519 key cannot verify/],
  ] as const)('refuses %s beside the field', (_name, input, kind, message) => {
    const error = rejection(() => parseSigningKey(typeof input === 'function' ? input() : input, kind));
    expect(error.status).toBe(400);
    expect(error.fieldErrors['user_config.jwt.signing_key']![0]).toMatch(message);
  });
});

describe('masking', () => {
  it('never shows the value, only a fingerprint', () => {
    const secret = randomBytes(32).toString('base64');
    expect(maskSecret(secret)).not.toContain(secret.slice(0, 8));
    expect(maskSecret(secret)).toMatch(/^•+ \(sha256 [0-9a-f]{8}\)$/);
    expect(maskSecret(secret)).not.toBe(maskSecret(randomBytes(32).toString('base64')));
    expect(describeSigningKey(secret)).toMatch(/^HMAC secret, 32 bytes •+/);
    expect(describeSigningKey(der64(ec.publicKey))).toMatch(/^EC public key/);
  });
});
