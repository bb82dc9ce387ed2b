import { Allowlist, normalizeIp } from './cidr';

// Where the client's address comes from. See shared notes/client-ip.md: a client can send any
// X-Forwarded-For it likes, so the header counts only when the peer on the socket is a proxy
// the operator named in TRUSTED_PROXIES. The rule is Express's "trust proxy": walk the header
// from the right (the hop nearest to us) and take the first address that is not a trusted proxy.

/** The header the custom server sets on every request. It overwrites any client-sent value. */
export const CLIENT_IP_HEADER = 'x-portcullis-client-ip';

/**
 * Set in the environment by the custom server (scripts/server.ts), which alone overwrites
 * CLIENT_IP_HEADER. Served any other way (`next start`), that header could come from the client,
 * so it is ignored: the address is unknown, and every allowlist then refuses (fail closed).
 */
export const SERVER_MARK_ENV = 'PORTCULLIS_SERVER';

/** Request headers as Fetch (`Headers`) or Node (`IncomingMessage.headers`, next-auth's `req.headers`) hand them over. */
export type HeaderSource = Headers | Record<string, string | string[] | undefined> | null | undefined;

/** One header's value from either form; the first of repeated ones. */
export function headerValue(headers: HeaderSource, name: string): string | null {
  if (!headers) return null;
  if (headers instanceof Headers) return headers.get(name) || null;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : headers[key];
  return (Array.isArray(value) ? value[0] : value) || null;
}

/**
 * The client's address for a request: the one place outside the custom server that reads it.
 * Every caller (lib/api/handler.ts requestMeta, next-auth's authorize) goes through here; a unit test
 * (client-ip-sources.test.ts) fails on any other read of a forwarding or client-address header.
 */
export function clientIpFromHeaders(headers: HeaderSource, env: Record<string, string | undefined> = process.env): string | null {
  if (env[SERVER_MARK_ENV] !== '1') return null;
  return headerValue(headers, CLIENT_IP_HEADER);
}

/** Parses TRUSTED_PROXIES (CIDRs separated by commas or spaces). A bad entry is a start-up error. */
export function parseTrustedProxies(value: string | undefined): Allowlist {
  const entries = (value ?? '').split(/[\s,]+/).filter(Boolean);
  return new Allowlist(entries);
}

export type ClientIpInput = {
  /** The socket's remote address, as Node reports it. */
  remoteAddress: string | undefined;
  /** The X-Forwarded-For header(s) as received, if any. */
  forwardedFor: string | string[] | undefined;
  trustedProxies: Allowlist;
};

/** The client's address; null only when the socket has no address (a closed connection). */
export function resolveClientIp({ remoteAddress, forwardedFor, trustedProxies }: ClientIpInput): string | null {
  let client = normalizeIp(remoteAddress);
  if (!client || trustedProxies.isEmpty || !trustedProxies.contains(client)) return client;

  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeIp(hops[i]);
    // A malformed entry ends the walk: the last address we can vouch for is the answer.
    if (!hop) return client;
    client = hop;
    if (!trustedProxies.contains(hop)) return hop;
  }
  return client;
}
