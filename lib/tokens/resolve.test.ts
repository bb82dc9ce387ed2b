import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tokens, users } from '@/db/tables';
import { iso, type Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { advance, seedMembership, seedOrganization, seedToken, seedUser, T0, testCtx } from '@/lib/testing/seed';
import { listMemberships } from '@/lib/model/memberships';
import { resolveToken, TOUCH_INTERVAL_MS, type ResolveTokenInput } from './resolve';
import { generateToken, tokenPrefixOf } from './token';
import { rejection } from '@/lib/testing/errors';
import { first } from '@/db/async';

const HOUR = 3600_000;

async function resolve(ctx: Ctx, token: string, input: Partial<Omit<ResolveTokenInput, 'token'>> = {}) {
  return await resolveToken({ ctx, input: { token, ip: '203.0.113.1', userAgent: 'vitest', ...input } });
}


async function storedToken(ctx: Ctx, id: string) {
  return (await first(ctx.db.select().from(tokens).where(eq(tokens.id, id)).limit(1)))!;
}

describe('resolveToken: who', () => {
  it('finds the token and its user', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    const { fullToken, token } = await seedToken(ctx, user.id);
    const resolved = await resolve(ctx, fullToken);
    expect(resolved.user.id).toBe(user.id);
    expect(resolved.token.id).toBe(token.id);
  });

  it.each([
    ['a token never issued', () => generateToken().token],
    ['an empty string', () => ''],
    ['the prefix of a real token', (full: string) => tokenPrefixOf(full)],
    ['a real token with a character changed', (full: string) => full.slice(0, -1) + (full.endsWith('A') ? 'B' : 'A')],
    ['a real token with whitespace', (full: string) => ` ${full}`],
    ['the stored hash of a real token', (_full: string, hash: string) => hash],
  ])('401 for %s', async (_name, make) => {
    const ctx = testCtx();
    const { fullToken, token } = await seedToken(ctx, (await seedUser(ctx)).id);
    const error = await rejection(() => resolve(ctx, make(fullToken, token.tokenHash)));
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/does not exist or has been revoked/);
  });

  it('brings the user\'s memberships along, oldest first, each with its organization and role', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    const older = await seedOrganization(ctx, { name: 'Zeta' });
    const newer = await seedOrganization(ctx, { name: 'Alpha' });
    const elsewhere = await seedOrganization(ctx, { name: 'Not theirs' });
    await seedMembership(ctx, { organizationId: older.id, userId: user.id, isSuperAdmin: true, joinTime: T0 });
    await seedMembership(ctx, { organizationId: newer.id, userId: user.id, joinTime: new Date(T0.getTime() + HOUR) });
    await seedMembership(ctx, { organizationId: elsewhere.id, userId: (await seedUser(ctx)).id });
    const { fullToken } = await seedToken(ctx, user.id);
    const resolved = await resolve(ctx, fullToken);
    expect(resolved.memberships.map((m) => [m.organization.name, m.isSuperAdmin])).toEqual([
      ['Zeta', true],
      ['Alpha', false],
    ]);
    // The same list, in the same order, as the membership lookup of the rest of lib/ gives.
    expect(resolved.memberships).toEqual(await listMemberships(ctx, user.id));
  });

  it('gives a user of no organization one token row and no memberships', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    const { fullToken, token } = await seedToken(ctx, user.id);
    const resolved = await resolve(ctx, fullToken);
    expect(resolved.token.id).toBe(token.id);
    expect(resolved.memberships).toEqual([]);
  });

  it('401 once the token row is deleted (revoked)', async () => {
    const ctx = testCtx();
    const { fullToken, token } = await seedToken(ctx, (await seedUser(ctx)).id);
    expect((await resolve(ctx, fullToken)).token.id).toBe(token.id);
    await ctx.db.delete(tokens).where(eq(tokens.id, token.id));
    expect((await rejection(() => resolve(ctx, fullToken))).status).toBe(401);
  });
});

