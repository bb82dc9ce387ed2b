import { randomBytes, verify } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inflateRawSync } from 'node:zlib';
import { DOMParser } from '@xmldom/xmldom';
import { generate } from 'selfsigned';
import { SignedXml } from 'xml-crypto';

// A small SAML 2.0 identity provider for the tests: it signs responses with a key pair the test
// generates (xml-crypto, RSA-SHA256, exclusive C14N), and serves the HTTP-Redirect binding on
// 127.0.0.1 with a one-field sign-in page, as a real IdP would. The builder also crafts the bad
// responses of the negative tests (expired, wrong audience, tampered, ...) with the same key.

export type KeyPair = { privateKey: string; certificate: string };

export async function generateKeyPair(commonName = 'test-idp.example.test', validity?: { notBefore: Date; notAfter: Date }): Promise<KeyPair> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keySize: 2048,
    algorithm: 'sha256',
    ...(validity ? { notBeforeDate: validity.notBefore, notAfterDate: validity.notAfter } : {}),
  });
  return { privateKey: pems.private, certificate: pems.cert };
}

export type ResponseOptions = {
  acsUrl: string;
  /** Our SP entity ID. */
  audience: string;
  nameId: string;
  attributes?: Record<string, string | string[]>;
  inResponseTo?: string | null;
  /** Defaults: the IdP's entity ID, the ACS URL for both. null leaves the element out. */
  issuer?: string;
  /** The Response's own Issuer, when it should differ from the assertion's; null leaves it out. */
  responseIssuer?: string | null;
  destination?: string | null;
  recipient?: string;
  notBefore?: Date;
  /** null leaves NotOnOrAfter out of the Conditions and the subject confirmation. */
  notOnOrAfter?: Date | null;
  /** SubjectConfirmationData/@NotOnOrAfter, when it should differ from the Conditions' one. */
  confirmationNotOnOrAfter?: Date;
  /** SubjectConfirmation/@Method (default bearer). */
  confirmationMethod?: string;
  /** Another bearer SubjectConfirmation before the usual one, for another recipient. */
  otherConfirmation?: { recipient: string; inResponseTo?: string };
  assertionId?: string;
  signAssertion?: boolean;
  signResponse?: boolean;
  /** Sign with this key instead of the IdP's own (a wrong certificate). */
  key?: KeyPair;
  /** Changes the signed XML afterwards (tampering, signature wrapping). */
  tamper?: (xml: string) => string;
  /** A SAML status other than Success (the IdP refusing). */
  status?: string;
};

const esc = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const id = () => `_${randomBytes(16).toString('hex')}`;
const iso = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

const C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

