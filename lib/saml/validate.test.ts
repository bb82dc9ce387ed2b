import { beforeAll, describe, expect, it } from 'vitest';
import { TestIdp, type ResponseOptions } from '@/lib/testing/saml-idp';
import { SamlError } from './errors';
import { verificationKeys } from './verification-keys';
import { certificatesToTry, CLOCK_SKEW_MS, decodeSamlResponse, validatePostedResponse, validateSamlResponse, type ExpectedResponse } from './validate';

// validateSamlResponse on its own, against responses signed by a real key pair: each check is
// broken alone, the rest of the response left good, so a test fails when that one check goes.
// The SAML library reads the wall clock for the validity period: times here are relative to
// Date.now(), with margins of several seconds either side of each boundary.

const ACS = 'https://console.example.test/v1/sso/saml/account/a1/method/am1/acs';
const ENTITY = 'https://console.example.test/v1/sso/saml/account/a1/method/am1/metadata';
const REQUEST = '_request-of-ours';
let idp: TestIdp;

beforeAll(async () => {
  idp = await TestIdp.create('https://idp.example.test/saml');
});

function expected(overrides: Partial<Omit<ExpectedResponse, 'method'>> & { method?: Partial<ExpectedResponse['method']> } = {}): ExpectedResponse {
  const { method, ...rest } = overrides;
  return {
    method: { id: 'am1', samlEntityId: idp.entityId, samlIdpLoginAllowed: false, samlAssertionSignedEnabled: true, ...method },
    certificates: [idp.certificate],
    entityId: ENTITY,
    acsUrl: ACS,
    requestId: REQUEST,
    requestCreated: new Date(Date.now() - 5_000),
    ...rest,
  };
}

const respond = (options: Partial<ResponseOptions> = {}) =>
  idp.response({ acsUrl: ACS, audience: ENTITY, nameId: 'ann@acme.test', attributes: { email: 'ann@acme.test' }, inResponseTo: REQUEST, ...options });

/** The refusal's reason and message, or a failure of the test when the response passed. */
async function refusal(samlResponse: string, expect_: ExpectedResponse = expected()): Promise<SamlError> {
  try {
    await validateSamlResponse(samlResponse, expect_, new Date());
  } catch (error) {
    if (error instanceof SamlError) return error;
    throw error;
  }
  throw new Error('the response was accepted');
}

const seconds = (n: number) => new Date(Date.now() + n * 1000);

describe('validateSamlResponse: the good response', () => {
  it('passes and returns what the signed assertion says', async () => {
    const { assertion, decoded } = await validateSamlResponse(respond({ assertionId: '_a1' }), expected(), new Date());
    expect(assertion).toMatchObject({
      assertionId: '_a1',
      issuer: idp.entityId,
      nameId: 'ann@acme.test',
      nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      inResponseTo: REQUEST,
      notBefore: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      notOnOrAfter: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      audiences: [ENTITY],
    });
    expect(assertion.attributes).toMatchObject({ email: 'ann@acme.test' });
    expect(decoded).toMatchObject({ inResponseTo: REQUEST, destination: ACS, responseIssuer: idp.entityId, issuer: idp.entityId, assertionSigned: true, responseSigned: false });
  });

  it('an IdP-initiated response (no InResponseTo anywhere) passes only where IdP-initiated sign-in is on', async () => {
    const unsolicited = respond({ inResponseTo: null });
    const on = expected({ requestId: null, method: { samlIdpLoginAllowed: true } });
    expect((await validateSamlResponse(unsolicited, on, new Date())).assertion.inResponseTo).toBeNull();
    const off = await refusal(unsolicited, expected({ requestId: null }));
    expect(off.reason).toBe('idp_initiated_disabled');
    expect(off.status).toBe(403);
  });

  it('accepts a response signed with any of the configured certificates', async () => {
    const other = await TestIdp.create(idp.entityId);
    const both = expected({ certificates: [idp.certificate, other.certificate] });
    await expect(validateSamlResponse(other.response({ acsUrl: ACS, audience: ENTITY, nameId: 'a@b.test', inResponseTo: REQUEST }), both, new Date())).resolves.toBeTruthy();
    await expect(validateSamlResponse(respond(), both, new Date())).resolves.toBeTruthy();
    expect((await refusal(other.response({ acsUrl: ACS, audience: ENTITY, nameId: 'a@b.test', inResponseTo: REQUEST }))).reason).toBe('signature');
  });
});

