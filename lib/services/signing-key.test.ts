import { createPublicKey, generateKeyPairSync, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rejection } from '@/lib/testing/errors';
import { generate } from 'selfsigned';
import { describeSigningKey, maskSecret, MAX_SIGNING_KEY_CHARS, MIN_HMAC_BYTES, parseSigningKey, signingKeyLabel, storedSigningKey } from './signing-key';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsa4096 = generateKeyPairSync('rsa', { modulusLength: 4096 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ec384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ec521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
const pem = (key: KeyObject) => key.export({ format: 'pem', type: 'spki' }) as string;
const der64 = (key: KeyObject) => (key.export({ format: 'der', type: 'spki' }) as Buffer).toString('base64');
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
/** GNU base64 wraps its output at 76 columns: what `base64 < key.pem` prints. */
const wrapped = (text: string) => b64(text).replace(/.{76}/g, '$&\n');
const privatePem = (key: KeyObject, type: 'pkcs8' | 'pkcs1' | 'sec1') => key.export({ format: 'pem', type }) as string;

describe('parseSigningKey: public keys in every form the seed allows', () => {
  it.each([
    ['a raw RSA PEM', () => pem(rsa.publicKey), rsa.publicKey, 'RSA 2048-bit public key'],
    ['a raw EC P-256 PEM', () => pem(ec.publicKey), ec.publicKey, 'ECDSA P-256 public key'],
    ['a raw EC P-384 PEM', () => pem(ec384.publicKey), ec384.publicKey, 'ECDSA P-384 public key'],
    ['a raw EC P-521 PEM', () => pem(ec521.publicKey), ec521.publicKey, 'ECDSA P-521 public key'],
    ['a PEM with spaces around it and CRLF line ends', () => `\n  ${pem(ec.publicKey).replace(/\n/g, '\r\n')}  \n`, ec.publicKey, 'ECDSA P-256 public key'],
    ['a PKCS#1 PEM (BEGIN RSA PUBLIC KEY)', () => rsa.publicKey.export({ format: 'pem', type: 'pkcs1' }) as string, rsa.publicKey, 'RSA 2048-bit public key'],
    ['base64 of an RSA PEM (the seed: "base64-encoded ... PEM-formatted")', () => b64(pem(rsa.publicKey)), rsa.publicKey, 'RSA 2048-bit public key'],
    ['base64 of an EC PEM', () => b64(pem(ec.publicKey)), ec.publicKey, 'ECDSA P-256 public key'],
    ['base64 of a PEM as GNU base64 wraps it', () => wrapped(pem(rsa.publicKey)), rsa.publicKey, 'RSA 2048-bit public key'],
    ['base64 of an RSA DER (the PEM body)', () => der64(rsa.publicKey), rsa.publicKey, 'RSA 2048-bit public key'],
    ['base64 of an EC DER', () => der64(ec.publicKey), ec.publicKey, 'ECDSA P-256 public key'],
    ['the PEM body with its line breaks', () => pem(rsa.publicKey).split('\n').slice(1, -2).join('\n'), rsa.publicKey, 'RSA 2048-bit public key'],
    ['a raw RSA 4096-bit PEM (within 1,024 characters)', () => pem(rsa4096.publicKey), rsa4096.publicKey, 'RSA 4096-bit public key'],
    ['base64 of an RSA 4096-bit DER', () => der64(rsa4096.publicKey), rsa4096.publicKey, 'RSA 4096-bit public key'],
  ] as const)('reads %s, shows its type and size, stores base64 of the DER', (_name, input, key, label) => {
    const parsed = parseSigningKey(input());
    expect(parsed.kind).toBe('public_key');
    expect(signingKeyLabel(parsed)).toBe(label);
    expect(parsed.stored).toBe(der64(key));
    // The stored form reads back as itself: GET then PUT of the same value changes nothing.
    expect(parseSigningKey(parsed.stored).stored).toBe(parsed.stored);
    expect(parsed.stored.length).toBeLessThanOrEqual(MAX_SIGNING_KEY_CHARS);
  });

  it('accepts every public form when the console says RSA/ECDSA', () => {
    for (const input of [pem(rsa.publicKey), b64(pem(rsa.publicKey)), der64(rsa.publicKey)]) {
      expect(parseSigningKey(input, 'public_key').stored).toBe(der64(rsa.publicKey));
    }
  });
});

describe('parseSigningKey: HMAC secrets', () => {
  it.each([32, 48, 64, 512])('keeps a %i-byte secret in base64 and says its size', (size) => {
    const secret = randomBytes(size);
    const key = parseSigningKey(secret.toString('base64'));
    expect(key).toMatchObject({ kind: 'hmac', stored: secret.toString('base64') });
    expect(key.kind === 'hmac' && Buffer.from(key.secret).equals(secret)).toBe(true);
    expect(signingKeyLabel(key)).toBe(`HMAC secret, ${size} bytes`);
    expect(parseSigningKey(secret.toString('base64'), 'hmac').kind).toBe('hmac');
  });

  it('keeps a secret that is base64 of text (a passphrase), and of base64 of random bytes', () => {
    expect(parseSigningKey(b64('correct horse battery staple, and some more words')).kind).toBe('hmac');
    expect(parseSigningKey(b64(randomBytes(32).toString('base64'))).kind).toBe('hmac');
  });
});

describe('parseSigningKey: refused beside the field, never stored as an HMAC secret', () => {
  const field = async (input: string, kind?: 'public_key' | 'hmac') => {
    const error = await rejection(() => parseSigningKey(input, kind));
    expect(error.status).toBe(400);
    expect(error.code).toBe('bad_request');
    const message = error.fieldErrors['user_config.jwt.signing_key']![0]!;
    expect(error.message).toBe(`jwt.signing_key: ${message}`);
    return message;
  };
  const garbagePem = '-----BEGIN PUBLIC KEY-----\nTUlJQklqQU5CZ2txaGtpRzl3MEJBUUVGQUFPQ0FROEFNSUlCQ2dLQ0FRRUF0aGlzIGlzIG5vdCBhIGtleQ==\n-----END PUBLIC KEY-----\n';

  it.each<[string, () => string, string | RegExp, ('public_key' | 'hmac')?]>([
    ['empty', () => '', 'enter a key'],
    ['only spaces', () => '  \n ', 'enter a key'],
    ['text that is not base64', () => 'my secret!', 'not base64: encode the secret first (for example `printf %s "$SECRET" | base64`)'],
    ['a PEM whose body is garbage', () => garbagePem, "not a readable PEM public key: the block's body is damaged or is no RSA/ECDSA public key"],
    ['base64 of a PEM whose body is garbage', () => b64(garbagePem), "not a readable PEM public key (it is base64 of a PEM block): the block's body is damaged or is no RSA/ECDSA public key"],
    ['base64 of a PEM header and nothing else', () => b64('-----BEGIN PUBLIC KEY-----\n'), "not a readable PEM public key (it is base64 of a PEM block): the block's body is damaged or is no RSA/ECDSA public key"],
    ['a PEM private key (PKCS#8)', () => privatePem(rsa.privateKey, 'pkcs8'), /^that is a private key: a key that verifies tokens must be public, and a private key is never stored/],
    ['a PEM private key (PKCS#1)', () => privatePem(rsa.privateKey, 'pkcs1'), /^that is a private key:/],
    ['a PEM private key (SEC1)', () => privatePem(ec.privateKey, 'sec1'), /^that is a private key:/],
    ['an encrypted PEM private key', () => rsa.privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'x' }) as string, /^that is a private key:/],
    ['base64 of a PEM private key', () => b64(privatePem(ec.privateKey, 'pkcs8')), /^that is a private key \(it is base64 of a PEM block\):/],
    ['base64 of a private key DER (PKCS#8)', () => (ec.privateKey.export({ format: 'der', type: 'pkcs8' }) as Buffer).toString('base64'), /^that is a private key \(base64 of its DER\)/],
    ['base64 of a private key DER (SEC1)', () => (ec.privateKey.export({ format: 'der', type: 'sec1' }) as Buffer).toString('base64'), /^that is a private key \(base64 of its DER\)/],
    ['a private key where HMAC was chosen', () => privatePem(ec.privateKey, 'pkcs8'), /^that is a private key:/, 'hmac'],
    ['a PEM and its private key pasted together', () => pem(ec.publicKey) + privatePem(ec.privateKey, 'pkcs8'), /^that is a private key:/],
    ['a certificate', () => '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', /^that is a certificate: give its public key/],
    ['two public keys', () => pem(ec.publicKey) + pem(rsa.publicKey), 'that has 2 PEM blocks: give one public key'],
    ['a public key and a certificate pasted together', () => pem(ec.publicKey) + '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', /^that is a certificate: give its public key/],
    ['a PEM header without a label', () => '-----BEGIN-----\nMIIB\n-----END-----', 'not a readable PEM block'],
    ['text that is not base64 where RSA/ECDSA was chosen', () => 'my secret!', /^not a PEM public key: paste the block/, 'public_key'],
    ['a 1024-bit RSA key', () => pem(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey), 'the RSA key is 1024 bits, shorter than 2048'],
    ['an Ed25519 key', () => pem(generateKeyPairSync('ed25519').publicKey), 'a ed25519 key cannot verify JWTs here: use an RSA or ECDSA public key'],
    ['a secp256k1 key', () => der64(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey), 'the ECDSA curve secp256k1 is not one JWT uses: ES256, ES384 and ES512 take P-256, P-384 and P-521'],
    ['a public key base64-encoded twice', () => b64(der64(rsa.publicKey)), 'that is a public key base64-encoded twice: give the PEM, or its DER in base64 once'],
    ['an OpenSSH public key', () => 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB1 me@host', 'that is an OpenSSH public key: give it as PEM (ssh-keygen -e -m PKCS8 -f key.pub)'],
    ['an OpenSSH RSA public key', () => 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 me@host', 'that is an OpenSSH public key: give it as PEM (ssh-keygen -e -m PKCS8 -f key.pub)'],
    ['an OpenSSH ECDSA public key', () => 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTY= me@host', 'that is an OpenSSH public key: give it as PEM (ssh-keygen -e -m PKCS8 -f key.pub)'],
    ['text that only mentions ssh-rsa', () => 'my ssh-rsa key', 'not base64: encode the secret first (for example `printf %s "$SECRET" | base64`)'],
    ['a JWK', () => JSON.stringify(ec.publicKey.export({ format: 'jwk' })), 'that looks like a JWK: give the key as PEM, or its DER in base64'],
    ['a short HMAC secret', () => randomBytes(MIN_HMAC_BYTES - 1).toString('base64'), 'the HMAC secret is 31 bytes; use at least 32 (256 bits)'],
    ['base64 without its padding', () => randomBytes(32).toString('base64').replace(/=+$/, ''), /^not base64/],
    ['a PEM key where HMAC was chosen', () => pem(rsa.publicKey), 'that is a PEM key; choose RSA/ECDSA for it, or for HMAC enter the shared secret in base64', 'hmac'],
    ['base64 of a PEM where HMAC was chosen', () => b64(pem(rsa.publicKey)), /^that is a PEM key \(it is base64 of a PEM block\); choose RSA\/ECDSA/, 'hmac'],
    ['base64 of a DER where HMAC was chosen', () => der64(ec.publicKey), 'that is a public key; choose RSA/ECDSA for it', 'hmac'],
    ['a secret where RSA/ECDSA was chosen', () => randomBytes(32).toString('base64'), /^not a PEM public key: paste the block/, 'public_key'],
  ])('refuses %s', async (_name, input, expected, kind) => {
    const message = await field(input(), kind);
    if (typeof expected === 'string') expect(message).toBe(expected);
    else expect(message).toMatch(expected);
  });

  it('refuses a real certificate in each form, although node:crypto would read its public key', async () => {
    // An ECDSA certificate: every form of it is within the 1,024 characters.
    const { cert: certificate } = await generate([{ name: 'commonName', value: 'idp.example.test' }], { keyType: 'ec', algorithm: 'sha256' });
    const certDer = new X509Certificate(certificate).raw.toString('base64');
    expect(b64(certificate).length).toBeLessThanOrEqual(MAX_SIGNING_KEY_CHARS);
    // createPublicKey takes a certificate and returns its key: only the check refuses it.
    expect(createPublicKey(certificate).asymmetricKeyType).toBe('ec');
    expect(await field(certificate)).toBe('that is a certificate: give its public key (BEGIN PUBLIC KEY; openssl x509 -pubkey -noout)');
    expect(await field(b64(certificate))).toBe('that is a certificate (it is base64 of a PEM block): give its public key (BEGIN PUBLIC KEY; openssl x509 -pubkey -noout)');
    expect(await field(certDer)).toBe('that is a certificate (base64 of its DER): give its public key');
    expect(await field(certDer, 'hmac')).toBe('that is a certificate (base64 of its DER): give its public key');
  });

  it('refuses base64 of an RSA 4096-bit PEM (1,068 characters) and names the forms that fit, measured', async () => {
    const given = b64(pem(rsa4096.publicKey));
    expect(given.length).toBe(1068);
    const fits = pem(rsa4096.publicKey).trim();
    expect(fits.length).toBeLessThanOrEqual(MAX_SIGNING_KEY_CHARS);
    expect(await field(given)).toBe(
      `1,068 characters, over the limit of 1,024: give this RSA 4096-bit public key as the PEM itself (${fits.length.toLocaleString('en-US')} characters) or as base64 of its DER, the PEM's body without header lines (736 characters)`,
    );
    // Both forms the message names are accepted as the same key.
    expect(parseSigningKey(fits).stored).toBe(der64(rsa4096.publicKey));
    expect(await field(wrapped(pem(rsa4096.publicKey)))).toMatch(/^1,082 characters, over the limit of 1,024: give this RSA 4096-bit public key as the PEM itself/);
  });

  it('tells an RSA 8192-bit key that no form fits', async () => {
    // An 8192-bit modulus without generating one (that takes tens of seconds): node:crypto reads
    // the size and does not test the factors of a public key.
    const n = randomBytes(1024);
    n[0]! |= 0x80;
    n[1023]! |= 1;
    const big = createPublicKey({ key: { kty: 'RSA', n: n.toString('base64url'), e: 'AQAB' }, format: 'jwk' });
    expect(await field(der64(big))).toBe('1,416 characters, over the limit of 1,024: no form of this RSA 8192-bit public key fits; use an RSA key of 2048 to 4096 bits, or ECDSA');
    expect(await field(pem(big))).toMatch(/^1,49\d characters, over the limit of 1,024: no form of this RSA 8192-bit public key fits/);
  });

  it('names a form of exactly 1,024 characters as one that fits', async () => {
    // A 5,832-bit RSA modulus: base64 of its DER is 1,024 characters exactly, its PEM 1,091.
    const n = randomBytes(729);
    n[0]! |= 0x80;
    n[728]! |= 1;
    const key = createPublicKey({ key: { kty: 'RSA', n: n.toString('base64url'), e: 'AQAB' }, format: 'jwk' });
    expect(der64(key)).toHaveLength(MAX_SIGNING_KEY_CHARS);
    expect(await field(pem(key))).toBe(
      "1,092 characters, over the limit of 1,024: give this RSA 5832-bit public key as base64 of its DER, the PEM's body without header lines (1,024 characters)",
    );
    expect(parseSigningKey(der64(key)).stored).toBe(der64(key));
  });

  it('gives the reason a long value is no key before its length, and a long secret its size', async () => {
    expect(await field('x'.repeat(1025))).toBe('not base64: encode the secret first (for example `printf %s "$SECRET" | base64`) (and at 1,025 characters it is over the limit of 1,024)');
    // A private key is longer than the limit: the reason comes first, never only the length.
    expect(await field(privatePem(rsa.privateKey, 'pkcs1'))).toMatch(/^that is a private key: .* \(and at 1,6\d\d characters it is over the limit of 1,024\)$/);
    expect(await field(b64(privatePem(rsa.privateKey, 'pkcs8')))).toMatch(/^that is a private key \(it is base64 of a PEM block\): .* \(and at 2,\d{3} characters it is over the limit of 1,024\)$/);
    expect(await field(randomBytes(780).toString('base64') + '!!!!')).toMatch(/^not base64.*over the limit of 1,024\)$/);
    expect(await field(randomBytes(780).toString('base64'))).toBe('1,040 characters, over the limit of 1,024: the HMAC secret is 780 bytes; a shorter one will do (32 to 64 bytes)');
    // 1,024 characters exactly is within the limit.
    expect(parseSigningKey(randomBytes(768).toString('base64')).kind).toBe('hmac');
  });
});

describe('storedSigningKey and masking', () => {
  it('reads what an older version stored as a 451-byte "HMAC secret" (base64 of a PEM) as the RSA key it is', () => {
    const old = b64(pem(rsa.publicKey));
    expect(Buffer.from(old, 'base64')).toHaveLength(451);
    expect(storedSigningKey(old)).toMatchObject({ kind: 'public_key', keyType: 'rsa', bits: 2048 });
    expect(storedSigningKey('not a key')).toBeNull();
  });

  it('masks what is no string as "(none)"', () => {
    expect(maskSecret(undefined)).toBe('(none)');
    expect(maskSecret(null)).toBe('(none)');
    expect(maskSecret(42)).toBe('(none)');
    expect(maskSecret('')).toBe('•••••••• (sha256 e3b0c442)');
  });

  it('never shows the value, only its type, size and a fingerprint', () => {
    const secret = randomBytes(32).toString('base64');
    expect(maskSecret(secret)).not.toContain(secret.slice(0, 8));
    expect(maskSecret(secret)).toMatch(/^•+ \(sha256 [0-9a-f]{8}\)$/);
    expect(maskSecret(secret)).not.toBe(maskSecret(randomBytes(32).toString('base64')));
    expect(describeSigningKey(secret)).toMatch(/^HMAC secret, 32 bytes •{8} \(sha256 [0-9a-f]{8}\)$/);
    expect(describeSigningKey(der64(ec.publicKey))).toMatch(/^ECDSA P-256 public key •{8} \(sha256 [0-9a-f]{8}\)$/);
    expect(describeSigningKey(der64(rsa.publicKey))).toMatch(/^RSA 2048-bit public key •{8} \(sha256 [0-9a-f]{8}\)$/);
    expect(describeSigningKey(der64(rsa.publicKey))).not.toContain(der64(rsa.publicKey).slice(0, 16));
  });
});
