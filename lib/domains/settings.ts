import type { Env } from '@/lib/env';
import { outboundSetting, type OutboundSetting } from '@/lib/net/outbound';

// How domain verification reaches the outside world, from the environment.

export type LookupSettings = {
  /** DNS servers to ask, as `host` or `host:port` (`[v6]:port`); empty: the system's. */
  dnsServers: string[];
  /** The whole lookup's deadline; the page never waits longer. */
  timeoutMs: number;
  /**
   * Tests only: fetch the HTTP challenge from this base (`http://127.0.0.1:PORT`) instead of
   * `https://<domain>`, sending the domain as the Host header.
   */
  httpBase: string | null;
  /** OUTBOUND_ALLOW_PRIVATE, which decides whether the HTTP check may reach private addresses. */
  outbound: OutboundSetting;
};

const DEFAULT_TIMEOUT_MS = 8000;

function intInRange(value: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (value === undefined || value.trim() === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}`);
  return n;
}

export function lookupSettings(env: Env = process.env): LookupSettings {
  const dnsServers = (env.DNS_SERVERS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const httpBase = env.DOMAIN_HTTP_VERIFICATION_BASE?.trim() || null;
  if (httpBase && !/^https?:\/\/[^/]+$/.test(httpBase)) {
    throw new Error('DOMAIN_HTTP_VERIFICATION_BASE must be a scheme and host[:port], such as http://127.0.0.1:8080');
  }
  return {
    dnsServers,
    timeoutMs: intInRange(env.DOMAIN_VERIFICATION_TIMEOUT_MS, 'DOMAIN_VERIFICATION_TIMEOUT_MS', 100, 60_000, DEFAULT_TIMEOUT_MS),
    httpBase,
    outbound: outboundSetting(env),
  };
}