describe('validateSamlResponse: the certificates, as the library verifies with them', () => {
  // The library verifies with each certificate's RSA key (verification-keys.ts), kept per
  // certificate text, and tries first the one the response's KeyInfo names (never trusted).
  const body = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s+/g, '');
  let rotated: TestIdp;
  let stranger: TestIdp;
  beforeAll(async () => {
    [rotated, stranger] = await Promise.all([TestIdp.create(idp.entityId), TestIdp.create(idp.entityId)]);
  });
  const signedBy = (signer: TestIdp, options: Partial<ResponseOptions> = {}) =>
    signer.response({ acsUrl: ACS, audience: ENTITY, nameId: 'ann@acme.test', inResponseTo: REQUEST, ...options });

  it('a validation puts the certificate\'s key in the process cache once', async () => {
    const before = verificationKeys.size;
    const only = expected({ certificates: [rotated.certificate] });
    await validateSamlResponse(signedBy(rotated), only, new Date());
    await validateSamlResponse(signedBy(rotated), only, new Date());
    expect(verificationKeys.size).toBe(before + 1);
  });

  it('with a key cached, another certificate\'s signature is still refused, and a rotation works both ways', async () => {
    const old = expected({ certificates: [idp.certificate] });
    await expect(validateSamlResponse(respond(), old, new Date())).resolves.toBeTruthy();
    expect((await refusal(signedBy(rotated), old)).reason).toBe('signature');
    const both = expected({ certificates: [idp.certificate, rotated.certificate] });
    await expect(validateSamlResponse(signedBy(rotated), both, new Date())).resolves.toBeTruthy();
    await expect(validateSamlResponse(respond(), both, new Date())).resolves.toBeTruthy();
    const renewed = expected({ certificates: [rotated.certificate] });
    expect((await refusal(respond(), renewed)).reason).toBe('signature');
    await expect(validateSamlResponse(signedBy(rotated), renewed, new Date())).resolves.toBeTruthy();
  });

  it('a KeyInfo naming a configured certificate does not make another key\'s signature pass', async () => {
    // KeyInfo is outside what the signature covers: anyone can write any certificate there.
    const forged = signedBy(stranger, { tamper: (xml) => xml.replace(body(stranger.certificate), body(idp.certificate)) });
    expect(decodeSamlResponse(forged).keyInfoCertificates).toEqual([body(idp.certificate)]);
    expect((await refusal(forged)).reason).toBe('signature');
    expect((await refusal(forged, expected({ certificates: [rotated.certificate, idp.certificate] }))).reason).toBe('signature');
  });

  it('a KeyInfo naming the wrong configured certificate still passes with the right one (the order is a hint)', async () => {
    const misnamed = signedBy(rotated, { tamper: (xml) => xml.replace(body(rotated.certificate), body(idp.certificate)) });
    await expect(validateSamlResponse(misnamed, expected({ certificates: [idp.certificate, rotated.certificate] }), new Date())).resolves.toBeTruthy();
  });

  it.each([
    ['the named certificate goes first', ['old', 'new'], ['new'], ['new', 'old']],
    ['already first: unchanged', ['new', 'old'], ['new'], ['new', 'old']],
    ['a KeyInfo naming none: unchanged', ['old', 'new'], ['other'], ['old', 'new']],
    ['no KeyInfo: unchanged', ['old', 'new'], [], ['old', 'new']],
    ['one certificate: unchanged', ['old'], ['new'], ['old']],
    ['signed twice, by both: their order kept', ['a', 'b', 'c'], ['c', 'b'], ['b', 'c', 'a']],
  ])('certificatesToTry: %s', (_name, configured, named, order) => {
    const pem = (name: string) => `-----BEGIN CERTIFICATE-----\n${Buffer.from(name).toString('base64')}\n-----END CERTIFICATE-----\n`;
    const tried = certificatesToTry(configured.map(pem), named.map((n) => Buffer.from(n).toString('base64')));
    expect(tried).toEqual(order.map(pem));
  });

  it('validatePostedResponse checks a decoded response as validateSamlResponse checks the posted text', async () => {
    const posted = decodeSamlResponse(respond({ assertionId: '_posted' }));
    expect((await validatePostedResponse(posted, expected(), new Date())).assertion.assertionId).toBe('_posted');
    const tampered = decodeSamlResponse(respond({ tamper: (xml) => xml.replace('ann@acme.test</saml:NameID>', 'eve@acme.test</saml:NameID>') }));
    expect(tampered.decoded.subject).toBe('eve@acme.test');
    await expect(validatePostedResponse(tampered, expected(), new Date())).rejects.toMatchObject({ reason: 'signature' });
  });
});

