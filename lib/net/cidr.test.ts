import { describe, expect, it, vi } from 'vitest';
import { Allowlist, allowlistOf, cidrWithin, isValidCidr, normalizeCidr, normalizeIp, parseCidr } from './cidr';

describe('normalizeIp', () => {
  it.each([
    ['10.1.2.3', '10.1.2.3'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['::FFFF:10.1.2.3', '10.1.2.3'],
    ['::ffff:a01:203', '10.1.2.3'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['::1', '::1'],
    ['fe80::1%eth0', 'fe80::1'],
    [' 10.1.2.3 ', '10.1.2.3'],
    ['10', null],
    ['10.1', null],
    ['0x0a.0.0.1', null],
    ['010.0.0.1', null],
    ['256.1.1.1', null],
    ['10.0.0.0/8', null],
    ['1.2.3.4:80', null],
    ['', null],
    ['not-an-ip', null],
    [null, null],
    [undefined, null],
  ])('%s -> %s', (input, expected) => expect(normalizeIp(input)).toBe(expected));
});

describe('parseCidr / isValidCidr', () => {
  it.each([
    // [text, family, bits after parsing]
    ['10.0.0.0/8', 'ipv4', 8],
    ['10.0.0.0/0', 'ipv4', 0],
    ['10.0.0.0/32', 'ipv4', 32],
    ['10.1.2.3', 'ipv4', 32],
    ['  192.168.0.0/16  ', 'ipv4', 16],
    ['2001:db8::/32', 'ipv6', 32],
    ['::/0', 'ipv6', 0],
    ['::/128', 'ipv6', 128],
    ['2001:db8::1', 'ipv6', 128],
    // v4-mapped: reduced to IPv4, the prefix loses the 96 mapping bits.
    ['::ffff:10.0.0.0/104', 'ipv4', 8],
    ['::ffff:10.1.2.3/128', 'ipv4', 32],
    ['::ffff:0.0.0.0/96', 'ipv4', 0],
    ['::ffff:10.1.2.3', 'ipv4', 32],
  ])('%s is a %s /%i', (text, kind, bits) => {
    const cidr = parseCidr(text);
    expect(cidr).not.toBeNull();
    expect(cidr![0].kind()).toBe(kind);
    expect(cidr![1]).toBe(bits);
    expect(isValidCidr(text)).toBe(true);
  });

  it.each([
    '10.0.0.0/33',
    '1.2.3',
    '::/129',
    'abc',
    '10.0.0.0/-1',
    '10.0.0.0/8/8',
    '::ffff:10.0.0.0/90',
    '::ffff:10.0.0.0/95',
    '::ffff:10.0.0.0/129',
    '10.0.0.0/',
    '/8',
    '',
    '   ',
    '10.0.0.0/ 8',
    '10.0.0.0/+8',
    '10.0.0.0/8.0',
    '10.0.0.0/1000',
    '10.0.0.0/0x8',
    '256.0.0.0/8',
    '10/8',
    '0x0a.0.0.0/8',
    '2001:db8::g/32',
    '2001:db8:::/32',
    '10.0.0.0-10.0.0.255',
  ])('rejects %j', (text) => {
    expect(parseCidr(text)).toBeNull();
    expect(isValidCidr(text)).toBe(false);
    expect(normalizeCidr(text)).toBeNull();
  });
});

describe('normalizeCidr', () => {
  it.each([
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['10.1.2.3', '10.1.2.3/32'],
    [' 10.1.2.3/24 ', '10.1.2.0/24'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['10.255.255.255/0', '0.0.0.0/0'],
    ['2001:DB8::1/32', '2001:db8::/32'],
    ['2001:db8:0:0:0:0:0:1', '2001:db8::1/128'],
    ['2001:db8::ffff/120', '2001:db8::ff00/120'],
    ['::/0', '::/0'],
    ['::ffff:10.0.0.0/104', '10.0.0.0/8'],
    ['::ffff:10.1.2.3', '10.1.2.3/32'],
    ['::ffff:10.1.2.3/128', '10.1.2.3/32'],
    ['::ffff:0:0/96', '0.0.0.0/0'],
  ])('%s -> %s', (input, expected) => expect(normalizeCidr(input)).toBe(expected));

  it('is idempotent', () => {
    for (const text of ['10.1.2.3/8', '::ffff:10.0.0.0/104', '2001:db8::1/64']) {
      const once = normalizeCidr(text)!;
      expect(normalizeCidr(once)).toBe(once);
    }
  });
});

describe('Allowlist.contains', () => {
  it.each([
    // IPv4
    [['10.0.0.0/8'], '10.0.0.0', true],
    [['10.0.0.0/8'], '10.255.255.255', true],
    [['10.0.0.0/8'], '11.0.0.0', false],
    [['10.0.0.0/8'], '9.255.255.255', false],
    [['192.168.1.0/24'], '192.168.1.77', true],
    [['192.168.1.0/24'], '192.168.2.1', false],
    [['0.0.0.0/0'], '203.0.113.9', true],
    // A host address inside the range is as good as the network address.
    [['10.1.2.3/8'], '10.9.9.9', true],
    // Bare addresses are /32 and /128.
    [['10.1.2.3'], '10.1.2.3', true],
    [['10.1.2.3'], '10.1.2.4', false],
    [['2001:db8::1'], '2001:db8::1', true],
    [['2001:db8::1'], '2001:DB8:0:0::1', true],
    [['2001:db8::1'], '2001:db8::2', false],
    // IPv6
    [['2001:db8::/32'], '2001:db8:ffff::1', true],
    [['2001:db8::/32'], '2001:db9::1', false],
    [['::/0'], '2001:db8::1', true],
    [['fe80::/10'], 'fe80::1%eth0', true],
    // Families do not mix: an IPv6 range never holds an IPv4 client and vice versa.
    [['::/0'], '10.0.0.1', false],
    [['0.0.0.0/0'], '2001:db8::1', false],
    [['2001:db8::/32'], '10.0.0.1', false],
    // v4-mapped clients match IPv4 ranges ...
    [['10.0.0.0/8'], '::ffff:10.9.9.9', true],
    [['10.0.0.0/8'], '::ffff:a09:909', true],
    [['10.0.0.0/8'], '::ffff:11.0.0.1', false],
    [['0.0.0.0/0'], '::ffff:8.8.8.8', true],
    // ... and v4-mapped ranges and addresses match plain IPv4 clients.
    [['::ffff:10.0.0.0/104'], '10.200.0.1', true],
    [['::ffff:10.0.0.0/104'], '11.0.0.1', false],
    [['::ffff:10.0.0.0/104'], '::ffff:10.200.0.1', true],
    [['::ffff:0:0/96'], '8.8.8.8', true],
    [['::ffff:10.1.2.3'], '10.1.2.3', true],
    [['::ffff:10.1.2.3'], '10.1.2.4', false],
    // Any entry may match.
    [['192.168.0.0/16', '2001:db8::/32', '10.0.0.0/8'], '10.1.1.1', true],
    [['192.168.0.0/16', '2001:db8::/32', '10.0.0.0/8'], '2001:db8::5', true],
    [['192.168.0.0/16', '2001:db8::/32', '10.0.0.0/8'], '172.16.0.1', false],
  ] as const)('%j contains %s: %s', (list, ip, expected) => {
    expect(new Allowlist(list).contains(ip)).toBe(expected);
    expect(new Allowlist(list).admits(ip)).toBe(expected);
  });

  it.each([null, undefined, '', 'unknown', 'garbage', '10.0.0.0/8', '10', '0x0a.0.0.1', '010.0.0.1', '1.2.3.4:80'])(
    'never contains the unknown or malformed address %j, not even in 0.0.0.0/0 + ::/0',
    (ip) => {
      const everyone = new Allowlist(['0.0.0.0/0', '::/0']);
      expect(everyone.contains(ip)).toBe(false);
      expect(everyone.admits(ip)).toBe(false);
    },
  );
});

describe('empty allowlist', () => {
  it.each([null, undefined, '', 'garbage', '10.0.0.1', '2001:db8::1'])('admits %j but contains nothing', (ip) => {
    const empty = new Allowlist([]);
    expect(empty.isEmpty).toBe(true);
    expect(empty.admits(ip)).toBe(true);
    expect(empty.contains(ip)).toBe(false);
  });

  it('allowlistOf([]) is empty and a non-empty list is not', () => {
    expect(allowlistOf([]).isEmpty).toBe(true);
    expect(allowlistOf(['10.0.0.0/8']).isEmpty).toBe(false);
    expect(allowlistOf(['10.0.0.0/8']).admits('192.168.0.1')).toBe(false);
  });
});

describe('Allowlist constructor', () => {
  it.each(['10.0.0.0/33', '1.2.3', '::/129', 'abc', '10.0.0.0/-1', '10.0.0.0/8/8', '::ffff:10.0.0.0/90', ''])(
    'throws on the bad entry %j, naming it',
    (bad) => {
      expect(() => new Allowlist(['10.0.0.0/8', bad])).toThrow(JSON.stringify(bad));
      expect(() => allowlistOf(['10.0.0.0/8', bad])).toThrow(/Not an IP address or CIDR range/);
    },
  );

  it('keeps one parsed entry per input', () => {
    expect(new Allowlist(['10.0.0.0/8', '::1']).entries).toHaveLength(2);
  });
});

describe('allowlistOf', () => {
  it('returns the cached list for the same entries', () => {
    expect(allowlistOf(['198.51.100.0/24', '2001:db8::/48'])).toBe(allowlistOf(['198.51.100.0/24', '2001:db8::/48']));
    expect(allowlistOf(['198.51.100.0/24'])).not.toBe(allowlistOf(['198.51.100.0/25']));
  });

  it('matches v4 in mapped form', () => {
    expect(allowlistOf(['10.0.0.0/8']).admits('::ffff:10.9.9.9')).toBe(true);
    expect(normalizeCidr('::ffff:10.0.0.0/104')).toBe('10.0.0.0/8');
  });

  it('keeps at most 1000 parsed lists, dropping the oldest first', async () => {
    // A fresh module: other tests of this file have filled the cache.
    vi.resetModules();
    const fresh = await import('./cidr');
    const host = (i: number) => [`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`];
    const first = fresh.allowlistOf(host(0));
    for (let i = 1; i < 1000; i++) fresh.allowlistOf(host(i));
    // 1000 lists: the first is still kept.
    expect(fresh.allowlistOf(host(0))).toBe(first);
    fresh.allowlistOf(host(1000));
    // The 1001st pushed the oldest out: asking again parses it anew.
    const again = fresh.allowlistOf(host(0));
    expect(again).not.toBe(first);
    expect(again.admits('10.0.0.0')).toBe(true);
  });

  it('an address with a zone index is matched without it', () => {
    expect(allowlistOf(['fe80::/10']).admits('fe80::1%eth0')).toBe(true);
    expect(allowlistOf(['fe80::/10']).admits('fe80::1%25')).toBe(true);
    expect(allowlistOf(['2001:db8::/32']).admits('fe80::1%eth0')).toBe(false);
  });
});

describe('Allowlist.coversRange / cidrWithin', () => {
  it.each([
    // [allowlist, range, covered]
    [['10.0.0.0/8'], '10.0.0.0/8', true],
    [['10.0.0.0/8'], '10.1.0.0/16', true],
    [['10.0.0.0/8'], '10.255.255.255', true],
    [['10.0.0.0/8'], '10.1.2.3/8', true], // the same network, written with host bits
    [['10.0.0.0/8'], '10.0.0.0/7', false], // wider than the entry
    [['10.0.0.0/8'], '11.0.0.0/16', false],
    [['10.0.0.0/8'], '0.0.0.0/0', false],
    [['10.1.2.3/32'], '10.1.2.3', true],
    [['10.1.2.3/32'], '10.1.2.2/31', false],
    [['0.0.0.0/0'], '203.0.113.0/24', true],
    [['0.0.0.0/0'], '2001:db8::/32', false], // IPv4 "anywhere" says nothing of IPv6
    [['::/0'], '10.0.0.0/8', false],
    [['2001:db8::/32'], '2001:db8:1::/48', true],
    [['2001:db8::/32'], '2001:db8::1', true],
    [['2001:db8::/32'], '2001:db8::/31', false],
    [['2001:db8::/32'], '2001:db9::/48', false],
    // IPv4-mapped ranges and addresses are their IPv4 form, on either side.
    [['::ffff:10.0.0.0/104'], '10.2.0.0/16', true],
    [['10.0.0.0/8'], '::ffff:10.2.0.0/112', true],
    [['10.0.0.0/8'], '::ffff:0.0.0.0/96', false],
    [['10.0.0.0/8'], '::ffff:10.1.2.3', true],
    // Inside one entry, not a union of two.
    [['10.0.0.0/9', '10.128.0.0/9'], '10.0.0.0/8', false],
    [['10.0.0.0/9', '10.128.0.0/9'], '10.200.0.0/16', true],
    [['192.168.0.0/16', '10.0.0.0/8'], '10.9.0.0/16', true],
    // Nothing is covered by an empty list (admitting anywhere is the caller's rule), nor is junk.
    [[], '10.0.0.0/8', false],
    [['10.0.0.0/8'], 'not-a-range', false],
    [['10.0.0.0/8'], '10.0.0.0/33', false],
  ])('%j covers %s: %s', (entries, range, covered) => {
    expect(new Allowlist(entries).coversRange(range)).toBe(covered);
  });

  it('compares the prefix length, not only the leading bits', () => {
    expect(cidrWithin(parseCidr('10.0.0.0/16')!, parseCidr('10.0.0.0/8')!)).toBe(true);
    expect(cidrWithin(parseCidr('10.0.0.0/8')!, parseCidr('10.0.0.0/16')!)).toBe(false);
  });
});
