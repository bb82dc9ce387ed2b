import { SAML, SamlStatusError, ValidateInResponseTo, type Profile } from '@node-saml/node-saml';
import type { AuthenticationMethod } from '@/db/schema';
import { SamlError } from './errors';
import { verificationKeys } from './verification-keys';
import { parseUntrustedXml } from './xml';

// Checks a SAML response posted to our ACS. @node-saml/node-saml checks the signature (with any
// of the configured certificates), the audience, the validity period and the InResponseTo it is
// told to expect; the checks it leaves out are ours (shared/notes/node-saml.md): the Issuer, the
// Destination and Recipient, IdP-initiated responses while they are off, and one-time use (the
// caller records the assertion ID). Everything read for identity comes from the signed assertion
// as the library returns it, never from the raw XML.

const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';

/** Clock difference tolerated between the IdP and us, either way. */
export const CLOCK_SKEW_MS = 60_000;
/** How long a replay record is kept when the assertion names no end of validity. */
const DEFAULT_ASSERTION_LIFETIME_MS = 10 * 60_000;

/** What the response claims, read without trusting it: for the test trace and for the checks before the library. */
export type DecodedResponse = {
  responseId: string | null;
  inResponseTo: string | null;
  destination: string | null;
  responseIssuer: string | null;
  issuer: string | null;
  subject: string | null;
  nameIdFormat: string | null;
  assertionCount: number;
  assertionSigned: boolean;
  responseSigned: boolean;
  notBefore: string | null;
  notOnOrAfter: string | null;
  audiences: string[];
  recipient: string | null;
  attributes: Record<string, string[]>;
};

export type ValidatedAssertion = {
  assertionId: string;
  issuer: string;
  nameId: string;
  nameIdFormat: string | null;
  attributes: Record<string, unknown>;
  /** Until when the assertion could be replayed: its ID is remembered that long. */
  replayUntil: Date;
  inResponseTo: string | null;
  notBefore: string | null;
  notOnOrAfter: string | null;
  audiences: string[];
};

export type ExpectedResponse = {
  method: Pick<AuthenticationMethod, 'id' | 'samlEntityId' | 'samlIdpLoginAllowed' | 'samlAssertionSignedEnabled'>;
  certificates: string[];
  /** Our SP entity ID (the audience) and ACS URL (the destination and recipient). */
  entityId: string;
  acsUrl: string;
  /** The request this answers (its ID), or null when no InResponseTo named one of ours. */
  requestId: string | null;
  requestCreated?: Date;
};

type El = Element;
const elements = (parent: El | Document, ns: string, name: string): El[] =>
  Array.from(parent.getElementsByTagNameNS(ns, name) as unknown as ArrayLike<El>);
const childElements = (parent: El, ns: string, name: string): El[] =>
  Array.from(parent.childNodes as unknown as ArrayLike<Node>).filter(
    (node): node is El => node.nodeType === 1 && (node as El).localName === name && (node as El).namespaceURI === ns,
  );
const text = (node: El | undefined) => (node?.textContent ?? '').trim() || null;

/**
 * A posted response, decoded once: the ACS reads its claims before the checks (to find the
 * request it answers), and validation reuses the same parse instead of decoding it again.
 */
export type PostedResponse = {
  /** The base64 text as posted, which the library decodes and checks itself. */
  samlResponse: string;
  xml: string;
  decoded: DecodedResponse;
  /** The certificates the signatures' KeyInfo carry (base64 bodies): a hint of which key signed, never trusted. */
  keyInfoCertificates: string[];
};

