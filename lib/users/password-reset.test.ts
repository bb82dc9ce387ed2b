import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { passwordResets, users } from '@/db/schema';
import type { Ctx } from '@/lib/context';
import { asyncRejection } from '@/lib/testing/errors';
import { advance, dumpDatabase, listAuditEvents, seedUser, testCtx } from '@/lib/testing/seed';
import { issuePasswordReset, PASSWORD_RESET_MAX_AGE_MS } from './password-reset';

const rows = (ctx: Ctx) => ctx.db.select().from(passwordResets).all();

beforeEach(() => {
  vi.stubEnv('PUBLIC_URL', 'https://console.example.test/');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('issuePasswordReset', () => {
  it.each(['user', 'operator'] as const)(
    'requested by %s: a 256-bit secret, a link on PUBLIC_URL, one hour; only the SHA-256 is stored, nothing mailed or audited',
    async (requestedBy) => {
      const ctx = testCtx();
      const user = seedUser(ctx, { email: 'ann@x.test' });
      const result = await issuePasswordReset(ctx, { userId: user.id, requestedBy });

      expect(Buffer.from(result.secret, 'base64url')).toHaveLength(32);
      expect(result.link).toBe(`https://console.example.test/reset-password/${result.secret}`);
      expect(result.expiryTime).toBe('2026-03-01T13:00:00Z');
      expect(rows(ctx)).toEqual([
        {
          id: expect.any(String),
          userId: user.id,
          email: 'ann@x.test',
          tokenHash: createHash('sha256').update(result.secret).digest('hex'),
          requestedBy,
          createTime: '2026-03-01T12:00:00Z',
          expiryTime: '2026-03-01T13:00:00Z',
          usedTime: null,
        },
      ]);
      expect(dumpDatabase(ctx)).not.toContain(result.secret);
      expect(listAuditEvents(ctx)).toEqual([]);
    },
  );

  it('expires one hour after it was made', async () => {
    const ctx = testCtx();
    advance(ctx, 90_000);
    const user = seedUser(ctx);
    const { expiryTime } = await issuePasswordReset(ctx, { userId: user.id, requestedBy: 'operator' });
    expect(Date.parse(expiryTime) - ctx.now.getTime()).toBe(PASSWORD_RESET_MAX_AGE_MS);
  });

  it('each call makes a new secret; the newest replaces the unused older link of the same user only', async () => {
    const ctx = testCtx();
    const ann = seedUser(ctx, { email: 'ann@x.test' });
    const bob = seedUser(ctx, { email: 'bob@x.test' });
    const first = await issuePasswordReset(ctx, { userId: ann.id, requestedBy: 'user' });
    const bobs = await issuePasswordReset(ctx, { userId: bob.id, requestedBy: 'user' });
    const second = await issuePasswordReset(ctx, { userId: ann.id, requestedBy: 'operator' });
    expect(second.secret).not.toBe(first.secret);
    expect(rows(ctx).map((r) => [r.userId, r.tokenHash]).sort()).toEqual(
      [
        [ann.id, createHash('sha256').update(second.secret).digest('hex')],
        [bob.id, createHash('sha256').update(bobs.secret).digest('hex')],
      ].sort(),
    );
  });

  it('keeps used links (the record of a reset) when replacing', async () => {
    const ctx = testCtx();
    const ann = seedUser(ctx);
    await issuePasswordReset(ctx, { userId: ann.id, requestedBy: 'user' });
    ctx.db.update(passwordResets).set({ usedTime: '2026-03-01T12:00:00Z' }).run();
    await issuePasswordReset(ctx, { userId: ann.id, requestedBy: 'user' });
    expect(rows(ctx).map((r) => r.usedTime)).toEqual(['2026-03-01T12:00:00Z', null]);
  });

  it('falls back to NEXTAUTH_URL, then localhost, for the link', async () => {
    vi.stubEnv('PUBLIC_URL', '');
    vi.stubEnv('NEXTAUTH_URL', 'http://host.test:8080');
    const ctx = testCtx();
    const { link, secret } = await issuePasswordReset(ctx, { userId: seedUser(ctx).id, requestedBy: 'operator' });
    expect(link).toBe(`http://host.test:8080/reset-password/${secret}`);
  });

  it.each<[string, (ctx: Ctx) => { userId: string; requestedBy: 'user' | 'operator' }, number, string]>([
    ['an unknown user', () => ({ userId: 'u000000000000', requestedBy: 'operator' }), 404, 'User u000000000000 does not exist'],
    [
      'an application user',
      (ctx) => {
        const bot = seedUser(ctx, { email: 'bot@x.test' });
        ctx.db.update(users).set({ isApplicationUser: true }).where(eq(users.id, bot.id)).run();
        return { userId: bot.id, requestedBy: 'operator' };
      },
      403,
      'Application users have no password to reset: they use application tokens',
    ],
    ['an unknown requester', (ctx) => ({ userId: seedUser(ctx).id, requestedBy: 'admin' as 'user' }), 400, "requestedBy must be 'user' or 'operator'"],
  ])('refuses %s (%i) and stores nothing', async (_name, input, status, message) => {
    const ctx = testCtx();
    const error = await asyncRejection(issuePasswordReset(ctx, input(ctx)));
    expect([error.status, error.message]).toEqual([status, message]);
    expect(rows(ctx)).toEqual([]);
  });
});
