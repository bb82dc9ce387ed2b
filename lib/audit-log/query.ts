import { and, asc, count, desc, eq, gte, lte, or, sql, type SQL } from 'drizzle-orm';
import { type AuditEvent } from '@/db/schema';
import { auditEvents } from '@/db/tables';
import { OPERATOR_ACTOR_ID, OPERATOR_ACTOR_LABEL } from '@/lib/audit/record';
import { assertSuperAdmin, type MembershipWithOrg } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { parseInput } from '@/lib/errors';
import { auditQuerySchema, type AuditFilter } from './schema';
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
    // Times are stored as second-precision ISO strings in UTC: they compare as text.
    filter.from ? gte(auditEvents.time, filter.from) : undefined,
    filter.to ? lte(auditEvents.time, filter.to) : undefined,
  );
}

/** One page of events matching the filter, newest first, and how many match in all. */
export async function queryAuditEvents(
  ctx: Ctx,
  organizationId: string,
  filter: AuditFilter,
  page: { limit: number; offset: number },
): Promise<{ events: AuditEvent[]; total: number }> {
  const where = conditions(organizationId, filter);
  const events = await ctx.db
    .select()
    .from(auditEvents)
    .where(where)
    .orderBy(desc(auditEvents.time), desc(auditEvents.id))
    .limit(page.limit)
    .offset(page.offset);
  const total = (await first(ctx.db.select({ n: count() }).from(auditEvents).where(where).limit(1)))!.n;
  return { events, total };
}

export type AuditLogPage = { events: AuditEvent[]; total: number; limit: number; offset: number; filter: AuditFilter };

/** The audit log as a super admin reads it: input is the API's query (or the page's, in the same form). */
export async function readAuditLog({ ctx, membership, input }: { ctx: Ctx; membership: MembershipWithOrg | null; input: unknown }): Promise<AuditLogPage> {
  assertSuperAdmin(membership);
  const { limit, offset, ...filter } = parseInput(auditQuerySchema, input);
  return { ...await queryAuditEvents(ctx, membership.organization.id, filter, { limit, offset }), limit, offset, filter };
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
