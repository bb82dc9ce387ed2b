import type { Env } from '@/lib/env';

// This server's public address, the one rule for every absolute link we build (invitation,
// password reset and email verification mails, SAML metadata, ACS and login URLs, OAuth
// redirects) and for every same-origin check (lib/http/same-origin.ts) and cookie-name choice
// (lib/auth/session.ts). PUBLIC_URL when set; else NEXTAUTH_URL (scripts/server.ts sets it from
// PUBLIC_URL, so the two agree unless an operator sets both differently); else the address a
// local server listens on. Never the request's Host (a client sets it) and never empty: a mail
// must carry an absolute link, and a relative one would be no link at all.

export const DEFAULT_PORT = 3000;

/** This server's public base URL: absolute, without a trailing slash. */
export function publicBaseUrl(env: Env = process.env): string {
  const configured = [env.PUBLIC_URL, env.NEXTAUTH_URL].map((value) => (value ?? '').trim().replace(/\/+$/, '')).find((value) => value !== '');
  return configured ?? `http://localhost:${env.PORT?.trim() || DEFAULT_PORT}`;
}

/** Whether the public URL is https (Secure cookies, the "__Secure-" session cookie name). */
export function isPublicUrlHttps(env: Env = process.env): boolean {
  return publicBaseUrl(env).toLowerCase().startsWith('https://');
}
