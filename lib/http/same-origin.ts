import { AppError } from '@/lib/errors';

// Whether a POST that spends the browser's session cookie was made on a page of ours. The
// session cookie is SameSite=Lax, so a top-level cross-site GET carries it; a cross-site POST
// does not, but a browser-triggered request must not rely on that alone (older browsers, the
// two-minute Lax+POST grace Chrome gave cookies without a SameSite attribute, a page of a
// sibling subdomain that counts as "same site"). So the request must say where it comes from:
//
// - `Origin`, when present, must be exactly our public origin (PUBLIC_URL: scheme, host and
//   port). Another port or another subdomain is another origin, even if "same site".
// - `Origin: null` (a sandboxed frame, a file: page, a redirect chain that crossed origins) is
//   refused: it cannot be tied to a page of ours.
// - Without `Origin`, `Sec-Fetch-Site: same-origin` is enough (the browser set it, a page
//   cannot); with neither header the request is refused: every browser we support sends
//   `Origin` on a POST, so such a request comes from a script, not from our form.
// - `Sec-Fetch-Site`, when present, must be `same-origin` (also with a matching Origin): a
//   browser that says `cross-site`, `same-site` or `none` (typed into the address bar) is
//   believed over anything else.

/** What reads a request's headers: the Fetch `Headers`, and Next's `headers()`. */
export type HeaderReader = { get(name: string): string | null };

function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

/** Why this request was not made on a page of ours (null: it was). `baseUrl` is our public URL. */
export function crossSiteRefusal(headers: HeaderReader, baseUrl: string): string | null {
  const ours = originOf(baseUrl);
  // A misconfigured base URL admits nothing rather than everything.
  if (!ours) return `This console's public address (${baseUrl}) is not an http(s) URL: set PUBLIC_URL.`;
  const site = headers.get('sec-fetch-site')?.trim().toLowerCase() || null;
  const origin = headers.get('origin')?.trim() || null;
  if (site !== null && site !== 'same-origin') {
    return `This request was not made on a page of this console (the browser says it came from a ${site === 'none' ? 'typed address or bookmark' : `${site} page`}).`;
  }
  if (origin === null) {
    if (site === 'same-origin') return null;
    return 'This request does not say which page it was made on (no Origin or Sec-Fetch-Site header), so it is refused.';
  }
  if (origin === 'null') return 'This request was made on a page without an origin (a sandboxed frame or local file), not on a page of this console.';
  const theirs = originOf(origin);
  if (theirs !== ours) return `This request was made on ${origin}, not on this console (${ours}).`;
  return null;
}

/** Throws 403 unless the request was made on a page of ours (see crossSiteRefusal). */
export function assertSameOriginPost(headers: HeaderReader, baseUrl: string): void {
  const refusal = crossSiteRefusal(headers, baseUrl);
  if (refusal) throw new AppError('forbidden', refusal);
}