describe('validateSamlResponse: the clock skew', () => {
  it('is 60 seconds', () => {
    expect(CLOCK_SKEW_MS).toBe(60_000);
  });

  it('accepts NotBefore 50 s in the future; refuses it 120 s in the future', async () => {
    await expect(validateSamlResponse(respond({ notBefore: seconds(50), notOnOrAfter: seconds(600) }), expected(), new Date())).resolves.toBeTruthy();
    const early = await refusal(respond({ notBefore: seconds(120), notOnOrAfter: seconds(600) }));
    expect(early.reason).toBe('not_yet_valid');
    expect(early.status).toBe(400);
  });

  it('accepts NotOnOrAfter 50 s in the past; refuses it 120 s in the past', async () => {
    await expect(validateSamlResponse(respond({ notBefore: seconds(-600), notOnOrAfter: seconds(-50) }), expected(), new Date())).resolves.toBeTruthy();
    const late = await refusal(respond({ notBefore: seconds(-600), notOnOrAfter: seconds(-120) }));
    expect(late.reason).toBe('expired');
    expect(late.status).toBe(400);
  });

  it('the subject confirmation\'s NotOnOrAfter counts with the same skew', async () => {
    await expect(validateSamlResponse(respond({ confirmationNotOnOrAfter: seconds(-50) }), expected(), new Date())).resolves.toBeTruthy();
    expect((await refusal(respond({ confirmationNotOnOrAfter: seconds(-120) }))).reason).toBe('expired');
  });

  it('the assertion ID is remembered until the earliest end of validity plus the skew', async () => {
    const conditionsEnd = new Date(Math.floor(Date.now() / 1000) * 1000 + 300_000);
    const confirmationEnd = new Date(conditionsEnd.getTime() - 120_000);
    const { assertion } = await validateSamlResponse(respond({ notOnOrAfter: conditionsEnd, confirmationNotOnOrAfter: confirmationEnd }), expected(), new Date());
    expect(assertion.replayUntil.getTime()).toBe(confirmationEnd.getTime() + CLOCK_SKEW_MS);
    const swapped = await validateSamlResponse(respond({ notOnOrAfter: confirmationEnd, confirmationNotOnOrAfter: conditionsEnd }), expected(), new Date());
    expect(swapped.assertion.replayUntil.getTime()).toBe(confirmationEnd.getTime() + CLOCK_SKEW_MS);
  });
});

describe('validateSamlResponse: how long an assertion ID is remembered', () => {
  // So replayUntil always has an end of validity to start from: the 10-minute default in
  // validate.ts is never reached with @node-saml/node-saml 5.
  it('an assertion without NotOnOrAfter (in the Conditions, or anywhere) is refused by the library', async () => {
    expect((await refusal(respond({ notOnOrAfter: null }))).reason).toBe('malformed');
    expect((await refusal(respond({ notOnOrAfter: null, confirmationNotOnOrAfter: seconds(240) }))).reason).toBe('malformed');
  });
});

describe('validateSamlResponse: the Issuer, Response and Assertion each on its own', () => {
  it('refuses a wrong Response Issuer beside a right Assertion Issuer', async () => {
    const error = await refusal(respond({ responseIssuer: 'https://evil.example.test/saml' }));
    expect(error.reason).toBe('issuer');
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^The response was issued by "https:\/\/evil\.example\.test\/saml"/);
  });

  it('refuses a wrong Assertion Issuer beside a right Response Issuer', async () => {
    const error = await refusal(respond({ issuer: 'https://evil.example.test/saml', responseIssuer: idp.entityId }));
    expect(error.reason).toBe('issuer');
    expect(error.message).toMatch(/^The assertion was issued by "https:\/\/evil\.example\.test\/saml"/);
  });

  it('reads the Response Issuer in the SAML namespace only: a look-alike element does not stand in for it', async () => {
    // Only the assertion is signed: anything outside it can be added on the way.
    const response = respond({
      responseIssuer: 'https://evil.example.test/saml',
      tamper: (xml) => xml.replace(/(<samlp:Response[^>]*>)(<saml:Issuer>)/, `$1<x:Issuer xmlns:x="urn:example:other">${idp.entityId}</x:Issuer>$2`),
    });
    expect(decodeSamlResponse(response).decoded.responseIssuer).toBe('https://evil.example.test/saml');
    expect((await refusal(response)).reason).toBe('issuer');
  });

  it('accepts a Response without an Issuer (it is optional there); the assertion\'s is checked', async () => {
    const { decoded } = await validateSamlResponse(respond({ responseIssuer: null }), expected(), new Date());
    expect(decoded.responseIssuer).toBeNull();
  });
});

