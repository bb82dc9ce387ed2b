import { and, eq } from 'drizzle-orm';
import { auditStreamDestinations, auditStreamOutbox } from '@/db/tables';
import { iso, type Ctx } from '@/lib/context';

/**
 * Queues a new audit event for every enabled destination of its organization. Called by
 * recordAudit with the ctx of the change it records, so the event and its queue entries commit
 * or roll back together: an event is never lost between the log and the stream, even when the
 * server stops right after. A disabled destination gets nothing queued while it is off.
 */
export async function enqueueAuditEvent(ctx: Ctx, eventId: number, organizationId: string): Promise<void> {
  const destinations = await ctx.db
    .select({ id: auditStreamDestinations.id })
    .from(auditStreamDestinations)
    .where(and(eq(auditStreamDestinations.organizationId, organizationId), eq(auditStreamDestinations.enabled, true)));
  if (destinations.length === 0) return;
  await ctx.db
    .insert(auditStreamOutbox)
    .values(destinations.map((destination) => ({ destinationId: destination.id, eventId, nextAttemptTime: iso(ctx.now) })));
}