describe('resolveToken: expiry', () => {
  it.each([
    ['well before expiry', HOUR - 60_000, null],
    ['one second before expiry', HOUR - 1000, null],
    ['exactly at expiry', HOUR, 401],
    ['within the expiry second', HOUR + 999, 401],
    ['after expiry', HOUR + 1000, 401],
    ['long after expiry', 1000 * HOUR, 401],
  ])('%s -> %s', async (_name, elapsed, status) => {
    const ctx = testCtx();
    const { fullToken } = await seedToken(ctx, (await seedUser(ctx)).id, { maxAgeSeconds: 3600 });
    advance(ctx, elapsed);
    if (status === null) {
      expect((await resolve(ctx, fullToken)).token.expiryTime).toBe(iso(new Date(T0.getTime() + HOUR)));
    } else {
      const error = await rejection(() => resolve(ctx, fullToken));
      expect(error.status).toBe(status);
      expect(error.message).toBe('Token has expired');
    }
  });

  it('never expires with maxAgeSeconds null', async () => {
    const ctx = testCtx();
    const { fullToken } = await seedToken(ctx, (await seedUser(ctx)).id, { maxAgeSeconds: null });
    advance(ctx, 10 * 365 * 24 * HOUR);
    expect((await resolve(ctx, fullToken)).token.expiryTime).toBeNull();
  });

  it('slides the expiry of an extend-when-used token', async () => {
    const ctx = testCtx();
    const { fullToken, token } = await seedToken(ctx, (await seedUser(ctx)).id, { maxAgeSeconds: 3600, extendWhenUsed: true });
    advance(ctx, HOUR / 2);
    const used = (await resolve(ctx, fullToken)).token;
    const slid = iso(new Date(T0.getTime() + HOUR / 2 + HOUR));
    expect(used.expiryTime).toBe(slid);
    expect((await storedToken(ctx, token.id)).expiryTime).toBe(slid);
    // Past the original expiry, still inside the slid one.
    advance(ctx, HOUR - 1000);
    expect((await resolve(ctx, fullToken)).token.id).toBe(token.id);
  });

  it('does not slide a fixed-expiry token', async () => {
    const ctx = testCtx();
    const { fullToken, token } = await seedToken(ctx, (await seedUser(ctx)).id, { maxAgeSeconds: 3600, extendWhenUsed: false });
    advance(ctx, HOUR / 2);
    expect((await resolve(ctx, fullToken)).token.expiryTime).toBe(token.expiryTime);
    expect((await storedToken(ctx, token.id)).expiryTime).toBe(token.expiryTime);
    advance(ctx, HOUR / 2);
    expect((await rejection(() => resolve(ctx, fullToken))).status).toBe(401);
  });

  it('an extend-when-used token without a max age keeps no expiry when used (it does not expire on the spot)', async () => {
    const ctx = testCtx();
    const { fullToken, token } = await seedToken(ctx, (await seedUser(ctx)).id, { maxAgeSeconds: null, extendWhenUsed: true });
    advance(ctx, HOUR);
    expect((await resolve(ctx, fullToken)).token.expiryTime).toBeNull();
    expect((await storedToken(ctx, token.id)).expiryTime).toBeNull();
    advance(ctx, HOUR);
    expect((await resolve(ctx, fullToken)).token.id).toBe(token.id);
  });

  it('an extend-when-used token unused for its whole age expires', async () => {
    const ctx = testCtx();
    const { fullToken } = await seedToken(ctx, (await seedUser(ctx)).id, { maxAgeSeconds: 600, extendWhenUsed: true });
    advance(ctx, 600_000);
    expect((await rejection(() => resolve(ctx, fullToken))).message).toBe('Token has expired');
  });
});

describe('resolveToken: token_validity_begin', () => {
  it.each([
    ['before the token was created', -HOUR, true],
    // Times are whole seconds: a token created in the same second as the cut-off survives it.
    ['the second the token was created', 0, true],
    ['after the token was created', 1000, false],
  ])('validity begin %s -> valid %s', async (_name, offset, valid) => {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    const { fullToken } = await seedToken(ctx, user.id);
    await ctx.db
      .update(users)
      .set({ tokenValidityBegin: iso(new Date(T0.getTime() + offset)) })
      .where(eq(users.id, user.id));
    advance(ctx, 2 * HOUR);
    if (valid) {
      expect((await resolve(ctx, fullToken)).user.id).toBe(user.id);
    } else {
      const error = await rejection(() => resolve(ctx, fullToken));
      expect(error.status).toBe(401);
      expect(error.message).toMatch(/all tokens of this user were expired/);
    }
  });

  it('a token created after the validity begin is accepted', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx, { tokenValidityBegin: iso(T0) });
    advance(ctx, 5000);
    const { fullToken } = await seedToken(ctx, user.id);
    expect((await resolve(ctx, fullToken)).user.id).toBe(user.id);
  });
});

describe('resolveToken: user state', () => {
  it('403 for a deactivated user', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx, { state: 'deactivated' });
    const { fullToken } = await seedToken(ctx, user.id);
    const error = await rejection(() => resolve(ctx, fullToken));
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/deactivated/);
  });

  it('a deactivated user\u2019s token does not record its use', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx, { state: 'deactivated' });
    const { fullToken, token } = await seedToken(ctx, user.id);
    await rejection(() => resolve(ctx, fullToken));
    expect((await storedToken(ctx, token.id)).lastUsedTime).toBeNull();
  });
});

