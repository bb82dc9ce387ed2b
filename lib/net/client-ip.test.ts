import { describe, expect, it } from 'vitest';
import { parseTrustedProxies, resolveClientIp } from './client-ip';

type Case = {
  name: string;
  trusted: string | undefined;
  peer: string | undefined;
  xff: string | string[] | undefined;
  expected: string | null;
};

const cases: Case[] = [
  // No trusted proxies: the socket's address, whatever the header says.
  { name: 'no proxies, no header', trusted: undefined, peer: '203.0.113.5', xff: undefined, expected: '203.0.113.5' },
  { name: 'no proxies, forged header from 127.0.0.1', trusted: undefined, peer: '127.0.0.1', xff: '10.1.2.3', expected: '127.0.0.1' },
  { name: 'no proxies, forged chain', trusted: '', peer: '198.51.100.7', xff: '10.1.2.3, 127.0.0.1', expected: '198.51.100.7' },
  { name: 'no proxies, forged array header', trusted: undefined, peer: '198.51.100.7', xff: ['10.1.2.3'], expected: '198.51.100.7' },
  { name: 'no proxies, mapped peer', trusted: undefined, peer: '::ffff:203.0.113.5', xff: '10.1.2.3', expected: '203.0.113.5' },
  { name: 'no proxies, IPv6 peer', trusted: undefined, peer: '2001:DB8::5', xff: '10.1.2.3', expected: '2001:db8::5' },
  { name: 'no socket address', trusted: undefined, peer: undefined, xff: '10.1.2.3', expected: null },
  { name: 'no socket address, trusted proxies set', trusted: '127.0.0.1/32', peer: undefined, xff: '10.1.2.3', expected: null },

  // TRUSTED_PROXIES=127.0.0.1/32.
  { name: 'trusted peer, one hop', trusted: '127.0.0.1/32', peer: '127.0.0.1', xff: '203.0.113.7', expected: '203.0.113.7' },
  { name: 'trusted peer, client-forged left entry ignored', trusted: '127.0.0.1/32', peer: '127.0.0.1', xff: '10.1.2.3, 203.0.113.7', expected: '203.0.113.7' },
  { name: 'trusted peer, client forges the proxy address itself', trusted: '127.0.0.1/32', peer: '127.0.0.1', xff: '127.0.0.1, 203.0.113.7', expected: '203.0.113.7' },
  { name: 'mapped trusted peer', trusted: '127.0.0.1/32', peer: '::ffff:127.0.0.1', xff: '203.0.113.7', expected: '203.0.113.7' },
  { name: 'trusted peer, no header', trusted: '127.0.0.1/32', peer: '127.0.0.1', xff: undefined, expected: '127.0.0.1' },
  { name: 'trusted peer, empty header', trusted: '127.0.0.1/32', peer: '127.0.0.1', xff: '', expected: '127.0.0.1' },
  { name: 'trusted peer, blank entries', trusted: '127.0.0.1/32', peer: '127.0.0.1', xff: ' , ,203.0.113.7 , ', expected: '203.0.113.7' },
  { name: 'trusted peer, mapped hop', trusted: '127.0.0.1/32', peer: '127.0.0.1', xff: '::ffff:203.0.113.7', expected: '203.0.113.7' },
  { name: 'trusted peer, IPv6 hop', trusted: '127.0.0.1/32', peer: '127.0.0.1', xff: '2001:DB8::7', expected: '2001:db8::7' },
  { name: 'untrusted peer with header', trusted: '127.0.0.1/32', peer: '127.0.0.2', xff: '203.0.113.7', expected: '127.0.0.2' },
  { name: 'untrusted IPv6 peer with header', trusted: '127.0.0.1/32', peer: '::1', xff: '203.0.113.7', expected: '::1' },

  // Chains of trusted proxies.
  { name: 'two trusted proxies', trusted: '10.0.0.0/8', peer: '10.0.0.1', xff: '198.51.100.1, 10.0.0.2', expected: '198.51.100.1' },
  { name: 'three trusted proxies in two ranges', trusted: '10.0.0.0/8, 192.168.0.0/16', peer: '10.0.0.1', xff: '198.51.100.1, 192.168.1.1, 10.0.0.2', expected: '198.51.100.1' },
  { name: 'chain, forged trusted-looking entry left of the client', trusted: '10.0.0.0/8', peer: '10.0.0.1', xff: '10.9.9.9, 198.51.100.1, 10.0.0.2', expected: '198.51.100.1' },
  { name: 'IPv6 proxy', trusted: '::1/128', peer: '::1', xff: '2001:db8::7', expected: '2001:db8::7' },
  { name: 'IPv6 proxy range, mapped client', trusted: 'fd00::/8', peer: 'fd00::1', xff: '::ffff:203.0.113.7, fd00::2', expected: '203.0.113.7' },

  // Every hop trusted: the left-most (the client is inside the trusted network).
  { name: 'all hops trusted', trusted: '10.0.0.0/8', peer: '10.0.0.3', xff: '10.0.0.1, 10.0.0.2', expected: '10.0.0.1' },
  { name: 'all hops trusted, one hop', trusted: '127.0.0.1/32', peer: '127.0.0.1', xff: '127.0.0.1', expected: '127.0.0.1' },

  // A malformed hop ends the walk at the last address a trusted proxy vouched for.
  { name: 'malformed right-most hop', trusted: '127.0.0.1/32', peer: '127.0.0.1', xff: '203.0.113.7, garbage', expected: '127.0.0.1' },
  { name: 'hop with a port', trusted: '127.0.0.1/32', peer: '127.0.0.1', xff: '203.0.113.7:4711', expected: '127.0.0.1' },
  { name: 'hop as a CIDR', trusted: '127.0.0.1/32', peer: '127.0.0.1', xff: '203.0.113.0/24', expected: '127.0.0.1' },
  { name: 'legacy IPv4 form hop', trusted: '127.0.0.1/32', peer: '127.0.0.1', xff: '0x7f.0.0.1', expected: '127.0.0.1' },
  { name: 'malformed hop behind a trusted hop', trusted: '10.0.0.0/8', peer: '10.0.0.3', xff: '198.51.100.1, unknown, 10.0.0.2', expected: '10.0.0.2' },
  { name: 'malformed hop left of the client', trusted: '127.0.0.1/32', peer: '127.0.0.1', xff: 'garbage, 203.0.113.7', expected: '203.0.113.7' },

  // Header given more than once (Node's headersDistinct form): read as one list, in order.
  { name: 'array header', trusted: '127.0.0.1/32', peer: '127.0.0.1', xff: ['10.1.2.3', '203.0.113.7'], expected: '203.0.113.7' },
  { name: 'array header with lists inside', trusted: '10.0.0.0/8', peer: '10.0.0.1', xff: ['10.7.7.7, 198.51.100.1', '10.0.0.2'], expected: '198.51.100.1' },
  { name: 'empty array header', trusted: '127.0.0.1/32', peer: '127.0.0.1', xff: [], expected: '127.0.0.1' },
];

