import { and, count, desc, eq, gte, isNotNull, sql } from 'drizzle-orm';
import { auditEvents } from '@/db/tables';
import { currentEngine } from '@/db/tables';
import { iso, type Ctx } from '@/lib/context';

// Activity: sign-ins per day by method and failed sign-ins by reason over the last 30 days,
// counted by the database from the audit log. Every query names one organization, one event and
// a time from 30 days ago: the index audit_org_event_time_idx (organization_id, event, time)
// holds exactly those rows, so a view never reads the rest of the log.

export const ACTIVITY_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

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

export function activitySince(now: Date): string {
  return new Date(now.getTime() - (ACTIVITY_DAYS - 1) * DAY_MS).toISOString().slice(0, 10);
}

export async function activityOf(ctx: Ctx, organizationId: string): Promise<Activity> {
  const since = activitySince(ctx.now);
  const from = `${since}T00:00:00Z`;
  const window = (event: string) => and(eq(auditEvents.organizationId, organizationId), eq(auditEvents.event, event), gte(auditEvents.time, from));
  const n = count().mapWith(Number);

  const method = detail('method');
  const reason = detail('reason');
  const [signInRows, failureRows, addressRows] = await Promise.all([
    ctx.db.select({ day: dayOf, method, n }).from(auditEvents).where(window('auth.sign_in')).groupBy(dayOf, method),
    ctx.db.select({ reason, n }).from(auditEvents).where(window('auth.sign_in_failed')).groupBy(reason),
    ctx.db
      .select({ ip: auditEvents.ip, n })
      .from(auditEvents)
      .where(and(window('auth.sign_in_failed'), isNotNull(auditEvents.ip)))
      .groupBy(auditEvents.ip)
      .orderBy(desc(n), auditEvents.ip)
      .limit(5),
  ]);

  const days = Array.from({ length: ACTIVITY_DAYS }, (_, i) => ({
    day: new Date(Date.parse(from) + i * DAY_MS).toISOString().slice(0, 10),
    byMethod: {} as Record<string, number>,
    total: 0,
  }));
  const dayIndex = new Map(days.map((d, i) => [d.day, i]));
  const byMethod: Record<string, number> = {};
  let total = 0;
  for (const row of signInRows) {
    const m = activityMethod(row.method);
    const day = days[dayIndex.get(row.day) ?? -1];
    // Events stamped after "now" (a clock step back) fall outside the window's days: left out.
    if (!day) continue;
    day.byMethod[m] = (day.byMethod[m] ?? 0) + row.n;
    day.total += row.n;
    byMethod[m] = (byMethod[m] ?? 0) + row.n;
    total += row.n;
  }
  const reasons = new Map<string, number>();
  for (const row of failureRows) reasons.set(row.reason ?? 'unknown', (reasons.get(row.reason ?? 'unknown') ?? 0) + row.n);
  const byReason = [...reasons].map(([r, c]) => ({ reason: r, count: c })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  return {
    since,
    days,
    signIns: { total, byMethod },
    failures: { total: byReason.reduce((sum, r) => sum + r.count, 0), byReason },
    topFailureAddresses: addressRows.map((r) => ({ ip: r.ip!, count: r.n })),
  };
}

/** When the window ends (now), as the audit log's filter takes it. */
export function activityWindow(now: Date): { from: string; to: string } {
  return { from: `${activitySince(now)}T00:00:00Z`, to: iso(now) };
}
