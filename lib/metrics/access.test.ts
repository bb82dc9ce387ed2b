import { describe, expect, it } from 'vitest';
import { decideMetricsAccess, metricsAccessFromEnv, metricsEnabled } from './access';

const TOKEN = 'scrape-token-0123456789abcdef';

describe('metricsAccessFromEnv', () => {
  it('is off when neither variable is set, or both are empty', () => {
    expect(metricsEnabled(metricsAccessFromEnv({}))).toBe(false);
    expect(metricsEnabled(metricsAccessFromEnv({ METRICS_TOKEN: '', METRICS_ALLOW: '  ' }))).toBe(false);
  });

  it.each([
    ['METRICS_TOKEN', { METRICS_TOKEN: 'short-token' }, /METRICS_TOKEN must be at least 16 characters long \(got 11\)/],
    ['METRICS_TOKEN', { METRICS_TOKEN: `${TOKEN}\n` }, /METRICS_TOKEN may hold only .*trailing newline/],
    ['METRICS_TOKEN', { METRICS_TOKEN: `Bearer ${TOKEN}` }, /METRICS_TOKEN may hold only/],
    ['METRICS_TOKEN', { METRICS_TOKEN: ` ${TOKEN}` }, /METRICS_TOKEN may hold only/],
    ['METRICS_ALLOW', { METRICS_ALLOW: '10.0.0.0/8, 10.0.0.0/33' }, /^METRICS_ALLOW: Not an IP address or CIDR range: "10.0.0.0\/33"/],
    ['METRICS_ALLOW', { METRICS_ALLOW: 'prometheus.internal' }, /^METRICS_ALLOW: Not an IP address or CIDR range: "prometheus.internal"/],
    ['METRICS_ALLOW', { METRICS_ALLOW: '10' }, /^METRICS_ALLOW: Not an IP address/],
  ])('refuses a bad %s at start: %j', (_name, env, message) => {
    expect(() => metricsAccessFromEnv(env)).toThrow(message);
  });

  it('takes CIDRs separated by commas or spaces, IPv4 and IPv6', () => {
    const { allow } = metricsAccessFromEnv({ METRICS_ALLOW: '10.0.0.0/8,192.0.2.7 2001:db8::/32' });
    expect(allow?.entries).toHaveLength(3);
  });
});

describe('decideMetricsAccess', () => {
  const tokenOnly = metricsAccessFromEnv({ METRICS_TOKEN: TOKEN });
  const allowOnly = metricsAccessFromEnv({ METRICS_ALLOW: '10.0.0.0/8, ::1' });
  const both = metricsAccessFromEnv({ METRICS_TOKEN: TOKEN, METRICS_ALLOW: '10.0.0.0/8' });
  const off = metricsAccessFromEnv({});

  it.each([
    // Off: nothing admits, whatever is sent.
    ['off', off, `Bearer ${TOKEN}`, '10.1.2.3', 'not_found'],
    ['off', off, undefined, '127.0.0.1', 'not_found'],
    // A token: exactly that bearer token, or 401.
    ['token', tokenOnly, `Bearer ${TOKEN}`, '203.0.113.9', 'allow'],
    ['token', tokenOnly, `bearer ${TOKEN}`, '203.0.113.9', 'allow'],
    ['token', tokenOnly, undefined, '203.0.113.9', 'unauthorized'],
    ['token', tokenOnly, '', '203.0.113.9', 'unauthorized'],
    ['token', tokenOnly, `Bearer ${TOKEN}x`, '203.0.113.9', 'unauthorized'],
    ['token', tokenOnly, `Bearer ${TOKEN.slice(0, -1)}`, '203.0.113.9', 'unauthorized'],
    ['token', tokenOnly, `Basic ${TOKEN}`, '203.0.113.9', 'unauthorized'],
    ['token', tokenOnly, TOKEN, '203.0.113.9', 'unauthorized'],
    ['token', tokenOnly, `Bearer ${TOKEN} extra`, '203.0.113.9', 'unauthorized'],
    // Addresses only: inside the list, or the path does not exist.
    ['allow', allowOnly, undefined, '10.200.0.1', 'allow'],
    ['allow', allowOnly, undefined, '::ffff:10.200.0.1', 'allow'],
    ['allow', allowOnly, undefined, '::1', 'allow'],
    ['allow', allowOnly, undefined, '11.0.0.1', 'not_found'],
    ['allow', allowOnly, `Bearer ${TOKEN}`, '11.0.0.1', 'not_found'],
    ['allow', allowOnly, undefined, null, 'not_found'],
    // Both: either one admits; outside the list without the token is 401.
    ['both', both, undefined, '10.0.0.1', 'allow'],
    ['both', both, `Bearer ${TOKEN}`, '198.51.100.1', 'allow'],
    ['both', both, 'Bearer wrong-token-0123456789', '198.51.100.1', 'unauthorized'],
    ['both', both, undefined, null, 'unauthorized'],
  ] as const)('%s: authorization %j from %s is %s', (_name, access, authorization, clientIp, decision) => {
    expect(decideMetricsAccess(access, { authorization, clientIp })).toBe(decision);
  });
});
