import { describe, expect, it } from 'vitest';
import { signInFailures } from '@/db/tables';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { advance, T0, testCtx } from '@/lib/testing/seed';
import {
  ACCOUNT_LIMIT,
  assertSignInAllowed,
  clearAccountFailures,
  clientAddressBucket,
  IP_LIMIT,
  PASSWORD_RESET_PER_EMAIL,
  PASSWORD_RESET_PER_IP,
  passwordResetLimits,
  recordSignInFailure,
  releaseSignInAttempt,
  returnSignInAttempt,
  takePasswordResetRequest,
  WINDOW_MS,
} from './rate-limit';

const MINUTE = 60_000;

async function fail(ctx: Ctx, times: number, email: string, ip: string | null) {
  for (let i = 0; i < times; i++) await recordSignInFailure(ctx, { email, ip });
}

async function refusal(ctx: Ctx, attempt: { email: string; ip: string | null }): Promise<AppError | null> {
  try {
    await assertSignInAllowed(ctx, attempt);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
}

/** When `refused`, the attempt's refusal is a 429 with `message`; otherwise there is none. */
function expectRefusedWhen(error: AppError | null, refused: boolean, message: string) {
  if (refused) {
    expect(error?.status).toBe(429);
    expect(error?.message).toBe(message);
  } else {
    expect(error).toBeNull();
  }
}

async function counters(ctx: Ctx) {
  return Object.fromEntries((await ctx.db.select().from(signInFailures)).map((row) => [row.key, row.count]));
}

describe('limits', () => {
  it('are 5 per account and 20 per address in 15-minute windows', () => {
    expect([ACCOUNT_LIMIT, IP_LIMIT, WINDOW_MS]).toEqual([5, 20, 15 * MINUTE]);
  });
});

describe('account limit', () => {
  it.each([
    [0, false],
    [1, false],
    [ACCOUNT_LIMIT - 1, false],
    [ACCOUNT_LIMIT, true],
    [ACCOUNT_LIMIT + 3, true],
  ])('after %i failures refused: %s', async (failures, refused) => {
    const ctx = testCtx();
    // Each failure from another address, so only the account counter can trip.
    for (let i = 0; i < failures; i++) await recordSignInFailure(ctx, { email: 'a@example.test', ip: `198.51.100.${i + 1}` });
    const error = await refusal(ctx, { email: 'a@example.test', ip: '203.0.113.1' });
    expectRefusedWhen(error, refused, 'Too many failed sign-in attempts for this account. Try again in 15 minutes.');
  });

  it('counts per account: another account is not affected', async () => {
    const ctx = testCtx();
    await fail(ctx, ACCOUNT_LIMIT, 'a@example.test', null);
    expect((await refusal(ctx, { email: 'a@example.test', ip: null }))?.status).toBe(429);
    expect(await refusal(ctx, { email: 'b@example.test', ip: null })).toBeNull();
  });

  it('ends with the window, which starts at the first failure', async () => {
    const ctx = testCtx();
    await fail(ctx, 1, 'a@example.test', null);
    advance(ctx, 10 * MINUTE);
    await fail(ctx, ACCOUNT_LIMIT - 1, 'a@example.test', null);
    expect((await refusal(ctx, { email: 'a@example.test', ip: null }))?.message).toMatch(/Try again in 5 minutes\./);
    advance(ctx, 4 * MINUTE + 1000);
    expect((await refusal(ctx, { email: 'a@example.test', ip: null }))?.message).toMatch(/Try again in 1 minute\./);
    advance(ctx, MINUTE - 1000);
    expect(await refusal(ctx, { email: 'a@example.test', ip: null })).toBeNull();
  });

  it('says how many minutes are left, rounded up', async () => {
    const ctx = testCtx();
    await fail(ctx, ACCOUNT_LIMIT, 'a@example.test', null);
    for (const [elapsed, minutes] of [
      [0, 15],
      [30_000, 15],
      [59_000, 15],
      [MINUTE, 14],
      [14 * MINUTE + 59_000, 1],
    ] as const) {
      ctx.now = new Date(T0.getTime() + elapsed);
      expect((await refusal(ctx, { email: 'a@example.test', ip: null }))?.message).toContain(`Try again in ${minutes === 1 ? '1 minute' : `${minutes} minutes`}.`);
    }
  });

  it('starts a new window after one expires, counting from one', async () => {
    const ctx = testCtx();
    await fail(ctx, ACCOUNT_LIMIT, 'a@example.test', null);
    advance(ctx, WINDOW_MS);
    expect(await refusal(ctx, { email: 'a@example.test', ip: null })).toBeNull();
    await fail(ctx, 1, 'a@example.test', null);
    expect((await counters(ctx))['email:a@example.test']).toBe(1);
    await fail(ctx, ACCOUNT_LIMIT - 2, 'a@example.test', null);
    expect(await refusal(ctx, { email: 'a@example.test', ip: null })).toBeNull();
    await fail(ctx, 1, 'a@example.test', null);
    expect((await refusal(ctx, { email: 'a@example.test', ip: null }))?.message).toMatch(/15 minutes/);
  });
});

describe('address limit', () => {
  it.each([
    [IP_LIMIT - 1, false],
    [IP_LIMIT, true],
  ])('after %i failures from one address across accounts refused: %s', async (failures, refused) => {
    const ctx = testCtx();
    for (let i = 0; i < failures; i++) await recordSignInFailure(ctx, { email: `user${i}@example.test`, ip: '203.0.113.9' });
    const error = await refusal(ctx, { email: 'fresh@example.test', ip: '203.0.113.9' });
    expectRefusedWhen(error, refused, 'Too many failed sign-in attempts from your address. Try again in 15 minutes.');
  });

  it('counts per address: another address and an unknown address are not limited', async () => {
    const ctx = testCtx();
    for (let i = 0; i < IP_LIMIT; i++) await recordSignInFailure(ctx, { email: `user${i}@example.test`, ip: '203.0.113.9' });
    expect(await refusal(ctx, { email: 'fresh@example.test', ip: '203.0.113.10' })).toBeNull();
    expect(await refusal(ctx, { email: 'fresh@example.test', ip: null })).toBeNull();
  });

  it('ends with the window', async () => {
    const ctx = testCtx();
    for (let i = 0; i < IP_LIMIT; i++) await recordSignInFailure(ctx, { email: `user${i}@example.test`, ip: '203.0.113.9' });
    advance(ctx, WINDOW_MS - 1000);
    expect((await refusal(ctx, { email: 'fresh@example.test', ip: '203.0.113.9' }))?.status).toBe(429);
    advance(ctx, 1000);
    expect(await refusal(ctx, { email: 'fresh@example.test', ip: '203.0.113.9' })).toBeNull();
  });

  it('the account limit is reported first when both are used up', async () => {
    const ctx = testCtx();
    await fail(ctx, IP_LIMIT, 'a@example.test', '203.0.113.9');
    expect((await refusal(ctx, { email: 'a@example.test', ip: '203.0.113.9' }))?.message).toMatch(/for this account/);
  });
});

describe('recordSignInFailure', () => {
  it('counts the account and, when known, the address', async () => {
    const ctx = testCtx();
    await fail(ctx, 2, 'a@example.test', '203.0.113.9');
    await fail(ctx, 1, 'a@example.test', null);
    expect(await counters(ctx)).toEqual({ 'email:a@example.test': 3, 'ip:203.0.113.9': 2 });
  });
});

describe('clearAccountFailures', () => {
  it('clears the account counter only', async () => {
    const ctx = testCtx();
    await fail(ctx, ACCOUNT_LIMIT, 'a@example.test', '203.0.113.9');
    await fail(ctx, 2, 'b@example.test', '203.0.113.9');
    await clearAccountFailures(ctx, 'a@example.test');
    expect(await counters(ctx)).toEqual({ 'email:b@example.test': 2, 'ip:203.0.113.9': ACCOUNT_LIMIT + 2 });
    expect(await refusal(ctx, { email: 'a@example.test', ip: '203.0.113.9' })).toBeNull();
  });

  it('is harmless for an account without failures', async () => {
    const ctx = testCtx();
    await clearAccountFailures(ctx, 'nobody@example.test');
    expect(await counters(ctx)).toEqual({});
  });
});

describe('returnSignInAttempt and releaseSignInAttempt', () => {
  it('return takes one attempt back from both counters, clearing neither', async () => {
    const ctx = testCtx();
    await fail(ctx, 3, 'a@example.test', '203.0.113.9');
    await returnSignInAttempt(ctx, { email: 'a@example.test', ip: '203.0.113.9' });
    expect(await counters(ctx)).toEqual({ 'email:a@example.test': 2, 'ip:203.0.113.9': 2 });
  });

  it('return never goes below zero, nor touches a counter whose window has passed', async () => {
    const ctx = testCtx();
    await fail(ctx, 1, 'a@example.test', null);
    await returnSignInAttempt(ctx, { email: 'a@example.test', ip: '203.0.113.9' });
    await returnSignInAttempt(ctx, { email: 'a@example.test', ip: '203.0.113.9' });
    expect(await counters(ctx)).toEqual({ 'email:a@example.test': 0 });
    await fail(ctx, 2, 'b@example.test', null);
    advance(ctx, WINDOW_MS);
    await returnSignInAttempt(ctx, { email: 'b@example.test', ip: null });
    expect((await counters(ctx))['email:b@example.test']).toBe(2);
  });

  it('release clears the account counter and takes one attempt back from the address', async () => {
    const ctx = testCtx();
    await fail(ctx, 3, 'a@example.test', '203.0.113.9');
    await releaseSignInAttempt(ctx, { email: 'a@example.test', ip: '203.0.113.9' });
    expect(await counters(ctx)).toEqual({ 'ip:203.0.113.9': 2 });
  });
});

describe('failures per address: IPv4 by the address, IPv6 by its /64', () => {
  it.each([
    ['203.0.113.9', '203.0.113.9'],
    [' 203.0.113.9 ', '203.0.113.9'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['::ffff:cb00:7109', '203.0.113.9'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:0000:0000:0000:0001', '2001:db8:1:2::/64'],
    ['fe80::1%eth0', 'fe80::/64'],
    ['::1', '::/64'],
    ['not-an-address', 'not-an-address'],
  ])('%s counts as %s', (ip, bucket) => expect(clientAddressBucket(ip)).toBe(bucket));

  it('an attacker rotating addresses inside one /64 is limited as one client', async () => {
    const ctx = testCtx();
    for (let i = 0; i < IP_LIMIT; i++) await recordSignInFailure(ctx, { email: `user${i}@example.test`, ip: `2001:db8:aa:bb::${(i + 1).toString(16)}` });
    const error = await refusal(ctx, { email: 'fresh@example.test', ip: '2001:db8:aa:bb:dead:beef:1:2' });
    expect(error?.status).toBe(429);
    expect(error?.message).toMatch(/from your address/);
    // The neighbouring /64 is someone else.
    expect(await refusal(ctx, { email: 'fresh@example.test', ip: '2001:db8:aa:bc::1' })).toBeNull();
    expect(await counters(ctx)).toMatchObject({ 'ip:2001:db8:aa:bb::/64': IP_LIMIT });
  });

  it('an IPv4 client counts the same whether its address comes mapped or not', async () => {
    const ctx = testCtx();
    for (let i = 0; i < IP_LIMIT; i++) await recordSignInFailure(ctx, { email: `user${i}@example.test`, ip: i % 2 ? '::ffff:198.51.100.7' : '198.51.100.7' });
    expect((await refusal(ctx, { email: 'fresh@example.test', ip: '198.51.100.7' }))?.status).toBe(429);
    // IPv4 neighbours are separate clients (a NAT address is one client; its neighbour is not).
    expect(await refusal(ctx, { email: 'fresh@example.test', ip: '198.51.100.8' })).toBeNull();
  });

  it('a success gives back the attempt to the same /64 it was counted against', async () => {
    const ctx = testCtx();
    await recordSignInFailure(ctx, { email: 'a@example.test', ip: '2001:db8::1' });
    await recordSignInFailure(ctx, { email: 'b@example.test', ip: '2001:db8::2' });
    await releaseSignInAttempt(ctx, { email: 'a@example.test', ip: '2001:db8::3' });
    expect((await counters(ctx))['ip:2001:db8::/64']).toBe(1);
  });
});

describe('password reset request limits', () => {
  it.each([['0'], ['-1'], ['2.5'], ['three'], ['']])('PASSWORD_RESET_REQUESTS_PER_EMAIL / _PER_IP of %j is no limit: the defaults hold', (value) => {
    const limits = passwordResetLimits({ PASSWORD_RESET_REQUESTS_PER_EMAIL: value, PASSWORD_RESET_REQUESTS_PER_IP: value });
    expect(limits).toEqual({ perEmail: PASSWORD_RESET_PER_EMAIL, perIp: PASSWORD_RESET_PER_IP });
  });

  it('takes a whole number of at least one', () => {
    expect(passwordResetLimits({ PASSWORD_RESET_REQUESTS_PER_EMAIL: '1', PASSWORD_RESET_REQUESTS_PER_IP: '25' })).toEqual({ perEmail: 1, perIp: 25 });
  });

  it('a request without a known client address counts for the address typed only: such requests share no counter', async () => {
    const ctx = testCtx();
    const limits = { perEmail: 1, perIp: 2 };
    for (let i = 0; i < 5; i++) await takePasswordResetRequest(ctx, { email: `user${i}@x.test`, ip: null }, limits);
    expect(await counters(ctx)).toEqual(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`reset-email:user${i}@x.test`, 1])));
  });
});
