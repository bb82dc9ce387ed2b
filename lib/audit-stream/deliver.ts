import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, lt, lte } from 'drizzle-orm';
import { first, transaction, type AsyncDb } from '@/db/async';
import type { AuditStreamDestination } from '@/db/schema';
import { auditEvents, auditStreamDeliveries, auditStreamDestinations, auditStreamOutbox, organizations } from '@/db/tables';
import { auditEventToWire } from '@/lib/audit-log/wire';
import { iso, type Ctx } from '@/lib/context';
import { outboundPost, OutboundError } from '@/lib/net/outbound';
import { retryDelayMs } from './backoff';
import { acquireLease, releaseLease } from './lease';
import { formatSyslog, sendSyslog } from './syslog';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './signature';

// Sending queued events (lib/audit-stream/outbox.ts) to their destinations: in order per
// destination, one at a time, each deleted from the queue only once its receiver answered 2xx.
// At least once: a receiver that took an event but whose answer was lost gets it again, with the
// same X-Portcullis-Event-Id, which is what it de-duplicates on. A failure stops the
// destination's queue (the events behind wait, to stay in order) until its backoff has passed.

/** Delivery log rows kept per destination. */
export const DELIVERY_LOG_SIZE = 50;
/** Events sent per destination and turn, before the worker looks at the other destinations. */
export const BATCH_SIZE = 100;
export const WEBHOOK_TIMEOUT_MS = 10_000;

export type SendResult = { ok: true; status: number | null } | { ok: false; status: number | null; error: string };

/** The webhook request: POST JSON, signed with the timestamp of `now`. */
export async function sendWebhook(destination: Pick<AuditStreamDestination, 'url' | 'secret'>, eventId: string, body: string, now: Date): Promise<SendResult> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  try {
    const response = await outboundPost(destination.url, body, {
      purpose: 'webhook',
      timeoutMs: WEBHOOK_TIMEOUT_MS,
      maxBytes: 64 * 1024,
      headers: {
        [EVENT_ID_HEADER]: eventId,
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signWebhook(destination.secret, timestamp, body),
      },
    });
    if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status };
    return { ok: false, status: response.status, error: `HTTP ${response.status}${response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : ''}` };
  } catch (error) {
    if (error instanceof OutboundError) return { ok: false, status: null, error: error.message };
    throw error;
  }
}

/** What one delivery carries, whatever the destination's kind. */
export type Delivery = { eventId: string; time: string; action: string; organizationId: string; body: string };

/** Sends one event to a destination of either kind: a signed webhook POST, or one syslog message. */
export async function sendToDestination(
  destination: Pick<AuditStreamDestination, 'kind' | 'url' | 'secret' | 'caCertificate'>,
  delivery: Delivery,
  now: Date,
): Promise<SendResult> {
  if (destination.kind === 'syslog') return await sendSyslog(destination.url, [formatSyslog(delivery)], { ca: destination.caCertificate });
  return await sendWebhook(destination, delivery.eventId, delivery.body, now);
}

export type Sender = typeof sendToDestination;

/** Adds a row to a destination's delivery log and keeps only its latest DELIVERY_LOG_SIZE. */
export async function logDelivery(
  ctx: Ctx,
  row: { destinationId: string; eventId: string; attempt: number; result: SendResult },
): Promise<void> {
  await ctx.db.insert(auditStreamDeliveries).values({
    destinationId: row.destinationId,
    time: iso(ctx.now),
    eventId: row.eventId,
    outcome: row.result.ok ? 'delivered' : 'failed',
    attempt: row.attempt,
    status: row.result.status,
    error: row.result.ok ? null : row.result.error.slice(0, 500),
  });
  const keep = await ctx.db
    .select({ id: auditStreamDeliveries.id })
    .from(auditStreamDeliveries)
    .where(eq(auditStreamDeliveries.destinationId, row.destinationId))
    .orderBy(desc(auditStreamDeliveries.id))
    .limit(1)
    .offset(DELIVERY_LOG_SIZE - 1);
  if (keep[0]) await ctx.db.delete(auditStreamDeliveries).where(and(eq(auditStreamDeliveries.destinationId, row.destinationId), lt(auditStreamDeliveries.id, keep[0].id)));
}

/** The JSON body of an audit event's delivery: the event in the API's fields. */
export function eventBody(wire: ReturnType<typeof auditEventToWire>): string {
  return JSON.stringify({ type: 'audit_event', event: wire });
}

