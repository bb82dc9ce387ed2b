import { and, asc, count, desc, eq, gte, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { type AuditEvent } from '@/db/schema';
import { auditEvents } from '@/db/tables';
import { OPERATOR_ACTOR_ID, OPERATOR_ACTOR_LABEL } from '@/lib/audit/record';
import { assertSuperAdmin, type MembershipWithOrg } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { parseInput } from '@/lib/errors';
import { auditQuerySchema, encodeAuditCursor, type AuditCursor, type AuditFilter } from './schema';
import { first } from '@/db/async';

// Reading an organization's audit log: its super admins only, that organization's events only.

/** "%" and "_" in a person's search are literal characters, not LIKE wildcards. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function conditions(organizationId: string, filter: AuditFilter): SQL | undefined {
  return and(
    eq(auditEvents.organizationId, organizationId),
    // drizzle's like() has no ESCAPE clause: a backslash in the pattern marks a literal "%" or "_".
    filter.actor
      ? or(
          sql`lower(${auditEvents.actorEmail}) like ${`%${escapeLike(filter.actor)}%`} escape '\\'`,
          // The operator has no address: searching for a part of its label ("operator") finds it.
          OPERATOR_ACTOR_LABEL.includes(filter.actor) ? eq(auditEvents.actorUserId, OPERATOR_ACTOR_ID) : undefined,
        )
      : undefined,
    filter.event ? eq(auditEvents.event, filter.event) : undefined,
    filter.ip ? eq(auditEvents.ip, filter.ip) : undefined,
    // Times are stored as second-precision ISO strings in UTC: they compare as text.
    filter.from ? gte(auditEvents.time, filter.from) : undefined,
    filter.to ? lte(auditEvents.time, filter.to) : undefined,
  );
}

/** Events after a cursor in the log's order (newest first): older time, or the same time and a lower id. */
function afterCursor(cursor: AuditCursor | undefined): SQL | undefined {
  if (!cursor) return undefined;
  return or(lt(auditEvents.time, cursor.time), and(eq(auditEvents.time, cursor.time), lt(auditEvents.id, cursor.id)));
}

/**
 * One page of events matching the filter, newest first (time, then id: the order is total, so
 * a cursor never skips or repeats an event), how many match in all, and where to continue.
 */
export async function queryAuditEvents(
  ctx: Ctx,
  organizationId: string,
  filter: AuditFilter,
  page: { limit: number; offset: number; cursor?: AuditCursor },
): Promise<{ events: AuditEvent[]; total: number; nextCursor: string | null }> {
  const where = conditions(organizationId, filter);
  // One more than asked: whether there is a next page, without another query.
  const rows = await ctx.db
    .select()
    .from(auditEvents)
    .where(and(where, afterCursor(page.cursor)))
    .orderBy(desc(auditEvents.time), desc(auditEvents.id))
    .limit(page.limit + 1)
    .offset(page.offset);
  const events = rows.slice(0, page.limit);
  const last = events.at(-1);
  const nextCursor = rows.length > page.limit && last ? encodeAuditCursor({ time: last.time, id: last.id }) : null;
  const total = (await first(ctx.db.select({ n: count() }).from(auditEvents).where(where).limit(1)))!.n;
  return { events, total, nextCursor };
}

/**
 * Every event matching the filter, newest first, in batches read one after another on the
 * (time, id) keyset: for the download, which streams them without holding the whole log.
 */
export async function* allAuditEvents(ctx: Ctx, organizationId: string, filter: AuditFilter, batch = 500): AsyncGenerator<AuditEvent> {
  const where = conditions(organizationId, filter);
  let cursor: AuditCursor | undefined;
  for (;;) {
    const rows = await ctx.db
      .select()
      .from(auditEvents)
      .where(and(where, afterCursor(cursor)))
      .orderBy(desc(auditEvents.time), desc(auditEvents.id))
      .limit(batch);
    for (const row of rows) yield row;
    const last = rows.at(-1);
    if (rows.length < batch || !last) return;
    cursor = { time: last.time, id: last.id };
  }
}

export type AuditLogPage = {
  events: AuditEvent[];
  total: number;
  limit: number;
  offset: number;
  /** Pass back as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
  filter: AuditFilter;
};

/** The audit log as a super admin reads it: input is the API's query (or the page's, in the same form). */
export async function readAuditLog({ ctx, membership, input }: { ctx: Ctx; membership: MembershipWithOrg | null; input: unknown }): Promise<AuditLogPage> {
  assertSuperAdmin(membership);
  const { limit, offset, cursor, ...filter } = parseInput(auditQuerySchema, input);
  const page = await queryAuditEvents(ctx, membership.organization.id, filter, { limit, offset, cursor });
  return { ...page, limit, offset, filter };
}

/** The event names that occur in the organization's log, for the filter's choices. */
export async function listAuditEventNames({ ctx, membership }: { ctx: Ctx; membership: MembershipWithOrg | null }): Promise<string[]> {
  assertSuperAdmin(membership);
  return (await ctx.db
    .selectDistinct({ event: auditEvents.event })
    .from(auditEvents)
    .where(eq(auditEvents.organizationId, membership.organization.id))
    .orderBy(asc(auditEvents.event)))
    .map((row) => row.event);
}