/** Base64 → XML text; refused when it is not a SAML response at all. */
export function decodeSamlResponse(samlResponse: unknown): PostedResponse {
  if (typeof samlResponse !== 'string' || samlResponse.trim() === '') {
    throw new SamlError('malformed', 'No SAMLResponse was posted.');
  }
  const compact = samlResponse.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length > 2_000_000) {
    throw new SamlError('malformed', 'The SAMLResponse is not base64.');
  }
  const xml = Buffer.from(compact, 'base64').toString('utf8');
  const parsed = parseUntrustedXml(xml);
  if (parsed.hasDtd) throw new SamlError('malformed', 'A SAML response with a DOCTYPE is refused.');
  const { root, errors } = parsed;
  if (errors.length || !root || root.localName !== 'Response' || root.namespaceURI !== PROTOCOL) {
    throw new SamlError('malformed', 'The posted data is not a SAML 2.0 Response.');
  }
  const assertions = childElements(root, ASSERTION, 'Assertion');
  const assertion = assertions[0];
  const responseSignatures = childElements(root, DSIG, 'Signature');
  const assertionSignatures = assertion ? childElements(assertion, DSIG, 'Signature') : [];
  const conditions = assertion ? elements(assertion, ASSERTION, 'Conditions')[0] : undefined;
  const nameId = assertion ? elements(assertion, ASSERTION, 'NameID')[0] : undefined;
  const confirmation = assertion ? elements(assertion, ASSERTION, 'SubjectConfirmationData')[0] : undefined;
  const attributes: Record<string, string[]> = {};
  if (assertion) {
    for (const attribute of elements(assertion, ASSERTION, 'Attribute')) {
      const name = attribute.getAttribute('Name') ?? '';
      attributes[name] = elements(attribute, ASSERTION, 'AttributeValue').map((v) => (v.textContent ?? '').trim());
    }
  }
  return {
    samlResponse,
    xml,
    keyInfoCertificates: [...responseSignatures, ...assertionSignatures].flatMap((signature) =>
      elements(signature, DSIG, 'X509Certificate').map((c) => (c.textContent ?? '').replace(/\s+/g, '')),
    ),
    decoded: {
      responseId: root.getAttribute('ID'),
      inResponseTo: root.getAttribute('InResponseTo') || null,
      destination: root.getAttribute('Destination') || null,
      responseIssuer: text(childElements(root, ASSERTION, 'Issuer')[0]),
      issuer: assertion ? text(childElements(assertion, ASSERTION, 'Issuer')[0]) : null,
      subject: text(nameId),
      nameIdFormat: nameId?.getAttribute('Format') || null,
      assertionCount: assertions.length + childElements(root, ASSERTION, 'EncryptedAssertion').length,
      assertionSigned: assertionSignatures.length > 0,
      responseSigned: responseSignatures.length > 0,
      notBefore: conditions?.getAttribute('NotBefore') || null,
      notOnOrAfter: conditions?.getAttribute('NotOnOrAfter') || null,
      audiences: conditions ? elements(conditions, ASSERTION, 'Audience').map((a) => (a.textContent ?? '').trim()) : [],
      recipient: confirmation?.getAttribute('Recipient') || null,
      attributes,
    },
  };
}

/** The library's refusals, as our reasons. */
function libraryFailure(error: unknown): SamlError {
  if (error instanceof SamlStatusError) return new SamlError('idp_error', `The identity provider answered with an error: ${error.message}`);
  const message = error instanceof Error ? error.message : String(error);
  if (/not yet valid/i.test(message)) return new SamlError('not_yet_valid', 'The assertion is not valid yet (NotBefore is in the future, beyond the allowed clock skew).');
  if (/expired|No valid subject confirmation/i.test(message)) {
    return new SamlError('expired', 'The assertion has expired (NotOnOrAfter has passed, beyond the allowed clock skew).');
  }
  if (/audience|AudienceRestriction/i.test(message)) return new SamlError('audience', `The assertion is meant for another service provider: ${message.replace(/^SAML assertion /, '')}.`);
  if (/InResponseTo/i.test(message)) return new SamlError('in_response_to', `The assertion does not answer our request: ${message}.`);
  if (/signature|Cannot obtain assertion|multiple assertions/i.test(message)) {
    return new SamlError(
      'signature',
      /multiple assertions/i.test(message)
        ? 'The response holds more than one assertion (a signature wrapping attempt, or an IdP we cannot use).'
        : 'The signature does not verify with any configured certificate, or the signed content was changed after signing.',
    );
  }
  if (/Missing SAML assertion/i.test(message)) return new SamlError('malformed', 'The response holds no assertion.');
  return new SamlError('malformed', `The SAML response was refused: ${message}.`);
}

