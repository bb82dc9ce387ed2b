import { and, count, eq, gte, inArray, isNotNull, lt, lte, ne, sql } from 'drizzle-orm';
import { auditEvents, currentEngine, signInDailyCounts } from '@/db/tables';
import type { Ctx } from '@/lib/context';

// Activity: sign-ins per day by method, failed sign-ins by reason and by address, over the last
// 30 days (UTC days, today included).
//
// Past days do not change (events are appended with the time they happen), so each one is
// counted from the audit log once and kept in sign_in_daily_counts; only yesterday and today
// are counted live on each view. The first view of an organization counts the missing days in
// one pass; later views read at most 28 days of counts and two days of events. Every query on
// the audit log names one organization, one event and a time range: the index
// audit_org_event_time_idx (organization_id, event, time) holds exactly those rows, so a view
// never reads the rest of the log. Counting nothing at sign-in keeps the sign-in transactions
// free of a shared counter row to contend on.

export const ACTIVITY_DAYS = 30;
/** Yesterday and today are counted live: an instance whose clock lags may still add to yesterday. */
const LIVE_DAYS = 2;
const DAY_MS = 24 * 60 * 60 * 1000;
const TOP_ADDRESSES = 5;

export type Activity = {
  /** The first day counted (UTC, "2026-03-01"): today is the 30th. */
  since: string;
  /** Every day of the window, oldest first, with the sign-ins of each method that day. */
  days: { day: string; byMethod: Record<string, number>; total: number }[];
  signIns: { total: number; byMethod: Record<string, number> };
  failures: { total: number; byReason: { reason: string; count: number }[] };
  /** The addresses most failed sign-ins came from, most first (at most 5). */
  topFailureAddresses: { ip: string; count: number }[];
};

type Event = 'auth.sign_in' | 'auth.sign_in_failed';
type Dimension = 'method' | 'reason' | 'ip';
type Counted = { day: string; event: Event; dimension: Dimension; value: string; count: number };

/** The marker row of a day whose counts are kept: (event, dimension, value) of no real count. */
const ROLLED_UP = { event: 'rolled_up', dimension: 'day', value: '' } as const;

// The expressions below are grouped by: their constants are written into the SQL (sql.raw of
// fixed text, never of input), since PostgreSQL does not see `f($1)` in the select list and
// `f($2)` in GROUP BY as one expression.

/** A string field of the event's details, as the running engine reads JSON. */
function detail(field: 'method' | 'reason') {
  return currentEngine() === 'postgres'
    ? sql<string | null>`${auditEvents.details} ->> ${sql.raw(`'${field}'`)}`
    : sql<string | null>`json_extract(${auditEvents.details}, ${sql.raw(`'$.${field}'`)})`;
}

/** The day (UTC) of an event's time, which is stored as "2026-03-01T12:00:00Z". */
const dayOf = sql<string>`substr(${auditEvents.time}, 1, 10)`;

/** "saml:am123" sessions and SAML sign-in events both count as "saml". */
export function activityMethod(method: string | null): string {
  if (!method) return 'unknown';
  return method.startsWith('saml') ? 'saml' : method;
}

const dayAt = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const startOf = (day: string) => `${day}T00:00:00Z`;

export function activitySince(now: Date): string {
  return dayAt(now.getTime() - (ACTIVITY_DAYS - 1) * DAY_MS);
}

/** The audit log's counts from `from` (inclusive) to `to` (exclusive; open when not given), by day. */
async function countEvents(ctx: Ctx, organizationId: string, from: string, to?: string): Promise<Counted[]> {
  const window = (event: Event) =>
    and(eq(auditEvents.organizationId, organizationId), eq(auditEvents.event, event), gte(auditEvents.time, from), to ? lt(auditEvents.time, to) : undefined);
  const n = count().mapWith(Number);
  const method = detail('method');
  const reason = detail('reason');
  const [signIns, reasons, addresses] = await Promise.all([
    ctx.db.select({ day: dayOf, value: method, n }).from(auditEvents).where(window('auth.sign_in')).groupBy(dayOf, method),
    ctx.db.select({ day: dayOf, value: reason, n }).from(auditEvents).where(window('auth.sign_in_failed')).groupBy(dayOf, reason),
    ctx.db
      .select({ day: dayOf, value: auditEvents.ip, n })
      .from(auditEvents)
      .where(and(window('auth.sign_in_failed'), isNotNull(auditEvents.ip)))
      .groupBy(dayOf, auditEvents.ip),
  ]);
  // Raw values that read the same ("saml" and "saml:am1") add up to one count.
  const merged = new Map<string, Counted>();
  const add = (event: Event, dimension: Dimension, rows: { day: string; value: string | null; n: number }[], label: (v: string | null) => string) => {
    for (const row of rows) {
      const value = label(row.value);
      const key = JSON.stringify([row.day, event, dimension, value]);
      const found = merged.get(key);
      if (found) found.count += row.n;
      else merged.set(key, { day: row.day, event, dimension, value, count: row.n });
    }
  };
  add('auth.sign_in', 'method', signIns, activityMethod);
  add('auth.sign_in_failed', 'reason', reasons, (v) => v ?? 'unknown');
  add('auth.sign_in_failed', 'ip', addresses, (v) => v ?? '');
  return [...merged.values()];
}

