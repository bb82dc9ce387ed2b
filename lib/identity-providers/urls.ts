// The URLs of one identity provider on our side. Their paths are a contract (the IdP's admin
// pastes them, other parts of Portcullis link to them): the SP entity ID is the metadata URL.

// The base URL is this server's public one: lib/http/public-url.ts.

export function spUrls(baseUrl: string, accountId: string, methodId: string) {
  const base = `${baseUrl.replace(/\/+$/, '')}/v1/sso/saml/account/${encodeURIComponent(accountId)}/method/${encodeURIComponent(methodId)}`;
  return {
    entityId: `${base}/metadata`,
    metadataUrl: `${base}/metadata`,
    acsUrl: `${base}/acs`,
    /** SP-initiated sign-in: GET, redirects to the IdP. */
    loginUrl: `${base}/login`,
    /** A new person creates an account tied to this IdP. */
    signupUrl: `${base}/login?purpose=signup`,
    /**
     * A signed-in user links their account to this IdP: a GET admins hand out, which only opens
     * our confirmation page (linkConfirmationPath); that page's POST to loginUrl starts the link.
     */
    linkUrl: `${base}/login?purpose=link`,
    /** The admin's test sign-in: a same-origin POST from the identity provider's page. */
    testUrl: `${base}/login?purpose=test`,
  };
}

/** The console page that names an IdP and its organization and asks before linking it. */
export function linkConfirmationPath(accountId: string, methodId: string): string {
  return `/profile/authentication/link/${encodeURIComponent(accountId)}/${encodeURIComponent(methodId)}`;
}
export type SpUrls = ReturnType<typeof spUrls>;

/**
 * The cookie that ties an SP-initiated request to the browser that started it. It must come back
 * on the IdP's cross-site POST to the ACS, so SameSite=None, which browsers accept only with
 * Secure: over plain http there is no such cookie and the tie is not checked.
 */
export const REQUEST_COOKIE_PREFIX = 'saml_req_';

export function requestCookieHeader(requestId: string, baseUrl: string, maxAgeSeconds: number): string | null {
  if (!baseUrl.startsWith('https://')) return null;
  return `${REQUEST_COOKIE_PREFIX}${requestId}=1; Path=/v1/sso/saml/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=None; Secure`;
}

/** The request IDs a browser's Cookie header names; null over http, where none are set. */
export function browserRequestIdsOf(cookieHeader: string | null, baseUrl: string): string[] | null {
  if (!baseUrl.startsWith('https://')) return null;
  return (cookieHeader ?? '')
    .split(';')
    .map((part) => part.trim().split('=')[0]!)
    .filter((name) => name.startsWith(REQUEST_COOKIE_PREFIX))
    .map((name) => name.slice(REQUEST_COOKIE_PREFIX.length));
}