type XmlJs = { $?: Record<string, string>; _?: string; [key: string]: unknown };
const first = (value: unknown): XmlJs | undefined => (Array.isArray(value) ? (value[0] as XmlJs) : undefined);
const list = (value: unknown): XmlJs[] => (Array.isArray(value) ? (value as XmlJs[]) : []);
const textOf = (value: XmlJs | undefined) => (typeof value === 'string' ? value : value?._) ?? null;

/** A PEM certificate's base64 body, as a KeyInfo carries it. */
const certificateBody = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s+/g, '');

/**
 * The configured certificates in the order the library should try them: the one the response's
 * KeyInfo names first. The library tries each in turn and a wrong one costs a whole signature
 * check (parse, canonicalization, digest) before its RSA step fails, so after a rotation with the
 * new certificate listed second every response would be checked twice. Only the order changes:
 * the library still accepts a signature of any configured certificate and nothing else, and a
 * KeyInfo naming no configured certificate leaves the order as it was.
 */
export function certificatesToTry(certificates: string[], keyInfoCertificates: string[]): string[] {
  const named = certificates.filter((pem) => keyInfoCertificates.includes(certificateBody(pem)));
  return [...named, ...certificates.filter((pem) => !named.includes(pem))];
}

/**
 * Validates the response. Throws SamlError with the check that failed; returns what the signed
 * assertion says. Async because the library is.
 */
export async function validateSamlResponse(samlResponse: unknown, expected: ExpectedResponse, now: Date): Promise<{ decoded: DecodedResponse; assertion: ValidatedAssertion }> {
  return validatePostedResponse(decodeSamlResponse(samlResponse), expected, now);
}

