import { randomBytes, randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq } from 'drizzle-orm';
import { first, single } from '@/db/async';
import type { AuditStreamDelivery, AuditStreamDestination } from '@/db/schema';
import { auditStreamDeliveries, auditStreamDestinations, auditStreamOutbox } from '@/db/tables';
import { assertSuperAdmin, audit, type OrgCall } from '@/lib/call';
import { inTransaction, iso } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { newRowId } from '@/lib/ids';
import { logDelivery, sendToDestination, type Sender } from './deliver';
import { destinationIdSchema, destinationSchema } from './schema';

// Admin → Audit log → Streaming: an organization's destinations, for its super admins only, and
// only that organization's (every lookup is by id AND the caller's organization, so another
// organization's id is a 404, not a way in). Every change is in the audit log, without the secret.

/** A destination as it leaves the server: never its secret. */
export type DestinationView = Omit<AuditStreamDestination, 'secret'> & {
  /** The first characters of the secret, to tell which one a receiver has. */
  secretHint: string;
  pending: number;
  deliveries: AuditStreamDelivery[];
};

/** A new signing secret: 32 random bytes, with a prefix that says what it is. */
export const newStreamSecret = () => `pcsk_${randomBytes(32).toString('base64url')}`;
const hintOf = (secret: string) => `${secret.slice(0, 9)}…`;

function viewOf(row: AuditStreamDestination, pending: number, deliveries: AuditStreamDelivery[]): DestinationView {
  const { secret, ...rest } = row;
  return { ...rest, secretHint: hintOf(secret), pending, deliveries };
}

/** The caller's organization's destination by id, or 404 (also for another organization's). */
async function ownDestination(call: OrgCall & { membership: NonNullable<OrgCall['membership']> }, input: unknown): Promise<AuditStreamDestination> {
  const { id } = parseInput(destinationIdSchema, input);
  const row = await first(
    call.ctx.db
      .select()
      .from(auditStreamDestinations)
      .where(and(eq(auditStreamDestinations.id, id), eq(auditStreamDestinations.organizationId, call.membership.organization.id)))
      .limit(1),
  );
  if (!row) throw new AppError('not_found', 'No such streaming destination in this organization');
  return row;
}

export async function listDestinations(call: OrgCall): Promise<DestinationView[]> {
  const { membership, ctx } = call;
  assertSuperAdmin(membership);
  const rows = await ctx.db
    .select()
    .from(auditStreamDestinations)
    .where(eq(auditStreamDestinations.organizationId, membership.organization.id))
    .orderBy(asc(auditStreamDestinations.createTime), asc(auditStreamDestinations.id));
  const views: DestinationView[] = [];
  for (const row of rows) {
    const pending = (await first(ctx.db.select({ n: count() }).from(auditStreamOutbox).where(eq(auditStreamOutbox.destinationId, row.id)).limit(1)))!.n;
    const deliveries = await ctx.db
      .select()
      .from(auditStreamDeliveries)
      .where(eq(auditStreamDeliveries.destinationId, row.id))
      .orderBy(desc(auditStreamDeliveries.id))
      .limit(20);
    views.push(viewOf(row, pending, deliveries));
  }
  return views;
}

/** Adds a webhook destination; its secret is in the answer once, and never again. */
export async function createDestination(call: OrgCall, input: unknown): Promise<{ destination: DestinationView; secret: string }> {
  const { membership } = call;
  assertSuperAdmin(membership);
  const values = parseInput(destinationSchema, input);
  const secret = newStreamSecret();
  return await inTransaction(call, async (call) => {
    const now = iso(call.ctx.now);
    const row = await single(
      call.ctx.db
        .insert(auditStreamDestinations)
        .values({ id: newRowId(), organizationId: membership.organization.id, ...values, secret, createTime: now, updateTime: now })
        .returning(),
    );
    await audit(
      call,
      'audit_stream.destination_created',
      { destination_id: row.id, name: row.name, kind: row.kind, url: row.url, enabled: row.enabled, ...(row.caCertificate ? { ca_certificate: 'set' } : {}) },
      membership.organization.id,
    );
    return { destination: viewOf(row, 0, []), secret };
  });
}