describe('resolveToken: token IP allowlist', () => {
  it.each([
    [[], '203.0.113.1', true],
    [[], null, true],
    [['203.0.113.0/24'], '203.0.113.77', true],
    [['203.0.113.0/24'], '198.51.100.1', false],
    [['203.0.113.0/24'], null, false],
    [['203.0.113.0/24'], 'garbage', false],
    [['203.0.113.0/24'], '::ffff:203.0.113.77', true],
    [['::ffff:203.0.113.0/120'], '203.0.113.77', true],
    [['::ffff:203.0.113.0/120'], '203.0.114.1', false],
    [['2001:db8::/32'], '2001:db8::42', true],
    [['2001:db8::/32'], '2001:db9::42', false],
    [['2001:db8::/32'], '203.0.113.77', false],
    [['2001:db8::/32', '203.0.113.0/24'], '203.0.113.77', true],
    [['203.0.113.5'], '203.0.113.5', true],
    [['203.0.113.5'], '203.0.113.6', false],
  ])('allowlist %j, ip %s -> allowed %s', async (ipAllowlist, ip, allowed) => {
    const ctx = testCtx();
    const { fullToken } = await seedToken(ctx, (await seedUser(ctx)).id, { ipAllowlist });
    if (allowed) {
      expect((await resolve(ctx, fullToken, { ip })).token.ipAllowlist).toHaveLength(ipAllowlist.length);
    } else {
      const error = await rejection(() => resolve(ctx, fullToken, { ip }));
      expect(error.status).toBe(403);
      expect(error.message).toContain(`IP address ${ip ?? 'unknown'} is not in this token's IP allowlist`);
    }
  });
});

describe('resolveToken: last use', () => {
  it(`writes last-used fields at most once per ${TOUCH_INTERVAL_MS} ms`, async () => {
    const ctx = testCtx();
    const { fullToken, token } = await seedToken(ctx, (await seedUser(ctx)).id);
    expect(token.lastUsedTime).toBeNull();

    await resolve(ctx, fullToken, { ip: '203.0.113.1', userAgent: 'first' });
    expect(await storedToken(ctx, token.id)).toMatchObject({ lastUsedTime: iso(T0), lastIp: '203.0.113.1', lastUserAgent: 'first' });

    advance(ctx, TOUCH_INTERVAL_MS - 1000);
    const returned = (await resolve(ctx, fullToken, { ip: '203.0.113.2', userAgent: 'second' })).token;
    expect(returned.lastUserAgent).toBe('first');
    expect(await storedToken(ctx, token.id)).toMatchObject({ lastUsedTime: iso(T0), lastIp: '203.0.113.1', lastUserAgent: 'first' });

    advance(ctx, 1000);
    await resolve(ctx, fullToken, { ip: '203.0.113.3', userAgent: 'third' });
    expect(await storedToken(ctx, token.id)).toMatchObject({
      lastUsedTime: iso(new Date(T0.getTime() + TOUCH_INTERVAL_MS)),
      lastIp: '203.0.113.3',
      lastUserAgent: 'third',
    });
  });

  it('returns the row as written when it records a use', async () => {
    const ctx = testCtx();
    const { fullToken, token } = await seedToken(ctx, (await seedUser(ctx)).id);
    const returned = (await resolve(ctx, fullToken, { ip: null, userAgent: null })).token;
    expect(returned).toEqual(await storedToken(ctx, token.id));
    expect(returned).toMatchObject({ lastUsedTime: iso(T0), lastIp: null, lastUserAgent: null });
  });

  it('truncates a long user agent to 512 characters', async () => {
    const ctx = testCtx();
    const { fullToken, token } = await seedToken(ctx, (await seedUser(ctx)).id);
    await resolve(ctx, fullToken, { userAgent: 'x'.repeat(5000) });
    expect((await storedToken(ctx, token.id)).lastUserAgent).toHaveLength(512);
  });

  it('does not record a use the allowlist refused', async () => {
    const ctx = testCtx();
    const { fullToken, token } = await seedToken(ctx, (await seedUser(ctx)).id, { ipAllowlist: ['10.0.0.0/8'] });
    await rejection(() => resolve(ctx, fullToken, { ip: '203.0.113.1' }));
    expect((await storedToken(ctx, token.id)).lastUsedTime).toBeNull();
  });
});
