import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair, TestIdp, type KeyPair } from '@/lib/testing/saml-idp';
import { expiryStatus, parseCertificate } from '@/lib/identity-providers/certificate';
import { mapAttributes } from './mapping';
import { parseIdpMetadata } from './metadata';

let current: KeyPair;
let expired: KeyPair;
let future: KeyPair;
let idp: TestIdp;
const NOW = new Date();
const DAY = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  current = await generateKeyPair('idp.example.test');
  expired = await generateKeyPair('old.example.test', { notBefore: new Date(NOW.getTime() - 400 * DAY), notAfter: new Date(NOW.getTime() - DAY) });
  future = await generateKeyPair('next.example.test', { notBefore: new Date(NOW.getTime() + 10 * DAY), notAfter: new Date(NOW.getTime() + 400 * DAY) });
  idp = await TestIdp.create('https://idp.example.test/metadata');
  idp.baseUrl = 'https://idp.example.test';
});

const body = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s+/g, '');

describe('parseCertificate', () => {
  it('reads a PEM certificate: subject, issuer, validity', () => {
    const result = parseCertificate(current.certificate, NOW);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.certificate.subject).toBe('CN=idp.example.test');
    expect(result.certificate.issuer).toBe('CN=idp.example.test');
    expect(new Date(result.certificate.notAfter).getTime()).toBeGreaterThan(NOW.getTime());
    expect(result.certificate.pem).toMatch(/^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+\n-----END CERTIFICATE-----\n$/);
  });

  it.each([
    ['bare base64, as metadata carries it', () => body(current.certificate)],
    ['PEM with Windows line ends and spaces', () => `  ${current.certificate.replace(/\n/g, '\r\n')}  `],
    ['DER bytes of a .cer file', () => Buffer.from(body(current.certificate), 'base64')],
  ])('accepts %s', (_name, input) => {
    const result = parseCertificate(input(), NOW);
    expect(result.ok && result.certificate.subject).toBe('CN=idp.example.test');
  });

  it.each([
    ['expired', () => expired.certificate, /expired on \d{4}-\d\d-\d\dT/],
    ['not yet valid', () => future.certificate, /not valid before/],
    ['empty', () => '   ', /empty/],
    ['a private key', () => current.privateKey, /private key, not a certificate/],
    ['two certificates', () => current.certificate + expired.certificate, /one certificate at a time/],
    ['another PEM block', () => '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', /not a certificate/],
    ['not base64', () => 'hello, world!', /not a certificate/],
    ['base64 that is no certificate', () => Buffer.from('definitely not DER').toString('base64'), /cannot be read/],
    ['a truncated certificate', () => current.certificate.slice(0, 300) + '\n-----END CERTIFICATE-----', /cannot be read/],
  ])('refuses %s, saying why', (_name, input, reason) => {
    const result = parseCertificate(input(), NOW);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it.each([
    [400, 'ok'],
    [31, 'ok'],
    [29, 'expiring'],
    [0.5, 'expiring'],
    [-1, 'expired'],
  ] as const)('expiry in %s days reads %s', (days, status) => {
    expect(expiryStatus(new Date(NOW.getTime() + days * DAY).toISOString(), NOW)).toBe(status);
  });
});

describe('parseIdpMetadata', () => {
  it('fills the entity ID, the redirect-binding SSO URL and the signing certificate', () => {
    const result = parseIdpMetadata(idp.metadataXml());
    expect(result).toEqual({
      ok: true,
      metadata: { entityId: 'https://idp.example.test/metadata', ssoUrl: 'https://idp.example.test/sso', certificates: [expect.stringContaining('BEGIN CERTIFICATE')] },
    });
    if (result.ok) expect(parseCertificate(result.metadata.certificates[0]!, NOW).ok).toBe(true);
  });

  it('takes the IdP out of an EntitiesDescriptor and skips encryption keys', () => {
    const xml = idp
      .metadataXml()
      .replace('<?xml version="1.0"?>', '<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">')
      .concat('</md:EntitiesDescriptor>')
      .replace('<md:KeyDescriptor use="signing">', `<md:KeyDescriptor use="encryption"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${body(expired.certificate)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor><md:KeyDescriptor use="signing">`);
    const result = parseIdpMetadata(xml);
    expect(result.ok && result.metadata.certificates.map(body)).toEqual([body(idp.certificate)]);
  });

  it.each([
    ['not XML', 'hello', /not well-formed|not the metadata/],
    ['a DOCTYPE', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', /DOCTYPE/],
    ['SP metadata', '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"><md:SPSSODescriptor/></md:EntityDescriptor>', /no IDPSSODescriptor/],
    ['no redirect binding', () => idp.metadataXml().replace(/<md:SingleSignOnService Binding="[^"]+HTTP-Redirect"[^>]*\/>/, ''), /HTTP-Redirect/],
    ['no certificate', () => idp.metadataXml().replace(/<md:KeyDescriptor[\s\S]*<\/md:KeyDescriptor>/, ''), /no signing certificate/],
    ['no entityID', () => idp.metadataXml().replace(/ entityID="[^"]+"/, ''), /no entityID/],
  ])('refuses %s', (_name, xml, reason) => {
    const result = parseIdpMetadata(typeof xml === 'function' ? xml() : xml);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe('mapAttributes', () => {
  const CLAIMS = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims';
  it.each([
    ['Okta-style names', 'u123', { email: 'Ann@Acme.test', firstName: 'Ann', lastName: 'Lee' }, {}, { subject: 'u123', email: 'ann@acme.test', realName: 'Ann Lee' }],
    ['Azure AD claim URIs', 'x-1', { [`${CLAIMS}/emailaddress`]: 'ann@acme.test', [`${CLAIMS}/givenname`]: 'Ann', [`${CLAIMS}/surname`]: 'Lee' }, {}, { email: 'ann@acme.test', realName: 'Ann Lee' }],
    ['OIDs', 'x-2', { 'urn:oid:0.9.2342.19200300.100.1.3': 'ann@acme.test', 'urn:oid:2.16.840.1.113730.3.1.241': 'Ann L.' }, {}, { email: 'ann@acme.test', realName: 'Ann L.' }],
    ['the NameID as the address', 'ann@acme.test', {}, {}, { subject: 'ann@acme.test', email: 'ann@acme.test', realName: '' }],
    ['no address anywhere', 'opaque-id', { firstName: 'Ann' }, {}, { email: null, realName: 'Ann' }],
    ['configured names win', 'u1', { mail: 'ann@acme.test', work_mail: 'a.lee@acme.test', full: 'Ann Lee (Ops)' }, { email: 'work_mail', real_name: 'full' }, { email: 'a.lee@acme.test', realName: 'Ann Lee (Ops)' }],
    ['a configured name that is absent: no fallback guess', 'u1', { email: 'ann@acme.test' }, { email: 'work_mail' }, { email: null }],
    ['identity attribute replaces the NameID as subject', 'transient-xyz', { uid: 'ann' }, { identity: 'uid' }, { subject: 'ann' }],
    ['groups as a list', 'u1', { groups: ['admins', 'ops'] }, {}, { groups: ['admins', 'ops'] }],
    ['a single group', 'u1', { memberOf: 'ops' }, {}, { groups: ['ops'] }],
    ['an email attribute that is not an address', 'u1', { email: 'not-an-address' }, {}, { email: null }],
    ['several email values: the first', 'u1', { email: ['first@acme.test', 'second@acme.test'] }, {}, { email: 'first@acme.test' }],
  ])('%s', (_name, nameId, attributes, mapping, expected) => {
    expect(mapAttributes({ nameId, attributes }, mapping)).toMatchObject(expected);
  });
});
