import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { first } from '@/db/async';
import { tokens, users } from '@/db/tables';
import { authenticate } from '@/lib/auth/gate';
import type { Call } from '@/lib/call';
import { iso, type Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { anotherInstance } from '@/lib/testing/db';
import { listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser, T0, testCtx } from '@/lib/testing/seed';
import { createPersonalToken, expireAllTokens, revokeOtherTokens } from './manage';
import { resolveToken } from './resolve';

// Token writes racing each other on several instances (issue 17): each instance is a connection
// pool of its own on the one database (on SQLite, the process's one connection). The end state
// must be one that some serial order of the requests gives, with each request checked and done
// as a whole: a token made with a token that a concurrent "revoke" ends either comes first (and
// is ended with it) or is refused; it never survives.

const META = { ip: '203.0.113.5', userAgent: 'vitest' };

/** The database as `n` instances reach it. */
function instances(ctx: Ctx, n: number): Ctx[] {
  return [ctx, ...Array.from({ length: n - 1 }, () => ({ ...ctx, db: anotherInstance(ctx.db) }))];
}

/** A member with a personal token and a session, and the call each makes on `instance` (as its gate resolved it). */
async function member(ctx: Ctx) {
  const organization = await seedOrganization(ctx);
  const user = await seedUser(ctx);
  await seedMembership(ctx, { organizationId: organization.id, userId: user.id });
  const personal = await seedToken(ctx, user.id, { kind: 'personal' });
  const session = await seedToken(ctx, user.id, { kind: 'session' });
  const callWith = async (fullToken: string, instance: Ctx): Promise<Call> => ({
    ctx: instance,
    principal: await authenticate({ ctx: instance, input: { authorization: `aivenv1 ${fullToken}`, cookieToken: null, ...META } }),
    meta: META,
  });
  return { user, personal, session, callWith };
}

const tokensOf = async (ctx: Ctx, userId: string) => await ctx.db.select().from(tokens).where(eq(tokens.userId, userId));

const revocations = [
  ['expire_tokens (every token)', expireAllTokens],
  ['revoke every other token', revokeOtherTokens],
] as const;

describe('token writes at once, on several instances', () => {
  it('a burst of 200 requests with one token passes the gate on every instance, and touches the token once', async () => {
    const ctx = testCtx();
    const all = instances(ctx, 3);
    const user = await seedUser(ctx);
    const { fullToken, token } = await seedToken(ctx, user.id, { kind: 'session', maxAgeSeconds: 3600, extendWhenUsed: true });
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, async (_, i) => await resolveToken({ ctx: all[i % all.length]!, input: { token: fullToken, ...META } })),
    );
    expect(results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []))).toEqual([]);
    expect(await first(ctx.db.select().from(tokens).where(eq(tokens.id, token.id)).limit(1))).toMatchObject({
      lastUsedTime: iso(T0),
      lastIp: META.ip,
      expiryTime: iso(new Date(T0.getTime() + 3600_000)),
    });
    expect((await first(ctx.db.select().from(users).where(eq(users.id, user.id)).limit(1)))!.lastActivityTime).toBe(iso(T0));
  });

  describe.each(revocations)('a token made while %s', (_name, revoke) => {
    it('by a token the revocation ends, never survives it (10 rounds, either one sent first)', async () => {
      const ctx = testCtx();
      const [one, two] = instances(ctx, 2) as [Ctx, Ctx];
      for (let round = 0; round < 10; round++) {
        const { user, personal, session, callWith } = await member(ctx);
        // The personal token makes a token on one instance while the session revokes on the other.
        const create = await callWith(personal.fullToken, one);
        const revoker = await callWith(session.fullToken, two);
        const racing = [async () => await createPersonalToken({ ...create, input: { description: `round ${round}` } }), async () => await revoke(revoker)];
        if (round % 2) racing.reverse();
        const settled = await Promise.allSettled(racing.map((run) => run()));
        const [created, revoked] = round % 2 ? [settled[1]!, settled[0]!] : [settled[0]!, settled[1]!];

        expect(revoked.status).toBe('fulfilled');
        const left = await tokensOf(ctx, user.id);
        const kept = revoke === revokeOtherTokens ? [session.token.id] : [];
        // What the revocation ends of the two tokens there were: both, or all but the session.
        const ended = kept.length === 0 ? 2 : 1;
        if (created.status === 'fulfilled') {
          // Made first: the revocation ended it along with the others.
          expect((revoked as PromiseFulfilledResult<number>).value).toBe(ended + 1);
        } else {
          // Revoked first: the token that asked was gone.
          expect(created.reason).toBeInstanceOf(AppError);
          expect([(created.reason as AppError).status, (created.reason as AppError).message]).toEqual([401, 'Invalid token: it does not exist or has been revoked']);
          expect((revoked as PromiseFulfilledResult<number>).value).toBe(ended);
        }
        expect(left.map((t) => t.id), `round ${round}: ${created.status}`).toEqual(kept);
        const made = (await listAuditEvents(ctx)).filter((e) => e.actorUserId === user.id && e.event === 'token.created');
        expect(made).toHaveLength(created.status === 'fulfilled' ? 1 : 0);
      }
    });
  });

  it('50 tokens made at once while the user expires every token: each is made before (and ended) or refused, and the counts add up', async () => {
    const ctx = testCtx();
    const all = instances(ctx, 3);
    const { user, personal, session, callWith } = await member(ctx);
    const creators = await Promise.all(Array.from({ length: 50 }, async (_, i) => await callWith(personal.fullToken, all[i % all.length]!)));
    const expirer = await callWith(session.fullToken, all[1]!);
    const create = async (call: Call, i: number) => await createPersonalToken({ ...call, input: { description: `token ${i}` } });
    // Sent in the middle of the creations: after the first 25 were sent (and reached the
    // database), before the other 25.
    const early = creators.slice(0, 25).map(create);
    await new Promise((resolve) => setImmediate(resolve));
    const expired = expireAllTokens(expirer);
    const late = creators.slice(25).map(async (call, i) => await create(call, 25 + i));
    const settled = await Promise.allSettled([...early, ...late]);
    const count = await expired;

    const made = settled.filter((r) => r.status === 'fulfilled').length;
    const refused = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(refused.filter((e) => !(e instanceof AppError && e.status === 401))).toEqual([]);
    expect(made + refused.length).toBe(50);
    // The expiry ended the two tokens there were, and every token made before it.
    expect(count).toBe(2 + made);
    expect(await tokensOf(ctx, user.id)).toEqual([]);
    const events = (await listAuditEvents(ctx)).filter((e) => e.actorUserId === user.id);
    expect(events.filter((e) => e.event === 'token.created')).toHaveLength(made);
    expect(events.filter((e) => e.event === 'token.revoked').map((e) => e.details)).toEqual([{ scope: 'all_tokens', count }]);
    expect(session.token.id).not.toBe(personal.token.id);
  });
});
