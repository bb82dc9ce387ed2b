import { generateServiceProviderMetadata } from '@node-saml/node-saml';
import type { AuthenticationMethod } from '@/db/schema';
import { toPem } from '@/lib/identity-providers/certificate';
import { spUrls } from '@/lib/identity-providers/urls';
import { parseUntrustedXml } from './xml';

// Metadata both ways: the IdP's metadata XML, which an admin imports to fill the IdP URL,
// entity ID and certificate at once, and ours, served at the metadata URL for the IdP to read.

type XmlElement = Element;

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

export type ImportedMetadata = { entityId: string; ssoUrl: string; certificates: string[] };
export type MetadataResult = { ok: true; metadata: ImportedMetadata } | { ok: false; reason: string };

const children = (parent: XmlElement, ns: string, name: string): XmlElement[] =>
  Array.from(parent.getElementsByTagNameNS(ns, name) as unknown as ArrayLike<XmlElement>);

/** Reads an IdP's SAML 2.0 metadata: entity ID, single sign-on URL (redirect binding) and signing certificates. */
export function parseIdpMetadata(xml: string): MetadataResult {
  const parsed = parseUntrustedXml(xml);
  if (parsed.hasDtd) return { ok: false, reason: 'Metadata with a DOCTYPE is refused.' };
  const { root, errors } = parsed;
  if (errors.length || !root) return { ok: false, reason: `The metadata is not well-formed XML${errors[0] ? `: ${errors[0].split('\n')[0]}` : ''}.` };
  const entities = root.localName === 'EntityDescriptor' ? [root] : children(root, MD, 'EntityDescriptor');
  const idpEntities = entities.filter((entity) => children(entity, MD, 'IDPSSODescriptor').length > 0);
  if (root.namespaceURI !== MD || idpEntities.length === 0) {
    return { ok: false, reason: 'This is not the metadata of a SAML 2.0 identity provider (no IDPSSODescriptor).' };
  }
  if (idpEntities.length > 1) return { ok: false, reason: 'The metadata describes several identity providers; import the one you want alone.' };
  const entity = idpEntities[0]!;
  const entityId = entity.getAttribute('entityID')?.trim() ?? '';
  if (!entityId) return { ok: false, reason: 'The metadata has no entityID.' };
  const descriptor = children(entity, MD, 'IDPSSODescriptor')[0]!;
  const services = children(descriptor, MD, 'SingleSignOnService');
  const redirect = services.find((service) => service.getAttribute('Binding') === REDIRECT);
  if (!redirect) {
    return { ok: false, reason: 'The identity provider offers no single sign-on URL with the HTTP-Redirect binding, which Portcullis uses.' };
  }
  const ssoUrl = redirect.getAttribute('Location')?.trim() ?? '';
  if (!/^https?:\/\//i.test(ssoUrl)) return { ok: false, reason: 'The single sign-on URL in the metadata is not an http(s) URL.' };
  const certificates = children(descriptor, MD, 'KeyDescriptor')
    .filter((key) => (key.getAttribute('use') ?? 'signing') === 'signing' || key.getAttribute('use') === '')
    .flatMap((key) => children(key, DS, 'X509Certificate'))
    .map((node) => (node.textContent ?? '').replace(/\s+/g, ''))
    .filter(Boolean)
    .map(toPem);
  if (certificates.length === 0) return { ok: false, reason: 'The metadata has no signing certificate.' };
  return { ok: true, metadata: { entityId, ssoUrl, certificates: [...new Set(certificates)] } };
}

/** Our SP metadata for one identity provider: entity ID, ACS URL, and our certificate when we sign requests. */
export function serviceProviderMetadata(
  method: Pick<AuthenticationMethod, 'id' | 'samlAssertionSignedEnabled' | 'samlAuthnRequestsSignedEnabled' | 'spPrivateKey' | 'spCertificate'>,
  accountId: string,
  publicUrl: string,
): string {
  const urls = spUrls(publicUrl, accountId, method.id);
  return generateServiceProviderMetadata({
    issuer: urls.entityId,
    callbackUrl: urls.acsUrl,
    wantAssertionsSigned: method.samlAssertionSignedEnabled,
    identifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    ...(method.samlAuthnRequestsSignedEnabled ? { privateKey: method.spPrivateKey, publicCerts: method.spCertificate } : {}),
  });
}
