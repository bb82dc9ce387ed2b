import { describe, expect, it } from 'vitest';
import { rejection } from '@/lib/testing/errors';
import { allowlistWithin, assertNotWider, scopesWithin, wideningRefusals, type ParentToken, type RequestedLimits } from './narrowing';
import { SCOPES } from './scopes';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const inSeconds = (seconds: number) => new Date(NOW.getTime() + seconds * 1000).toISOString();

const parent = (over: Partial<ParentToken> = {}): ParentToken => ({ kind: 'personal', scopes: [], ipAllowlist: [], expiryTime: null, ...over });
const child = (over: Partial<RequestedLimits> = {}): RequestedLimits => ({
  scopes: [],
  ipAllowlist: [],
  maxAgeSeconds: null,
  extendWhenUsed: false,
  ...over,
});

describe('scopesWithin(child, parent)', () => {
  it.each([
    // [child, parent, within]
    [[], [], true],
    [['projects'], [], true],
    [[], ['projects:read'], false], // a scoped parent has no unscoped child
    [[], ['user', 'projects', 'organizations', 'authentication'], false], // "everything" also means later areas
    [['projects'], ['projects'], true],
    [['projects:read'], ['projects'], true],
    [['projects:write'], ['projects'], true],
    [['projects:read', 'projects:write'], ['projects'], true],
    [['projects:read'], ['projects:read'], true],
    [['projects:write'], ['projects:read'], false], // read never grants write
    [['projects'], ['projects:read'], false],
    [['projects:read'], ['projects:write'], false], // write does not read (scopesPermit)
    [['projects'], ['projects:write'], false],
    [['projects'], ['projects:read', 'projects:write'], true], // the same two permissions
    [['user'], ['projects'], false],
    [['authentication'], ['organizations'], false], // authentication is not part of organizations
    [['organizations'], ['authentication'], false],
    [['authentication:read'], ['organizations', 'authentication:read'], true],
    [['user', 'projects:read'], ['user', 'projects'], true],
    [['user', 'projects:read'], ['user'], false], // one wider scope is enough to refuse
    [['user', 'user:read'], ['user'], true],
  ])('%j within %j: %s', (childScopes, parentScopes, within) => {
    expect(scopesWithin(childScopes, parentScopes)).toBe(within);
  });

  it('every known scope is within itself and within its area, and nothing but the empty list contains the empty list', () => {
    for (const scope of SCOPES) {
      const area = scope.split(':')[0]!;
      expect(scopesWithin([scope], [scope]), scope).toBe(true);
      expect(scopesWithin([scope], [area]), scope).toBe(true);
      expect(scopesWithin([], [scope]), scope).toBe(false);
    }
  });

  it('a scope string nobody knows grants nothing, so it widens nothing; a parent made only of them permits nothing', () => {
    expect(scopesWithin(['projects:admin'], ['projects:read'])).toBe(true);
    expect(scopesWithin(['projects:read'], ['projects:admin'])).toBe(false);
  });
});

describe('allowlistWithin(child, parent)', () => {
  it.each([
    [[], [], true],
    [['10.0.0.0/8'], [], true],
    [[], ['10.0.0.0/8'], false], // anywhere is wider than any list
    [['10.1.0.0/16'], ['10.0.0.0/8'], true],
    [['10.0.0.0/8'], ['10.0.0.0/8'], true],
    [['10.0.0.0/7'], ['10.0.0.0/8'], false],
    [['10.1.0.0/16', '192.168.1.0/24'], ['10.0.0.0/8'], false], // every range must be inside
    [['10.1.0.0/16', '192.168.1.0/24'], ['10.0.0.0/8', '192.168.0.0/16'], true],
    [['0.0.0.0/0'], ['10.0.0.0/8'], false],
    [['2001:db8:1::/48'], ['2001:db8::/32'], true],
    [['2001:db8::/31'], ['2001:db8::/32'], false],
    [['2001:db8::/48'], ['10.0.0.0/8'], false],
    [['10.2.0.0/16'], ['::ffff:10.0.0.0/104'], true], // IPv4-mapped parent
    [['::ffff:10.2.0.0/112'], ['10.0.0.0/8'], true], // IPv4-mapped child
    [['::ffff:11.0.0.0/104'], ['10.0.0.0/8'], false],
    [['10.0.0.0/8'], ['10.0.0.0/9', '10.128.0.0/9'], false], // inside one range, not a union
  ])('%j within %j: %s', (childList, parentList, within) => {
    expect(allowlistWithin(childList, parentList)).toBe(within);
  });
});

