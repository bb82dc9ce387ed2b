import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tokens } from '@/db/tables';
import { iso } from '@/lib/context';
import { dumpDatabase, seedToken, seedUser, T0, testCtx } from '@/lib/testing/seed';
import { createToken } from './create';
import { hashToken, TOKEN_MARKER, TOKEN_PREFIX_LENGTH } from './token';
import { first } from '@/db/async';

describe('createToken', () => {
  it('returns the full token once and stores only its prefix and hash', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    const { fullToken, token } = await createToken({
      ctx,
      input: {
        userId: user.id,
        kind: 'personal',
        authMethod: 'password',
        description: 'ci',
        createdManually: true,
        maxAgeSeconds: 3600,
        extendWhenUsed: false,
        scopes: ['user:read'],
      },
    });
    expect(fullToken.startsWith(TOKEN_MARKER)).toBe(true);
    expect(token.tokenPrefix).toBe(fullToken.slice(0, TOKEN_PREFIX_LENGTH));
    expect(token.tokenHash).toBe(hashToken(fullToken));
    expect(token).toMatchObject({
      userId: user.id,
      kind: 'personal',
      authMethod: 'password',
      description: 'ci',
      createdManually: true,
      createTime: iso(T0),
      expiryTime: iso(new Date(T0.getTime() + 3600_000)),
      maxAgeSeconds: 3600,
      extendWhenUsed: false,
      ipAllowlist: [],
      scopes: ['user:read'],
      lastUsedTime: null,
      lastIp: null,
      lastUserAgent: null,
    });
    expect(await first(ctx.db.select().from(tokens).where(eq(tokens.id, token.id)).limit(1))).toEqual(token);
  });

  it('stores the plain token nowhere in the database', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    const { fullToken } = await seedToken(ctx, user.id, { description: 'look for me' });
    const secretPart = fullToken.slice(TOKEN_PREFIX_LENGTH);
    const dump = await dumpDatabase(ctx);
    // The dump did reach the token row ...
    expect(dump).toContain('look for me');
    expect(dump).toContain(hashToken(fullToken));
    // ... and holds neither the token nor its secret part.
    expect(dump).not.toContain(fullToken);
    expect(dump).not.toContain(secretPart);
  });

  it('has no expiry when maxAgeSeconds is null', async () => {
    const ctx = testCtx();
    const { token } = await seedToken(ctx, (await seedUser(ctx)).id, { maxAgeSeconds: null, extendWhenUsed: true });
    expect(token.expiryTime).toBeNull();
    expect(token.maxAgeSeconds).toBeNull();
  });

  it('treats maxAgeSeconds 0 as an expiry, not as "none"', async () => {
    const ctx = testCtx();
    const { token } = await seedToken(ctx, (await seedUser(ctx)).id, { maxAgeSeconds: 0 });
    expect(token.expiryTime).toBe(iso(T0));
  });

  it.each([
    [['10.1.2.3/8'], ['10.0.0.0/8']],
    [['10.1.2.3'], ['10.1.2.3/32']],
    [['::ffff:10.0.0.0/104'], ['10.0.0.0/8']],
    [['2001:DB8::1/32', ' 192.168.1.9/24 '], ['2001:db8::/32', '192.168.1.0/24']],
    [[], []],
  ])('normalizes the allowlist %j -> %j', async (input, stored) => {
    const ctx = testCtx();
    const { token } = await seedToken(ctx, (await seedUser(ctx)).id, { ipAllowlist: input });
    expect(token.ipAllowlist).toEqual(stored);
  });

  it.each(['10.0.0.0/33', 'abc', '::/129'])('refuses the bad CIDR %j and stores nothing', async (bad) => {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    await expect(seedToken(ctx, user.id, { ipAllowlist: ['10.0.0.0/8', bad] })).rejects.toThrow(/invalid CIDR/);
    expect(await ctx.db.select().from(tokens)).toHaveLength(0);
  });

  it('gives each token of a user its own prefix and hash', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    const a = await seedToken(ctx, user.id);
    const b = await seedToken(ctx, user.id);
    expect(a.fullToken).not.toBe(b.fullToken);
    expect(a.token.tokenPrefix).not.toBe(b.token.tokenPrefix);
    expect(a.token.tokenHash).not.toBe(b.token.tokenHash);
  });

  it('refuses a token for a user that does not exist', async () => {
    const ctx = testCtx();
    // The driver's error arrives as the cause of drizzle's DrizzleQueryError (SQLite: "FOREIGN KEY constraint failed"; PostgreSQL: "violates foreign key constraint").
    await expect(seedToken(ctx, 'u-nobody')).rejects.toHaveProperty('cause.message', expect.stringMatching(/foreign key/i));
  });
});
