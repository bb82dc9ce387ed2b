import type { Env } from '@/lib/env';

// The URLs of one identity provider on our side. Their paths are a contract (the IdP's admin
// pastes them, other parts of Portcullis link to them): the SP entity ID is the metadata URL.

/** This server's public base URL, without a trailing slash. */
export function publicBaseUrl(env: Env = process.env): string {
  const base = env.PUBLIC_URL || env.NEXTAUTH_URL || `http://localhost:${env.PORT || 3000}`;
  return base.replace(/\/+$/, '');
}

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
    /** A signed-in user links their account to this IdP. */
    linkUrl: `${base}/login?purpose=link`,
    testUrl: `${base}/login?purpose=test`,
  };
}
export type SpUrls = ReturnType<typeof spUrls>;