/**
 * Sends the due events of one destination, in order, while this instance holds its lease.
 * Returns how many were delivered. `clock` is read afresh for each step (the real clock in the
 * worker; a test's own in the tests).
 */
export async function deliverDestination(
  db: AsyncDb,
  destinationId: string,
  holder: string,
  { clock = () => new Date(), send = sendToDestination }: { clock?: () => Date; send?: Sender } = {},
): Promise<number> {
  const ctxNow = (): Ctx => ({ db, now: clock() });
  if (!(await acquireLease(ctxNow(), destinationId, holder))) return 0;
  let delivered = 0;
  try {
    for (let i = 0; i < BATCH_SIZE; i++) {
      const ctx = ctxNow();
      const destination = await first(db.select().from(auditStreamDestinations).where(eq(auditStreamDestinations.id, destinationId)).limit(1));
      if (!destination || !destination.enabled) break;
      const head = await first(
        db
          .select({ outbox: auditStreamOutbox, event: auditEvents, organization: organizations })
          .from(auditStreamOutbox)
          .innerJoin(auditEvents, eq(auditEvents.id, auditStreamOutbox.eventId))
          .innerJoin(organizations, eq(organizations.id, auditEvents.organizationId))
          .where(eq(auditStreamOutbox.destinationId, destinationId))
          .orderBy(asc(auditStreamOutbox.id))
          .limit(1),
      );
      if (!head || head.outbox.nextAttemptTime > iso(ctx.now)) break;
      // Renewed before each send: a lease lost (this instance stalled past its expiry) stops here.
      if (!(await acquireLease(ctx, destinationId, holder))) break;
      const eventId = String(head.event.id);
      const delivery = { eventId, time: head.event.time, action: head.event.event, organizationId: head.organization.id, body: eventBody(auditEventToWire(head.event, head.organization)) };
      const result = await send(destination, delivery, ctx.now);
      const after = ctxNow();
      const attempt = head.outbox.attempts + 1;
      await transaction(db, async (tx) => {
        const t = { ...after, db: tx };
        if (result.ok) await tx.delete(auditStreamOutbox).where(eq(auditStreamOutbox.id, head.outbox.id));
        else {
          await tx
            .update(auditStreamOutbox)
            .set({ attempts: attempt, nextAttemptTime: iso(new Date(after.now.getTime() + retryDelayMs(attempt))), lastError: result.error.slice(0, 500) })
            .where(eq(auditStreamOutbox.id, head.outbox.id));
        }
        await logDelivery(t, { destinationId, eventId, attempt, result });
      });
      if (!result.ok) break;
      delivered++;
    }
  } finally {
    await releaseLease(ctxNow(), destinationId, holder);
  }
  return delivered;
}

/** Destinations with an event due now (enabled ones only). */
export async function dueDestinations(ctx: Ctx): Promise<string[]> {
  const rows = await ctx.db
    .selectDistinct({ id: auditStreamOutbox.destinationId })
    .from(auditStreamOutbox)
    .innerJoin(auditStreamDestinations, eq(auditStreamDestinations.id, auditStreamOutbox.destinationId))
    .where(and(eq(auditStreamDestinations.enabled, true), lte(auditStreamOutbox.nextAttemptTime, iso(ctx.now))));
  return rows.map((row) => row.id);
}

/** One round of the worker: every due destination, one after another. */
export async function deliverDue(db: AsyncDb, holder: string, options: { clock?: () => Date; send?: Sender } = {}): Promise<number> {
  const clock = options.clock ?? (() => new Date());
  let delivered = 0;
  for (const id of await dueDestinations({ db, now: clock() })) delivered += await deliverDestination(db, id, holder, options);
  return delivered;
}

/** A name for this instance's leases: host-independent, random per process. */
export const newWorkerId = () => `w${randomBytes(8).toString('hex')}`;

/**
 * The worker scripts/server.ts starts: a round every `intervalMs`, never two at once in this
 * process. Returns a stop function that waits for the running round to end.
 */
export function startAuditStreamWorker(db: AsyncDb, { intervalMs = 1_000, holder = newWorkerId(), log = console }: { intervalMs?: number; holder?: string; log?: Pick<Console, 'error'> } = {}) {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  const round = async () => {
    try {
      await deliverDue(db, holder);
    } catch (error) {
      log.error('Audit streaming round failed', error);
    }
  };
  const tick = () => {
    running = round().finally(() => {
      if (!stopped) timer = setTimeout(tick, intervalMs);
    });
  };
  timer = setTimeout(tick, intervalMs);
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
