import { createPublicKey, X509Certificate } from 'node:crypto';
import { generate } from 'selfsigned';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, type KeyPair } from '@/lib/testing/saml-idp';
import { rsaPublicKeyPem, VerificationKeys } from './verification-keys';

// The PEM handed to the SAML library in place of each configured certificate: the certificate's
// own RSA key, converted once per certificate text. validate.test.ts checks that signatures
// verify and are refused with it exactly as with the certificate.

let a: KeyPair;
let b: KeyPair;
let c: KeyPair;

beforeAll(async () => {
  [a, b, c] = await Promise.all([generateKeyPair('a.example.test'), generateKeyPair('b.example.test'), generateKeyPair('c.example.test')]);
});

describe('rsaPublicKeyPem', () => {
  it('is the certificate\'s own public key, as a PKCS#1 PEM', () => {
    const pem = rsaPublicKeyPem(a.certificate);
    expect(pem).toMatch(/^-----BEGIN RSA PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+\n-----END RSA PUBLIC KEY-----\n$/);
    expect(createPublicKey(pem).equals(new X509Certificate(a.certificate).publicKey)).toBe(true);
  });

  it('two certificates give two different keys, each its own', () => {
    const [keyA, keyB] = [rsaPublicKeyPem(a.certificate), rsaPublicKeyPem(b.certificate)];
    expect(keyA).not.toBe(keyB);
    expect(createPublicKey(keyB).equals(new X509Certificate(b.certificate).publicKey)).toBe(true);
    expect(createPublicKey(keyB).equals(new X509Certificate(a.certificate).publicKey)).toBe(false);
  });

  it('leaves an EC certificate, and text that is no certificate, unchanged', async () => {
    const ec = await generate([{ name: 'commonName', value: 'ec.example.test' }], { keyType: 'ec', algorithm: 'sha256' });
    expect(new X509Certificate(ec.cert).publicKey.asymmetricKeyType).toBe('ec');
    expect(rsaPublicKeyPem(ec.cert)).toBe(ec.cert);
    expect(rsaPublicKeyPem('not a certificate')).toBe('not a certificate');
  });
});

describe('VerificationKeys: converted once per certificate, bounded', () => {
  /** The real conversion, counting its calls per certificate. */
  function counting() {
    const calls = new Map<string, number>();
    const convert = (pem: string) => {
      calls.set(pem, (calls.get(pem) ?? 0) + 1);
      return rsaPublicKeyPem(pem);
    };
    return { calls, convert };
  }

  it('a second lookup of the same certificate is a hit: the same key, not converted again', () => {
    const { calls, convert } = counting();
    const keys = new VerificationKeys(8, convert);
    const first = keys.pemFor(a.certificate);
    expect(keys.pemFor(a.certificate)).toBe(first);
    expect(first).toBe(rsaPublicKeyPem(a.certificate));
    expect(calls.get(a.certificate)).toBe(1);
    expect(keys.size).toBe(1);
  });

  it('another certificate is not confused with a cached one', () => {
    const { calls, convert } = counting();
    const keys = new VerificationKeys(8, convert);
    const keyA = keys.pemFor(a.certificate);
    const keyB = keys.pemFor(b.certificate);
    expect(keyB).not.toBe(keyA);
    expect(createPublicKey(keyB).equals(new X509Certificate(b.certificate).publicKey)).toBe(true);
    expect(keys.pemFor(a.certificate)).toBe(keyA);
    expect([calls.get(a.certificate), calls.get(b.certificate), keys.size]).toEqual([1, 1, 2]);
  });

  it('keys by the exact PEM text: the same certificate wrapped differently is converted on its own, to the same key', () => {
    const { calls, convert } = counting();
    const keys = new VerificationKeys(8, convert);
    const crlf = a.certificate.replace(/\r?\n/g, '\r\n');
    expect(crlf).not.toBe(a.certificate);
    expect(keys.pemFor(crlf)).toBe(keys.pemFor(a.certificate));
    expect([calls.get(a.certificate), calls.get(crlf), keys.size]).toEqual([1, 1, 2]);
  });

  it('holds at most `capacity` certificates, dropping the least recently used', () => {
    const { calls, convert } = counting();
    const keys = new VerificationKeys(2, convert);
    keys.pemFor(a.certificate);
    keys.pemFor(b.certificate);
    keys.pemFor(a.certificate); // a is now the most recently used: b goes first
    keys.pemFor(c.certificate);
    expect(keys.size).toBe(2);
    keys.pemFor(a.certificate);
    expect(calls.get(a.certificate)).toBe(1);
    keys.pemFor(b.certificate);
    expect(calls.get(b.certificate)).toBe(2);
    expect(calls.get(c.certificate)).toBe(1);
  });
});