/** validateSamlResponse on a response decodeSamlResponse has decoded already. */
export async function validatePostedResponse(posted: PostedResponse, expected: ExpectedResponse, now: Date): Promise<{ decoded: DecodedResponse; assertion: ValidatedAssertion }> {
  const { decoded } = posted;
  const { method } = expected;
  if (!method.samlEntityId || expected.certificates.length === 0) {
    throw new SamlError('not_configured', 'This identity provider is not fully configured (IdP entity ID and certificate).');
  }
  // Ours: an unsolicited response only where IdP-initiated sign-in is on.
  if (decoded.inResponseTo === null && !method.samlIdpLoginAllowed) {
    throw new SamlError(
      'idp_initiated_disabled',
      'IdP-initiated sign-in is off for this identity provider: start from the Portcullis sign-in page ("Sign in with SSO").',
    );
  }
  if (decoded.inResponseTo !== null && expected.requestId === null) {
    throw new SamlError('unknown_request', `InResponseTo "${decoded.inResponseTo}" names no sign-in we started, or one already answered or expired.`);
  }
  // Ours: the Destination, when the IdP states one (SAML requires it on signed responses).
  if (decoded.destination !== null && decoded.destination !== expected.acsUrl) {
    throw new SamlError('destination', `The response is addressed to ${decoded.destination}, not to this ACS URL (${expected.acsUrl}).`);
  }
  if (decoded.assertionCount === 1 && method.samlAssertionSignedEnabled && !decoded.assertionSigned) {
    throw new SamlError('assertion_unsigned', 'The assertion is not signed, and this identity provider requires signed assertions.');
  }

  const saml = new SAML({
    idpCert: certificatesToTry(expected.certificates, posted.keyInfoCertificates).map((pem) => verificationKeys.pemFor(pem)),
    issuer: expected.entityId,
    callbackUrl: expected.acsUrl,
    audience: expected.entityId,
    wantAssertionsSigned: method.samlAssertionSignedEnabled,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    // The request was looked up in our table already; the library then checks that the
    // assertion's SubjectConfirmationData answers the same one.
    validateInResponseTo: expected.requestId ? ValidateInResponseTo.ifPresent : ValidateInResponseTo.never,
    requestIdExpirationPeriodMs: 10 * 60_000,
    cacheProvider: {
      saveAsync: async () => null,
      getAsync: async (key: string) => (key === expected.requestId ? (expected.requestCreated ?? now).toISOString() : null),
      removeAsync: async () => null,
    },
  });
  let profile: Profile | null;
  try {
    ({ profile } = await saml.validatePostResponseAsync({ SAMLResponse: posted.samlResponse }));
  } catch (error) {
    throw libraryFailure(error);
  }
  if (!profile) throw new SamlError('malformed', 'The response holds no assertion.');

  // From here on, only the signed assertion as the library parsed it.
  const signed = (profile.getAssertion?.() as { Assertion?: XmlJs } | undefined)?.Assertion;
  if (!signed) throw new SamlError('malformed', 'The response holds no assertion.');
  const assertionId = signed.$?.ID;
  if (!assertionId) throw new SamlError('malformed', 'The assertion has no ID.');
  const issuer = textOf(first(signed.Issuer));
  // Ours: the library takes any issuer whose signature verifies.
  if (issuer !== method.samlEntityId) {
    throw new SamlError('issuer', `The assertion was issued by "${issuer ?? '(none)'}", not by the configured IdP entity ID "${method.samlEntityId}".`);
  }
  if (decoded.responseIssuer !== null && decoded.responseIssuer !== method.samlEntityId) {
    throw new SamlError('issuer', `The response was issued by "${decoded.responseIssuer}", not by the configured IdP entity ID "${method.samlEntityId}".`);
  }
  const subject = first(signed.Subject);
  const nameId = profile.nameID;
  if (!subject || !nameId) throw new SamlError('no_subject', 'The assertion names no subject (NameID).');
  const bearer = list(subject.SubjectConfirmation).filter(
    (c) => !c.$?.Method || c.$.Method === 'urn:oasis:names:tc:SAML:2.0:cm:bearer',
  );
  const confirmations = bearer.map((c) => first(c.SubjectConfirmationData)?.$ ?? {});
  // Ours: the signed Recipient must be our ACS URL (the library does not look at it).
  if (!confirmations.some((c) => c.Recipient === expected.acsUrl)) {
    const got = confirmations.map((c) => c.Recipient).filter(Boolean);
    throw new SamlError('recipient', `The assertion's Recipient is ${got.length ? got.join(', ') : 'missing'}, not this ACS URL (${expected.acsUrl}).`);
  }
  const confirmation = confirmations.find((c) => c.Recipient === expected.acsUrl)!;
  // Ours: an answer to our request must say so inside the signed assertion; the Response's own
  // InResponseTo is outside the signature when only the assertion is signed.
  if (expected.requestId && confirmation.InResponseTo !== expected.requestId) {
    throw new SamlError('in_response_to', 'The signed assertion does not name our request in SubjectConfirmationData/@InResponseTo.');
  }
  if (!expected.requestId && confirmation.InResponseTo) {
    throw new SamlError('in_response_to', 'The assertion answers a request, but the response does not say which (no InResponseTo).');
  }
  const conditions = first(signed.Conditions)?.$ ?? {};
  const ends = [conditions.NotOnOrAfter, confirmation.NotOnOrAfter].filter(Boolean).map((t) => new Date(t!).getTime()).filter((t) => !Number.isNaN(t));
  const replayUntil = new Date((ends.length ? Math.min(...ends) : now.getTime() + DEFAULT_ASSERTION_LIFETIME_MS) + CLOCK_SKEW_MS);
  return {
    decoded,
    assertion: {
      assertionId,
      issuer,
      nameId,
      nameIdFormat: profile.nameIDFormat ?? null,
      attributes: (profile.attributes as Record<string, unknown> | undefined) ?? {},
      replayUntil,
      inResponseTo: confirmation.InResponseTo ?? null,
      notBefore: conditions.NotBefore ?? null,
      notOnOrAfter: conditions.NotOnOrAfter ?? null,
      audiences: list(first(first(signed.Conditions)?.AudienceRestriction)?.Audience).map((a) => textOf(a) ?? ''),
    },
  };
}
