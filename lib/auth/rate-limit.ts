import { and, eq, gt, sql } from 'drizzle-orm';
import ipaddr from 'ipaddr.js';
import { signInFailures } from '@/db/tables';
import { type Ctx, inTransaction, iso } from '@/lib/context';
import type { Env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { first } from '@/db/async';

// Failed sign-ins are counted per account and per client address in fixed windows. The
// per-account limit stops guessing one person's password from many addresses; the per-address
// limit stops one client from spraying many accounts. Counters live in the database so they
// hold across restarts and processes.
export const WINDOW_MS = 15 * 60 * 1000;
export const ACCOUNT_LIMIT = 5;
export const IP_LIMIT = 20;

/** A limit from the environment: a whole number of at least 1, else the default. */
function limitFrom(env: Env, name: string, fallback: number): number {
  const value = Number(env[name]);
  return Number.isInteger(value) && value >= 1 ? value : fallback;
}

export type SignInLimits = { perAccount: number; perIp: number };

/**
 * The limits in force: SIGN_IN_FAILURES_PER_ACCOUNT and SIGN_IN_FAILURES_PER_IP override the
 * defaults (an office behind one NAT address may need a higher per-address limit).
 */
export function signInLimits(env: Env = process.env): SignInLimits {
  return { perAccount: limitFrom(env, 'SIGN_IN_FAILURES_PER_ACCOUNT', ACCOUNT_LIMIT), perIp: limitFrom(env, 'SIGN_IN_FAILURES_PER_IP', IP_LIMIT) };
}

/**
 * What one client is, for counting failures per address: an IPv4 address (IPv4-mapped IPv6
 * included, as a dual-stack socket reports it), or an IPv6 address's /64. One subscriber, host
 * or VM gets a whole /64 (SLAAC needs it; providers hand out /64 or more), so counting single
 * IPv6 addresses would give an attacker 2^64 fresh counters.
 */
export function clientAddressBucket(ip: string): string {
  const text = ip.trim().replace(/%.*$/, '');
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.parse(text);
  } catch {
    return text.toLowerCase();
  }
  if (address.kind() === 'ipv4') return address.toString();
  const v6 = address as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  const network = new ipaddr.IPv6([...v6.parts.slice(0, 4), 0, 0, 0, 0]);
  return `${network.toString()}/64`;
}

const accountKey = (email: string) => `email:${email}`;
const ipKey = (ip: string) => `ip:${clientAddressBucket(ip)}`;

async function currentCount(ctx: Ctx, key: string, windowMs: number = WINDOW_MS): Promise<{ count: number; resetsAt: number }> {
  const row = await first(ctx.db.select().from(signInFailures).where(eq(signInFailures.key, key)).limit(1));
  if (!row) return { count: 0, resetsAt: 0 };
  const resetsAt = Date.parse(row.windowStart) + windowMs;
  return resetsAt <= ctx.now.getTime() ? { count: 0, resetsAt: 0 } : { count: row.count, resetsAt };
}

