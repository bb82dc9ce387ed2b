import { describe, expect, it } from 'vitest';
import { signInFailures } from '@/db/tables';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { anotherInstance } from '@/lib/testing/db';
import { testCtx } from '@/lib/testing/seed';
import { beginSignInAttempt, returnSignInAttempt } from './rate-limit';

// Failed sign-ins counted across instances (issue 17): bursts of attempts spread over three
// instances (connection pools of their own on one database; on SQLite the process's one
// connection). Every attempt is counted or refused with 429, exactly as many get through as the
// limit allows, and no request fails because the instances collided on a counter.

const LIMITS = { perAccount: 50, perIp: 50 };

function instances(): Ctx[] {
  const ctx = testCtx();
  return [ctx, { ...ctx, db: anotherInstance(ctx.db) }, { ...ctx, db: anotherInstance(ctx.db) }];
}

/** How the attempts ended: 'ok' (counted, the password would now be checked), an AppError's status, or the error's text. */
async function attemptAll(all: Ctx[], attempts: { email: string; ip: string }[]) {
  const results = await Promise.allSettled(attempts.map(async (attempt, i) => await beginSignInAttempt(all[i % all.length]!, attempt, LIMITS)));
  return results.map((r) => (r.status === 'fulfilled' ? 'ok' : r.reason instanceof AppError ? r.reason.status : String(r.reason)));
}

const tally = (outcomes: unknown[]) => outcomes.reduce<Record<string, number>>((counts, o) => ({ ...counts, [String(o)]: (counts[String(o)] ?? 0) + 1 }), {});

async function counters(ctx: Ctx) {
  const rows = await ctx.db.select({ key: signInFailures.key, count: signInFailures.count }).from(signInFailures);
  return Object.fromEntries(rows.map((r) => [r.key, r.count]));
}

describe('failed sign-ins at once, on three instances', () => {
  it('100 guesses at one account from 100 addresses: 50 counted, 50 refused with 429', async () => {
    const all = instances();
    const outcomes = await attemptAll(all, Array.from({ length: 100 }, (_, i) => ({ email: 'ada@example.test', ip: `198.51.100.${i}` })));
    expect(tally(outcomes)).toEqual({ ok: 50, 429: 50 });
    expect((await counters(all[0]!))['email:ada@example.test']).toBe(50);
  });

  it('100 guesses from one address at 100 accounts: 50 counted, 50 refused with 429', async () => {
    const all = instances();
    const outcomes = await attemptAll(all, Array.from({ length: 100 }, (_, i) => ({ email: `user${i}@example.test`, ip: '198.51.100.7' })));
    expect(tally(outcomes)).toEqual({ ok: 50, 429: 50 });
    expect((await counters(all[0]!))['ip:198.51.100.7']).toBe(50);
  });

  it('attempts given back at once (right passwords, a code still to come) are each taken off', async () => {
    const all = instances();
    const attempts = Array.from({ length: 30 }, (_, i) => ({ email: 'ada@example.test', ip: `198.51.100.${i % 3}` }));
    expect(tally(await attemptAll(all, attempts))).toEqual({ ok: 30 });
    await Promise.all(attempts.map(async (attempt, i) => await returnSignInAttempt(all[i % all.length]!, attempt)));
    expect(await counters(all[0]!)).toEqual({ 'email:ada@example.test': 0, 'ip:198.51.100.0': 0, 'ip:198.51.100.1': 0, 'ip:198.51.100.2': 0 });
  });
});