/**
 * The kept counts of the settled days `first`..`last`, counting and keeping the days not kept
 * yet. Two views at once may both count a day: the rows are the same, and the second insert of
 * each does nothing.
 */
async function settledCounts(ctx: Ctx, organizationId: string, first: string, last: string): Promise<Counted[]> {
  const inRange = and(eq(signInDailyCounts.organizationId, organizationId), gte(signInDailyCounts.day, first), lte(signInDailyCounts.day, last));
  const kept = new Set(
    (await ctx.db.select({ day: signInDailyCounts.day }).from(signInDailyCounts).where(and(inRange, eq(signInDailyCounts.event, ROLLED_UP.event)))).map((r) => r.day),
  );
  const days: string[] = [];
  for (let ms = Date.parse(startOf(first)); dayAt(ms) <= last; ms += DAY_MS) days.push(dayAt(ms));
  const missing = days.filter((d) => !kept.has(d));
  if (missing.length) {
    const missingSet = new Set(missing);
    const counted = (await countEvents(ctx, organizationId, startOf(missing[0]!), startOf(dayAt(Date.parse(startOf(last)) + DAY_MS)))).filter((c) => missingSet.has(c.day));
    // Counts first, the day's marker last: a view that stops in between leaves a day without
    // its marker, which the next view counts again (its rows already there stay as they are).
    const rows = counted.map((c) => ({ organizationId, ...c }));
    for (let i = 0; i < rows.length; i += 500) await ctx.db.insert(signInDailyCounts).values(rows.slice(i, i + 500)).onConflictDoNothing();
    await ctx.db.insert(signInDailyCounts).values(missing.map((day) => ({ organizationId, day, ...ROLLED_UP, count: 0 }))).onConflictDoNothing();
  }
  const rows = await ctx.db
    .select({ day: signInDailyCounts.day, event: signInDailyCounts.event, dimension: signInDailyCounts.dimension, value: signInDailyCounts.value, count: signInDailyCounts.count })
    .from(signInDailyCounts)
    .where(and(inRange, ne(signInDailyCounts.event, ROLLED_UP.event), inArray(signInDailyCounts.event, ['auth.sign_in', 'auth.sign_in_failed'])));
  return rows as Counted[];
}

export async function activityOf(ctx: Ctx, organizationId: string): Promise<Activity> {
  const today = dayAt(ctx.now.getTime());
  const since = activitySince(ctx.now);
  const firstLive = dayAt(ctx.now.getTime() - (LIVE_DAYS - 1) * DAY_MS);
  const lastSettled = dayAt(ctx.now.getTime() - LIVE_DAYS * DAY_MS);
  const [settled, live] = await Promise.all([
    settledCounts(ctx, organizationId, since, lastSettled),
    countEvents(ctx, organizationId, startOf(firstLive)),
  ]);

  const days = Array.from({ length: ACTIVITY_DAYS }, (_, i) => ({ day: dayAt(Date.parse(startOf(since)) + i * DAY_MS), byMethod: {} as Record<string, number>, total: 0 }));
  const dayIndex = new Map(days.map((d, i) => [d.day, i]));
  const byMethod: Record<string, number> = {};
  const reasons = new Map<string, number>();
  const addresses = new Map<string, number>();
  let total = 0;
  for (const c of [...settled, ...live]) {
    // Events stamped after today (a clock ahead) fall outside the window's days: left out.
    if (c.day > today || !dayIndex.has(c.day)) continue;
    if (c.dimension === 'method') {
      const day = days[dayIndex.get(c.day)!]!;
      day.byMethod[c.value] = (day.byMethod[c.value] ?? 0) + c.count;
      day.total += c.count;
      byMethod[c.value] = (byMethod[c.value] ?? 0) + c.count;
      total += c.count;
    } else if (c.dimension === 'reason') {
      reasons.set(c.value, (reasons.get(c.value) ?? 0) + c.count);
    } else if (c.value) {
      addresses.set(c.value, (addresses.get(c.value) ?? 0) + c.count);
    }
  }
  const byReason = [...reasons].map(([reason, n]) => ({ reason, count: n })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  const topFailureAddresses = [...addresses]
    .map(([ip, n]) => ({ ip, count: n }))
    .sort((a, b) => b.count - a.count || a.ip.localeCompare(b.ip))
    .slice(0, TOP_ADDRESSES);
  return {
    since,
    days,
    signIns: { total, byMethod },
    failures: { total: byReason.reduce((sum, r) => sum + r.count, 0), byReason },
    topFailureAddresses,
  };
}