function minutesUntil(ctx: Ctx, time: number): string {
  const minutes = Math.max(1, Math.ceil((time - ctx.now.getTime()) / 60_000));
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** Throws 429 when the account or the address has used up its failed attempts. */
export async function assertSignInAllowed(
  ctx: Ctx,
  { email, ip }: { email: string; ip: string | null },
  limits: SignInLimits = { perAccount: ACCOUNT_LIMIT, perIp: IP_LIMIT },
): Promise<void> {
  const account = await currentCount(ctx, accountKey(email));
  if (account.count >= limits.perAccount) {
    throw new AppError(
      'rate_limited',
      `Too many failed sign-in attempts for this account. Try again in ${minutesUntil(ctx, account.resetsAt)}.`,
    );
  }
  if (ip) {
    const address = await currentCount(ctx, ipKey(ip));
    if (address.count >= limits.perIp) {
      throw new AppError(
        'rate_limited',
        `Too many failed sign-in attempts from your address. Try again in ${minutesUntil(ctx, address.resetsAt)}.`,
      );
    }
  }
}

async function bump(ctx: Ctx, key: string, windowMs: number = WINDOW_MS): Promise<void> {
  const { count } = await currentCount(ctx, key, windowMs);
  const windowStart = count === 0 ? iso(ctx.now) : undefined;
  await ctx.db
    .insert(signInFailures)
    .values({ key, windowStart: iso(ctx.now), count: 1 })
    .onConflictDoUpdate({
      target: signInFailures.key,
      set: windowStart ? { windowStart, count: 1 } : { count: count + 1 },
    });
}

export async function recordSignInFailure(ctx: Ctx, { email, ip }: { email: string; ip: string | null }): Promise<void> {
  await bump(ctx, accountKey(email));
  if (ip) await bump(ctx, ipKey(ip));
}

/** A successful sign-in clears the account's counter (not the address's: it may be spraying). */
export async function clearAccountFailures(ctx: Ctx, email: string): Promise<void> {
  await ctx.db.delete(signInFailures).where(eq(signInFailures.key, accountKey(email)));
}

/**
 * Starts a sign-in attempt: checks the limits and counts the attempt as a failure, in one write
 * transaction, before the (slow, asynchronous) password check. Parallel guesses therefore cannot
 * all pass the check before any of them is counted. A success takes the count back.
 */
export async function beginSignInAttempt(ctx: Ctx, attempt: { email: string; ip: string | null }, limits: SignInLimits): Promise<void> {
  await inTransaction(
    ctx,
    async (ctx) => {
      await assertSignInAllowed(ctx, attempt, limits);
      await recordSignInFailure(ctx, attempt);
    },
    // A burst of guesses at one account, or from one address, spread over the instances: each
    // waits for the one before it instead of aborting it (of 100 at once, some 80 ran out of
    // serialization retries on PostgreSQL and failed with an error instead of a count or a 429).
    counterLock([accountKey(attempt.email), ...(attempt.ip ? [ipKey(attempt.ip)] : [])]),
  );
}

/** The lock (db/async.ts TransactionOptions) of the counters `keys`. */
const counterLock = (keys: string[]) => ({ lock: keys.map((key) => `sign-in-failures:${key}`) });

/**
 * Gives one counted attempt back, if its window is still open: one statement, so that attempts
 * given back at once on several instances are each taken off (a read, then a write of the count
 * read, lost some).
 */
async function takeBack(ctx: Ctx, key: string): Promise<void> {
  await ctx.db
    .update(signInFailures)
    .set({ count: sql`${signInFailures.count} - 1` })
    .where(
      and(
        eq(signInFailures.key, key),
        gt(signInFailures.count, 0),
        gt(signInFailures.windowStart, iso(new Date(ctx.now.getTime() - WINDOW_MS))),
      ),
    );
}

/**
 * The password was right: the account's counter is cleared and the address's attempt returned,
 * also when sign-in is then refused for another reason (IP allowlist, deactivated account).
 */
export async function releaseSignInAttempt(ctx: Ctx, { email, ip }: { email: string; ip: string | null }): Promise<void> {
  await clearAccountFailures(ctx, email);
  if (ip) await takeBack(ctx, ipKey(ip));
}

/**
 * The attempt was no guess, but not a success either (the password was right and a two-factor
 * code is still to come): it is taken back from both counters, which are not cleared, so that
 * asking for the code in between wrong codes cannot reset the count of wrong codes.
 */
export async function returnSignInAttempt(ctx: Ctx, { email, ip }: { email: string; ip: string | null }): Promise<void> {
  await takeBack(ctx, accountKey(email));
  if (ip) await takeBack(ctx, ipKey(ip));
}

// Password reset requests ("Forgot password?") are counted, every one of them, per address typed
// and per client address, in one-hour windows: each request may mail someone, so the limits stop
// mail bombing one person and one client spraying many addresses. They are counted the same for
// addresses with and without an account, so a 429 tells nobody which addresses exist. Kept in
// the same table as the sign-in counters, under their own key prefixes.
export const PASSWORD_RESET_WINDOW_MS = 60 * 60 * 1000;
export const PASSWORD_RESET_PER_EMAIL = 3;
export const PASSWORD_RESET_PER_IP = 10;

export type PasswordResetLimits = { perEmail: number; perIp: number };

/** PASSWORD_RESET_REQUESTS_PER_EMAIL and PASSWORD_RESET_REQUESTS_PER_IP override the defaults (per hour). */
export function passwordResetLimits(env: Env = process.env): PasswordResetLimits {
  return {
    perEmail: limitFrom(env, 'PASSWORD_RESET_REQUESTS_PER_EMAIL', PASSWORD_RESET_PER_EMAIL),
    perIp: limitFrom(env, 'PASSWORD_RESET_REQUESTS_PER_IP', PASSWORD_RESET_PER_IP),
  };
}

/**
 * Counts one password reset request for the address typed and the client, or throws 429 (and
 * counts nothing) when either has used up its requests for the hour. One write transaction, so
 * parallel requests cannot all pass the check before any is counted.
 */
export async function takePasswordResetRequest(
  ctx: Ctx,
  { email, ip }: { email: string; ip: string | null },
  limits: PasswordResetLimits,
): Promise<void> {
  const emailKey = `reset-email:${email}`;
  const addressKey = ip ? `reset-ip:${clientAddressBucket(ip)}` : null;
  await inTransaction(ctx, async (ctx) => {
      const byEmail = await currentCount(ctx, emailKey, PASSWORD_RESET_WINDOW_MS);
      if (byEmail.count >= limits.perEmail) {
        throw new AppError(
          'rate_limited',
          `Too many password reset requests for this address. Try again in ${minutesUntil(ctx, byEmail.resetsAt)}.`,
        );
      }
      if (addressKey) {
        const byAddress = await currentCount(ctx, addressKey, PASSWORD_RESET_WINDOW_MS);
        if (byAddress.count >= limits.perIp) {
          throw new AppError(
            'rate_limited',
            `Too many password reset requests from your address. Try again in ${minutesUntil(ctx, byAddress.resetsAt)}.`,
          );
        }
        await bump(ctx, addressKey, PASSWORD_RESET_WINDOW_MS);
      }
      await bump(ctx, emailKey, PASSWORD_RESET_WINDOW_MS);
    },
    counterLock([emailKey, ...(addressKey ? [addressKey] : [])]),
  );
}