describe('validateSamlResponse: InResponseTo names our request, inside the signed assertion', () => {
  it('refuses an InResponseTo that names no request of ours', async () => {
    const error = await refusal(respond({ inResponseTo: '_not-ours' }), expected({ requestId: null }));
    expect(error.reason).toBe('unknown_request');
    expect(error.status).toBe(400);
  });

  it('refuses an assertion that answers another request than the Response claims', async () => {
    // Only the assertion is signed: the Response's InResponseTo can be rewritten on the way.
    const response = respond({ inResponseTo: '_someone-elses', tamper: (xml) => xml.replace(/(<samlp:Response[^>]*?InResponseTo=")_someone-elses"/, `$1${REQUEST}"`) });
    expect(decodeSamlResponse(response).decoded.inResponseTo).toBe(REQUEST);
    expect((await refusal(response)).reason).toBe('in_response_to');
  });

  it('refuses an assertion that answers a request when the Response names none', async () => {
    const response = respond({ inResponseTo: '_someone-elses', tamper: (xml) => xml.replace(/(<samlp:Response[^>]*?) InResponseTo="_someone-elses"/, '$1') });
    const error = await refusal(response, expected({ requestId: null, method: { samlIdpLoginAllowed: true } }));
    expect(error.reason).toBe('in_response_to');
  });
});

describe('validateSamlResponse: one check broken at a time', () => {
  it('refuses a method without entity ID or certificate as not configured', async () => {
    expect((await refusal(respond(), expected({ method: { samlEntityId: null } }))).reason).toBe('not_configured');
    expect((await refusal(respond(), expected({ certificates: [] }))).reason).toBe('not_configured');
  });

  it('refuses a Destination other than our ACS; accepts none', async () => {
    const error = await refusal(respond({ destination: 'https://other.example.test/acs' }));
    expect(error.reason).toBe('destination');
    await expect(validateSamlResponse(respond({ destination: null }), expected(), new Date())).resolves.toBeTruthy();
  });

  it('refuses a Recipient other than our ACS', async () => {
    expect((await refusal(respond({ recipient: 'https://other.example.test/acs' }))).reason).toBe('recipient');
  });

  it('counts only bearer subject confirmations for the Recipient', async () => {
    const error = await refusal(respond({ confirmationMethod: 'urn:oasis:names:tc:SAML:2.0:cm:holder-of-key' }));
    expect(error.reason).toBe('recipient');
  });

  it('of several bearer confirmations, the one for our ACS is the one whose InResponseTo counts', async () => {
    const elsewhere = { recipient: 'https://other.example.test/acs' };
    const { assertion } = await validateSamlResponse(respond({ otherConfirmation: elsewhere }), expected(), new Date());
    expect(assertion.inResponseTo).toBe(REQUEST);
  });

  it('refuses an assertion whose confirmation for our ACS answers another request, whatever a decoy confirmation says', async () => {
    // The library compares only the first confirmation with the Response's InResponseTo (which
    // is outside the signature here): the decoy satisfies it; ours must name our request itself.
    const response = respond({
      inResponseTo: '_someone-elses',
      otherConfirmation: { recipient: 'https://decoy.example.test/acs', inResponseTo: REQUEST },
      tamper: (xml) => xml.replace(/(<samlp:Response[^>]*?InResponseTo=")_someone-elses"/, `$1${REQUEST}"`),
    });
    const error = await refusal(response);
    expect(error.reason).toBe('in_response_to');
    expect(error.message).toBe('The signed assertion does not name our request in SubjectConfirmationData/@InResponseTo.');
  });

  it('refuses an unsigned assertion where signed ones are required, even in a signed response', async () => {
    const error = await refusal(respond({ signAssertion: false, signResponse: true }));
    expect(error.reason).toBe('assertion_unsigned');
    const relaxed = expected({ method: { samlAssertionSignedEnabled: false } });
    await expect(validateSamlResponse(respond({ signAssertion: false, signResponse: true }), relaxed, new Date())).resolves.toBeTruthy();
    expect((await refusal(respond({ signAssertion: false }), relaxed)).reason).toBe('signature');
  });

  it('refuses another audience', async () => {
    expect((await refusal(respond({ audience: 'https://other.example.test/metadata' }))).reason).toBe('audience');
  });

  it('refuses a DOCTYPE, non-base64 and non-SAML input as malformed', async () => {
    for (const body of [undefined, '', '   ', 'not base64!', Buffer.from('<html/>').toString('base64'), Buffer.from('<!DOCTYPE x><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>').toString('base64')]) {
      const error = await refusal(body as string);
      expect(error.reason, String(body)).toBe('malformed');
      expect(error.status).toBe(400);
    }
  });
});

describe('decodeSamlResponse: what the response claims, before any check', () => {
  it('reads every field the trace and the early checks use', () => {
    const notBefore = new Date('2030-01-01T00:00:00Z');
    const notOnOrAfter = new Date('2030-01-01T00:05:00Z');
    // Base64 wrapped at 76 characters with CRLF, as some IdPs post it.
    const wrapped = respond({ notBefore, notOnOrAfter, attributes: { email: 'ann@acme.test', groups: ['a', 'b'] }, signResponse: true }).replace(/(.{76})/g, '$1\r\n');
    const { decoded, keyInfoCertificates } = decodeSamlResponse(wrapped);
    // Both signatures' KeyInfo, the Response's first: the library's hint of which key signed.
    const body = idp.certificate.replace(/-----[A-Z ]+-----|\s+/g, '');
    expect(keyInfoCertificates).toEqual([body, body]);
    expect(decoded).toEqual({
      responseId: expect.stringMatching(/^_[0-9a-f]{32}$/),
      inResponseTo: REQUEST,
      destination: ACS,
      responseIssuer: idp.entityId,
      issuer: idp.entityId,
      subject: 'ann@acme.test',
      nameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      assertionCount: 1,
      assertionSigned: true,
      responseSigned: true,
      notBefore: '2030-01-01T00:00:00Z',
      notOnOrAfter: '2030-01-01T00:05:00Z',
      audiences: [ENTITY],
      recipient: ACS,
      attributes: { email: ['ann@acme.test'], groups: ['a', 'b'] },
    });
  });

  it('an unsigned response without Issuer or Destination: the fields are null or false', () => {
    const { decoded, keyInfoCertificates } = decodeSamlResponse(respond({ signAssertion: false, responseIssuer: null, destination: null, inResponseTo: null }));
    expect(keyInfoCertificates).toEqual([]);
    expect(decoded).toMatchObject({ inResponseTo: null, destination: null, responseIssuer: null, assertionSigned: false, responseSigned: false });
  });

  it('a response with no assertion (the IdP refused): nothing is claimed', () => {
    const { decoded } = decodeSamlResponse(respond({ status: 'urn:oasis:names:tc:SAML:2.0:status:Requester' }));
    expect(decoded).toMatchObject({ assertionCount: 0, issuer: null, subject: null, assertionSigned: false, notBefore: null, notOnOrAfter: null, audiences: [], recipient: null, attributes: {} });
  });

  it('counts encrypted assertions too', () => {
    const xml = `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r"><saml:EncryptedAssertion/></samlp:Response>`;
    expect(decodeSamlResponse(Buffer.from(xml).toString('base64')).decoded.assertionCount).toBe(1);
  });

  const b64 = (xml: string) => Buffer.from(xml).toString('base64');
  it.each([
    ['nothing posted', undefined, 'No SAMLResponse was posted.'],
    ['only whitespace', ' \r\n ', 'No SAMLResponse was posted.'],
    ['not base64', 'PHNhbWw+!', 'The SAMLResponse is not base64.'],
    ['base64 with something after it', `${b64('<x/>')}<`, 'The SAMLResponse is not base64.'],
    ['something before base64', `<${b64('<x/>')}`, 'The SAMLResponse is not base64.'],
    ['over 2,000,000 characters', 'A'.repeat(2_000_004), 'The SAMLResponse is not base64.'],
    ['2,000,000 characters of base64, not XML', 'A'.repeat(2_000_000), 'The posted data is not a SAML 2.0 Response.'],
    ['a DOCTYPE', b64('<!DOCTYPE r><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>'), 'A SAML response with a DOCTYPE is refused.'],
    ['an entity declaration', b64('<!ENTITY x "y"><samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>'), 'A SAML response with a DOCTYPE is refused.'],
    ['XML with errors (a repeated attribute)', b64('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_a" ID="_b"/>'), 'The posted data is not a SAML 2.0 Response.'],
    ['XML with an undeclared entity', b64('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">&bogus;</samlp:Response>'), 'The posted data is not a SAML 2.0 Response.'],
    ['another SAML message', b64('<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>'), 'The posted data is not a SAML 2.0 Response.'],
    ['a Response in another namespace', b64('<Response xmlns="urn:example:other"/>'), 'The posted data is not a SAML 2.0 Response.'],
  ])('refuses %s as malformed, naming why', (_name, body, message) => {
    let error: unknown;
    try {
      decodeSamlResponse(body);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SamlError);
    expect((error as SamlError).reason).toBe('malformed');
    expect((error as SamlError).message).toBe(message);
  });
});