function sign(xml: string, key: KeyPair, element: 'Assertion' | 'Response'): string {
  const signer = new SignedXml({ privateKey: key.privateKey, publicCert: key.certificate, canonicalizationAlgorithm: C14N, signatureAlgorithm: RSA_SHA256 });
  const xpath = element === 'Assertion' ? "//*[local-name(.)='Assertion']" : "/*[local-name(.)='Response']";
  signer.addReference({ xpath, digestAlgorithm: SHA256, transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', C14N] });
  // The signature goes right after the element's Issuer, where the schema puts it.
  signer.computeSignature(xml, { location: { reference: `${xpath}/*[local-name(.)='Issuer']`, action: 'after' } });
  return signer.getSignedXml();
}

export type AuthnRequestInfo = { id: string; acsUrl: string | null; issuer: string | null; relayState: string | null; signed: boolean };

/** Reads an HTTP-Redirect AuthnRequest from the URL a service provider sent the browser to. */
export function readAuthnRequest(url: string): AuthnRequestInfo {
  const params = new URL(url).searchParams;
  const xml = inflateRawSync(Buffer.from(params.get('SAMLRequest') ?? '', 'base64')).toString('utf8');
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const root = doc.documentElement!;
  const issuer = root.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Issuer')[0];
  return {
    id: root.getAttribute('ID')!,
    acsUrl: root.getAttribute('AssertionConsumerServiceURL'),
    issuer: issuer?.textContent ?? null,
    relayState: params.get('RelayState'),
    signed: params.has('Signature'),
  };
}

const SIG_ALGS: Record<string, string> = {
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': 'RSA-SHA1',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': 'RSA-SHA256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': 'RSA-SHA512',
};

/**
 * Checks the signature of an HTTP-Redirect request (SAML bindings 3.4.4.1): over the query's own
 * encoded SAMLRequest, RelayState and SigAlg, in that order, with the SP's certificate.
 */
export function verifyRedirectSignature(url: string, spCertificate: string): boolean {
  const raw = new URL(url).search.slice(1).split('&');
  const param = (name: string) => raw.find((p) => p.startsWith(`${name}=`));
  const sigAlg = new URL(url).searchParams.get('SigAlg');
  const signature = new URL(url).searchParams.get('Signature');
  if (!sigAlg || !signature || !SIG_ALGS[sigAlg]) return false;
  const signed = ['SAMLRequest', 'RelayState', 'SigAlg'].map(param).filter(Boolean).join('&');
  return verify(SIG_ALGS[sigAlg]!, Buffer.from(signed), spCertificate, Buffer.from(signature, 'base64'));
}

/** An HTML page that posts the response to the ACS at once (the HTTP-POST binding). */
export function autoPostForm(acsUrl: string, samlResponse: string, relayState?: string | null): string {
  return `<!doctype html><html><body><form method="post" action="${esc(acsUrl)}">
<input type="hidden" name="SAMLResponse" value="${esc(samlResponse)}">
${relayState ? `<input type="hidden" name="RelayState" value="${esc(relayState)}">` : ''}
<noscript><button type="submit">Continue</button></noscript></form>
<script>document.forms[0].submit()</script></body></html>`;
}

export class TestIdp {
  server: http.Server | null = null;
  baseUrl = '';
  /** Attributes sent for each address that signs in at this IdP. */
  readonly people = new Map<string, Record<string, string | string[]>>();

  private constructor(
    readonly key: KeyPair,
    readonly entityId: string,
  ) {}

  static async create(entityId = `https://idp-${randomBytes(4).toString('hex')}.example.test/saml`): Promise<TestIdp> {
    return new TestIdp(await generateKeyPair(), entityId);
  }

  get certificate() {
    return this.key.certificate;
  }

  get ssoUrl() {
    return `${this.baseUrl}/sso`;
  }

  /** The IdP's metadata XML, as an admin downloads it from the IdP. */
  metadataXml(): string {
    const body = this.key.certificate.replace(/-----[A-Z ]+-----|\s+/g, '');
    return `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${esc(this.entityId)}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${esc(this.ssoUrl)}/post"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${esc(this.ssoUrl)}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;
  }

  /** A SAML response, base64 as the ACS receives it. */
  response(options: ResponseOptions): string {
    const now = Date.now();
    const notBefore = options.notBefore ?? new Date(now - 30_000);
    const notOnOrAfter = options.notOnOrAfter === null ? null : (options.notOnOrAfter ?? new Date(now + 5 * 60_000));
    const issuer = options.issuer ?? this.entityId;
    const responseIssuer = options.responseIssuer === undefined ? issuer : options.responseIssuer;
    const confirmationEnd = options.confirmationNotOnOrAfter ?? notOnOrAfter;
    const confirmationMethod = options.confirmationMethod ?? 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
    const o = options.otherConfirmation;
    const other = o
      ? `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${iso(new Date(now + 5 * 60_000))}" Recipient="${esc(o.recipient)}"${o.inResponseTo ? ` InResponseTo="${esc(o.inResponseTo)}"` : ''}/></saml:SubjectConfirmation>`
      : '';
    const destination = options.destination === undefined ? options.acsUrl : options.destination;
    const recipient = options.recipient ?? options.acsUrl;
    const inResponseTo = options.inResponseTo ?? null;
    const irt = inResponseTo ? ` InResponseTo="${esc(inResponseTo)}"` : '';
    const attributes = Object.entries(options.attributes ?? {})
      .map(
        ([name, value]) =>
          `<saml:Attribute Name="${esc(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic">${(Array.isArray(value) ? value : [value])
            .map((v) => `<saml:AttributeValue xsi:type="xs:string">${esc(v)}</saml:AttributeValue>`)
            .join('')}</saml:Attribute>`,
      )
      .join('');
    const assertion = `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="${options.assertionId ?? id()}" Version="2.0" IssueInstant="${iso(new Date(now))}"><saml:Issuer>${esc(issuer)}</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${esc(options.nameId)}</saml:NameID>${other}<saml:SubjectConfirmation Method="${esc(confirmationMethod)}"><saml:SubjectConfirmationData${confirmationEnd ? ` NotOnOrAfter="${iso(confirmationEnd)}"` : ''} Recipient="${esc(recipient)}"${irt}/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="${iso(notBefore)}"${notOnOrAfter ? ` NotOnOrAfter="${iso(notOnOrAfter)}"` : ''}><saml:AudienceRestriction><saml:Audience>${esc(options.audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="${iso(new Date(now))}" SessionIndex="${id()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>${attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : ''}</saml:Assertion>`;
    const key = options.key ?? this.key;
    const signedAssertion = options.signAssertion === false ? assertion : sign(assertion, key, 'Assertion');
    const status = options.status ?? 'urn:oasis:names:tc:SAML:2.0:status:Success';
    let xml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id()}" Version="2.0" IssueInstant="${iso(new Date(now))}"${destination ? ` Destination="${esc(destination)}"` : ''}${irt}>${responseIssuer === null ? '' : `<saml:Issuer>${esc(responseIssuer)}</saml:Issuer>`}<samlp:Status><samlp:StatusCode Value="${status}"/></samlp:Status>${status.endsWith(':Success') ? signedAssertion : ''}</samlp:Response>`;
    if (options.signResponse) xml = sign(xml, key, 'Response');
    if (options.tamper) xml = options.tamper(xml);
    return Buffer.from(xml, 'utf8').toString('base64');
  }

  /** Starts the IdP's web endpoints on 127.0.0.1 (a free port). */
  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  private html(res: http.ServerResponse, body: string) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test IdP</title></head><body>${body}</body></html>`);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (req.method === 'GET' && url.pathname === '/sso') {
      // The sign-in page: one field, the address to sign in as.
      const request = readAuthnRequest(url.toString());
      return this.html(
        res,
        `<h1>Test IdP sign-in</h1><form method="post" action="/sso/login">
<input type="hidden" name="request_id" value="${esc(request.id)}"><input type="hidden" name="acs" value="${esc(request.acsUrl ?? '')}">
<input type="hidden" name="audience" value="${esc(request.issuer ?? '')}"><input type="hidden" name="relay_state" value="${esc(request.relayState ?? '')}">
<label>IdP user <input name="email" type="email"></label><button type="submit">Sign in at IdP</button></form>`,
      );
    }
    if (req.method === 'POST' && url.pathname === '/sso/login') {
      const form = new URLSearchParams(await readBody(req));
      const email = form.get('email') ?? '';
      const acs = form.get('acs') ?? '';
      const response = this.response({
        acsUrl: acs,
        audience: form.get('audience') ?? '',
        nameId: email,
        inResponseTo: form.get('request_id'),
        attributes: this.people.get(email) ?? { email },
      });
      return this.html(res, autoPostForm(acs, response, form.get('relay_state')));
    }
    if (req.method === 'GET' && url.pathname === '/initiate') {
      // IdP-initiated: the user picks the app on the IdP's dashboard; no request of the SP's.
      const acs = url.searchParams.get('acs') ?? '';
      const email = url.searchParams.get('email') ?? '';
      const response = this.response({ acsUrl: acs, audience: url.searchParams.get('audience') ?? '', nameId: email, attributes: this.people.get(email) ?? { email } });
      return this.html(res, autoPostForm(acs, response));
    }
    res.writeHead(404).end();
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}
