import { X509Certificate } from 'node:crypto';

// What we hand @node-saml/node-saml as `idpCert`. The library passes each configured
// certificate, as PEM text, to xml-crypto, which passes it to crypto.verify on every signature
// check; OpenSSL then decodes the whole X.509 certificate again each time (about 190 µs of CPU,
// against 30 µs for the RSA verification itself). The library takes no KeyObject, only PEM, but
// a PKCS#1 "RSA PUBLIC KEY" PEM decodes in a few µs. So each certificate's RSA public key is
// computed once, in that form, and kept keyed by the certificate's PEM text.
//
// The public key is all the library uses a certificate for: xml-crypto ignores the KeyInfo the
// response carries and node-saml checks no dates (our own certificate checks, expiry included,
// run in acs.ts on the stored certificate). So exactly the signatures that verified with the
// certificate verify with its key, and exactly the same ones are refused.

/** The PKCS#1 PEM of an RSA certificate's public key; anything else unchanged (the library then behaves as before). */
export function rsaPublicKeyPem(certificatePem: string): string {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificatePem);
  } catch {
    return certificatePem;
  }
  // xml-crypto verifies RSA signatures only; an EC or RSA-PSS key stays in its certificate.
  if (certificate.publicKey.asymmetricKeyType !== 'rsa') return certificatePem;
  return certificate.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}

/**
 * Certificate PEM → the PEM the library verifies with, converted once per certificate text.
 * Bounded: past `capacity` certificates the least recently used one is dropped (a deployment
 * has a few per identity provider, and a dropped one is only converted again).
 */
export class VerificationKeys {
  private readonly byCertificate = new Map<string, string>();

  constructor(
    private readonly capacity = 256,
    private readonly convert: (certificatePem: string) => string = rsaPublicKeyPem,
  ) {}

  pemFor(certificatePem: string): string {
    const cached = this.byCertificate.get(certificatePem);
    if (cached !== undefined) {
      // Most recently used goes last: the Map keeps insertion order.
      this.byCertificate.delete(certificatePem);
      this.byCertificate.set(certificatePem, cached);
      return cached;
    }
    const pem = this.convert(certificatePem);
    if (this.byCertificate.size >= this.capacity) {
      // The first key is the least recently used one.
      for (const oldest of this.byCertificate.keys()) {
        this.byCertificate.delete(oldest);
        break;
      }
    }
    this.byCertificate.set(certificatePem, pem);
    return pem;
  }

  get size(): number {
    return this.byCertificate.size;
  }
}

/** The process's cache, used by validateSamlResponse. */
export const verificationKeys = new VerificationKeys();