describe('wideningRefusals / assertNotWider', () => {
  it('a login session may create any token its user may have', () => {
    const session = parent({ kind: 'session', scopes: ['projects:read'], ipAllowlist: ['10.0.0.0/8'], expiryTime: inSeconds(600) });
    expect(wideningRefusals(session, child({ maxAgeSeconds: 315_360_000, extendWhenUsed: true }), NOW)).toEqual([]);
    expect(wideningRefusals(session, child(), NOW)).toEqual([]);
  });

  it.each(['personal', 'application'] as const)('a %s token with no limits may create any token', (kind) => {
    expect(wideningRefusals(parent({ kind }), child({ maxAgeSeconds: 600, extendWhenUsed: true, scopes: ['user'] }), NOW)).toEqual([]);
    expect(wideningRefusals(parent({ kind }), child(), NOW)).toEqual([]);
  });

  it.each(['personal', 'application'] as const)('a %s token: each wider part is named', (kind) => {
    const scoped = parent({ kind, scopes: ['projects:read'] });
    expect(wideningRefusals(scoped, child(), NOW)).toEqual(['This token\'s scopes (projects:read) do not allow creating a token with scopes (all)']);
    expect(wideningRefusals(scoped, child({ scopes: ['projects', 'user'] }), NOW)).toEqual([
      'This token\'s scopes (projects:read) do not allow creating a token with scopes (projects, user)',
    ]);
    const fenced = parent({ kind, ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'] });
    expect(wideningRefusals(fenced, child(), NOW)).toEqual([
      'This token\'s IP allowlist (10.0.0.0/8, 2001:db8::/32) does not allow creating a token with IP allowlist (anywhere)',
    ]);
    expect(wideningRefusals(fenced, child({ ipAllowlist: ['10.1.0.0/16', '0.0.0.0/0'] }), NOW)).toEqual([
      'This token\'s IP allowlist (10.0.0.0/8, 2001:db8::/32) does not allow creating a token with IP allowlist (10.1.0.0/16, 0.0.0.0/0)',
    ]);
  });

  describe('expiry: the child ends no later than the parent now does', () => {
    const expiring = parent({ expiryTime: inSeconds(3600) });
    const prefix = `This token's expiry (${inSeconds(3600)}) does not allow creating a token`;
    it.each([
      ['no max age', child(), `${prefix} without a max age`],
      ['a max age that ends later', child({ maxAgeSeconds: 3601 }), `${prefix} with max age 3601 seconds (it would expire at ${inSeconds(3601)}; at most 3600 seconds)`],
      ['ten years', child({ maxAgeSeconds: 315_360_000 }), `${prefix} with max age 315360000 seconds (it would expire at ${inSeconds(315_360_000)}; at most 3600 seconds)`],
      ['extending when used', child({ maxAgeSeconds: 600, extendWhenUsed: true }), `${prefix} that extends when used`],
    ])('refused: %s', (_name, requested, message) => {
      expect(wideningRefusals(expiring, requested, NOW)).toEqual([message]);
    });

    it.each([
      ['ends exactly with it', 3600],
      ['ends before it', 600],
    ])('allowed: a max age that %s', (_name, maxAgeSeconds) => {
      expect(wideningRefusals(expiring, child({ maxAgeSeconds }), NOW)).toEqual([]);
    });

    it('a parent that extends when used is held to its current expiry', () => {
      // The stored expiry is where the parent's last use slid it; that is the bound.
      const sliding = parent({ expiryTime: inSeconds(900) });
      expect(wideningRefusals(sliding, child({ maxAgeSeconds: 900 }), NOW)).toEqual([]);
      expect(wideningRefusals(sliding, child({ maxAgeSeconds: 901 }), NOW)).toHaveLength(1);
    });

    it('a parent without an expiry allows any', () => {
      expect(wideningRefusals(parent(), child({ maxAgeSeconds: null }), NOW)).toEqual([]);
      expect(wideningRefusals(parent(), child({ maxAgeSeconds: 600, extendWhenUsed: true }), NOW)).toEqual([]);
    });
  });

  it('assertNotWider: 403 with every wider part, in the order scopes, allowlist, expiry', async () => {
    const narrow = parent({ scopes: ['user'], ipAllowlist: ['10.0.0.0/8'], expiryTime: inSeconds(3600) });
    const error = await rejection(() => assertNotWider(narrow, child(), NOW));
    expect(error.code).toBe('forbidden');
    expect(error.status).toBe(403);
    expect(error.message).toBe(
      [
        'This token\'s scopes (user) do not allow creating a token with scopes (all)',
        'This token\'s IP allowlist (10.0.0.0/8) does not allow creating a token with IP allowlist (anywhere)',
        `This token's expiry (${inSeconds(3600)}) does not allow creating a token without a max age`,
      ].join('; '),
    );
    expect(() => assertNotWider(narrow, child({ scopes: ['user:read'], ipAllowlist: ['10.9.0.0/16'], maxAgeSeconds: 1800 }), NOW)).not.toThrow();
  });
});