const DETAIL_KEYS = { kind: 'kind', name: 'name', url: 'url', enabled: 'enabled', caCertificate: 'ca_certificate' } as const;

export async function updateDestination(call: OrgCall, input: { id: unknown } & Record<string, unknown>): Promise<DestinationView> {
  const { membership } = call;
  assertSuperAdmin(membership);
  const values = parseInput(destinationSchema, input);
  return await inTransaction(call, async (call) => {
    const old = await ownDestination({ ...call, membership }, { id: input.id });
    const changed = (['kind', 'name', 'url', 'enabled', 'caCertificate'] as const).filter((key) => old[key] !== values[key]);
    if (changed.length === 0) return viewOf(old, 0, []);
    const row = await single(
      call.ctx.db
        .update(auditStreamDestinations)
        .set({ ...values, updateTime: iso(call.ctx.now) })
        .where(eq(auditStreamDestinations.id, old.id))
        .returning(),
    );
    await audit(
      call,
      'audit_stream.destination_updated',
      {
        destination_id: row.id,
        name: row.name,
        old: Object.fromEntries(changed.map((key) => [DETAIL_KEYS[key], old[key]])),
        new: Object.fromEntries(changed.map((key) => [DETAIL_KEYS[key], row[key]])),
      },
      membership.organization.id,
    );
    return viewOf(row, 0, []);
  });
}

/** Removes a destination, and with it the events still waiting for it and its delivery log. */
export async function deleteDestination(call: OrgCall, input: unknown): Promise<void> {
  const { membership } = call;
  assertSuperAdmin(membership);
  await inTransaction(call, async (call) => {
    const old = await ownDestination({ ...call, membership }, input);
    await call.ctx.db.delete(auditStreamDestinations).where(eq(auditStreamDestinations.id, old.id));
    await audit(call, 'audit_stream.destination_deleted', { destination_id: old.id, name: old.name, kind: old.kind, url: old.url }, membership.organization.id);
  });
}

/** A new secret for a destination (the old one stops signing at once); shown once. */
export async function rotateDestinationSecret(call: OrgCall, input: unknown): Promise<{ secret: string }> {
  const { membership } = call;
  assertSuperAdmin(membership);
  const secret = newStreamSecret();
  await inTransaction(call, async (call) => {
    const old = await ownDestination({ ...call, membership }, input);
    await call.ctx.db.update(auditStreamDestinations).set({ secret, updateTime: iso(call.ctx.now) }).where(eq(auditStreamDestinations.id, old.id));
    await audit(call, 'audit_stream.secret_rotated', { destination_id: old.id, name: old.name }, membership.organization.id);
  });
  return { secret };
}

/**
 * "Send test event": one signed request now, outside the queue (it does not hold up or reorder
 * the events), recorded in the delivery log with an event id "test-<uuid>" and in the audit log.
 */
export async function sendTestEvent(call: OrgCall, input: unknown, send: Sender = sendToDestination) {
  const { membership, ctx } = call;
  assertSuperAdmin(membership);
  const destination = await ownDestination({ ...call, membership }, input);
  const eventId = `test-${randomUUID()}`;
  const body = JSON.stringify({
    type: 'test',
    event_id: eventId,
    create_time: iso(ctx.now),
    organization_id: membership.organization.id,
    destination_id: destination.id,
    message: 'A test event from Portcullis: the destination is reachable and the signature can be checked.',
  });
  // The request runs outside any transaction (a slow receiver must not hold the database).
  const result = await send(destination, { eventId, time: iso(ctx.now), action: 'audit_stream.test', organizationId: membership.organization.id, body }, ctx.now);
  await inTransaction(call, async (call) => {
    await logDelivery(call.ctx, { destinationId: destination.id, eventId, attempt: 1, result });
    await audit(
      call,
      'audit_stream.test_sent',
      { destination_id: destination.id, name: destination.name, event_id: eventId, outcome: result.ok ? 'delivered' : 'failed', ...(result.ok ? {} : { error: result.error }) },
      membership.organization.id,
    );
  });
  return { eventId, result };
}
