import { DOMParser } from '@xmldom/xmldom';

export type UntrustedXml = { hasDtd: true } | { hasDtd: false; root: Element | null; errors: string[] };

/**
 * Parses XML that someone else wrote (an IdP's metadata, a posted SAML response). XML with a
 * DOCTYPE or ENTITY declaration is not parsed at all (`hasDtd`): entity expansion and external
 * entities are refused before any parser sees them. Otherwise the root element, and the parser's
 * errors (warnings aside) for the caller to refuse in its own words.
 */
export function parseUntrustedXml(xml: string): UntrustedXml {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return { hasDtd: true };
  const errors: string[] = [];
  const doc = new DOMParser({
    errorHandler: (level: string, message: unknown) => {
      if (level !== 'warning') errors.push(String(message));
    },
  }).parseFromString(xml, 'text/xml');
  return { hasDtd: false, root: doc.documentElement as unknown as Element | null, errors };
}
