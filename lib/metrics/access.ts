import { createHash, timingSafeEqual } from 'node:crypto';
import type { Env } from '@/lib/env';
import { Allowlist } from '@/lib/net/cidr';

// Who may read GET /metrics. Off (404, as if there were no such path) unless the operator set
// METRICS_TOKEN (a scraper sends `Authorization: Bearer <token>`) or METRICS_ALLOW (CIDRs the
// scraper's address lies in, as lib/net/client-ip.ts resolves it from the socket). Either one
// admits a scrape. The metrics hold no secrets, but they tell how many sign-ins fail and which
// routes are called: not for the whole internet.

export const METRICS_TOKEN_ENV = 'METRICS_TOKEN';
export const METRICS_ALLOW_ENV = 'METRICS_ALLOW';
/** Shorter tokens are refused at start: a scrape token is guessed like any other. */
export const METRICS_TOKEN_MIN_LENGTH = 16;

export type MetricsAccess = { token: Buffer | null; allow: Allowlist | null };

/**
 * Reads METRICS_TOKEN and METRICS_ALLOW. A bad value throws with the variable named, and the
 * server stops at start (scripts/server.ts) rather than serving metrics to the wrong people.
 */
export function metricsAccessFromEnv(env: Env = process.env): MetricsAccess {
  const rawToken = env[METRICS_TOKEN_ENV];
  let token: Buffer | null = null;
  if (rawToken !== undefined && rawToken !== '') {
    // A header value cannot carry spaces or control characters around or inside a bearer token
    // (RFC 6750's b64token); a pasted newline would never match and lock the scraper out unseen.
    if (!/^[A-Za-z0-9\-._~+/]+=*$/.test(rawToken)) {
      throw new Error(`${METRICS_TOKEN_ENV} may hold only letters, digits and - . _ ~ + / = (a bearer token); check for spaces or a trailing newline`);
    }
    if (rawToken.length < METRICS_TOKEN_MIN_LENGTH) {
      throw new Error(`${METRICS_TOKEN_ENV} must be at least ${METRICS_TOKEN_MIN_LENGTH} characters long (got ${rawToken.length}); generate one with: openssl rand -hex 32`);
    }
    token = digest(rawToken);
  }
  const rawAllow = env[METRICS_ALLOW_ENV]?.trim();
  let allow: Allowlist | null = null;
  if (rawAllow) {
    try {
      allow = new Allowlist(rawAllow.split(/[\s,]+/).filter(Boolean));
    } catch (error) {
      throw new Error(`${METRICS_ALLOW_ENV}: ${(error as Error).message} (a list of CIDRs separated by commas or spaces)`);
    }
  }
  return { token, allow };
}

/** Whether /metrics answers at all: only when one of the variables is set. */
export function metricsEnabled(access: MetricsAccess): boolean {
  return access.token !== null || access.allow !== null;
}

/** A scrape's answer: serve it, 401 (a token is configured and was not sent right), or 404 (off, or not for this address). */
export type MetricsDecision = 'allow' | 'unauthorized' | 'not_found';

export function decideMetricsAccess(
  access: MetricsAccess,
  { authorization, clientIp }: { authorization: string | undefined; clientIp: string | null },
): MetricsDecision {
  if (!metricsEnabled(access)) return 'not_found';
  if (access.allow?.contains(clientIp)) return 'allow';
  if (access.token) {
    const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
    // Both sides hashed to the same length first, so the comparison takes the same time
    // whatever the sent token's length and however much of it is right.
    return match && timingSafeEqual(digest(match[1]!), access.token) ? 'allow' : 'unauthorized';
  }
  // Only an address list, and this address is not in it: the path does not exist for it.
  return 'not_found';
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