describe('resolveClientIp', () => {
  it.each(cases)('$name -> $expected', ({ trusted, peer, xff, expected }) => {
    expect(resolveClientIp({ remoteAddress: peer, forwardedFor: xff, trustedProxies: parseTrustedProxies(trusted) })).toBe(
      expected,
    );
  });

  it('a forged header from 127.0.0.1 changes nothing without trusted proxies', () => {
    const trustedProxies = parseTrustedProxies(undefined);
    const plain = resolveClientIp({ remoteAddress: '127.0.0.1', forwardedFor: undefined, trustedProxies });
    const forged = resolveClientIp({ remoteAddress: '127.0.0.1', forwardedFor: '10.1.2.3', trustedProxies });
    expect(forged).toBe(plain);
    expect(forged).toBe('127.0.0.1');
  });
});

describe('parseTrustedProxies', () => {
  it.each([
    [undefined, 0],
    ['', 0],
    ['   ', 0],
    [',,', 0],
    ['127.0.0.1/32', 1],
    ['10.0.0.0/8,192.168.0.0/16', 2],
    ['10.0.0.0/8, 192.168.0.0/16', 2],
    ['10.0.0.0/8 192.168.0.0/16', 2],
    [' 10.0.0.0/8 ,, ::1\n\t fd00::/8 ', 3],
    ['127.0.0.1', 1],
  ])('%j has %i entries', (value, count) => {
    const list = parseTrustedProxies(value);
    expect(list.entries).toHaveLength(count);
    expect(list.isEmpty).toBe(count === 0);
  });

  it('keeps every entry, separated by commas or spaces', () => {
    const list = parseTrustedProxies(' 10.0.0.0/8 ,, ::1\n\t fd00::/8 ');
    expect(list.contains('10.1.1.1')).toBe(true);
    expect(list.contains('::1')).toBe(true);
    expect(list.contains('fd00::9')).toBe(true);
    expect(list.contains('192.168.0.1')).toBe(false);
  });

  it.each(['10.0.0.0/8,bogus', '10.0.0.0/33', '127.0.0.1/32 1.2.3', 'localhost', '10.0.0.0/8/8'])(
    'throws on a bad entry in %j',
    (value) => {
      expect(() => parseTrustedProxies(value)).toThrow(/Not an IP address or CIDR range/);
    },
  );
});
