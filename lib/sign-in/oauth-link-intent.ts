import { createHmac, timingSafeEqual } from 'node:crypto';
import { hashToken } from '@/lib/tokens/token';
import { isOAuthProvider, type OAuthProviderId } from './oauth-config';

// "Link Google to my account" on Profile → Authentication starts the same provider flow as
// sign-in. What tells the callback that this run is a link is a short-lived cookie, set by the
// server action and bound (HMAC) to the session that asked and to the provider: an intent left
// behind by someone else's session on a shared browser does nothing.

export const LINK_INTENT_COOKIE = 'portcullis.oauth-link';
export const LINK_INTENT_MAX_AGE_SECONDS = 600;

const mac = (secret: string, provider: string, expires: number, sessionToken: string) =>
  createHmac('sha256', secret).update(`oauth-link:${provider}:${expires}:${hashToken(sessionToken)}`).digest('base64url');

export function makeLinkIntent(secret: string, { provider, sessionToken, now }: { provider: OAuthProviderId; sessionToken: string; now: Date }): string {
  const expires = Math.floor(now.getTime() / 1000) + LINK_INTENT_MAX_AGE_SECONDS;
  return `${provider}.${expires}.${mac(secret, provider, expires, sessionToken)}`;
}

/** The provider the intent is for, when it was made for this session, for this provider, and is not stale. */
export function readLinkIntent(
  secret: string,
  value: string | null | undefined,
  { provider, sessionToken, now }: { provider: string; sessionToken: string | null; now: Date },
): OAuthProviderId | null {
  if (!value || !sessionToken) return null;
  const [intentProvider, expiresText, given] = value.split('.');
  const expires = Number(expiresText);
  if (!isOAuthProvider(intentProvider) || intentProvider !== provider || !Number.isInteger(expires) || !given) return null;
  if (expires * 1000 <= now.getTime()) return null;
  const expected = Buffer.from(mac(secret, intentProvider, expires, sessionToken));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? intentProvider : null;
}
