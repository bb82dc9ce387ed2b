import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditStreamDeliveries, auditStreamLeases, auditStreamOutbox } from '@/db/tables';
import { transaction } from '@/db/async';
import { recordAudit } from '@/lib/audit/record';
import { readAuditLog } from '@/lib/audit-log/query';
import type { Ctx } from '@/lib/context';
import { anotherInstance } from '@/lib/testing/db';
import { rejection } from '@/lib/testing/errors';
import { addMember, callAs, seedOrganizationWithAdmin } from '@/lib/testing/members';
import { testCtx } from '@/lib/testing/seed';
import { retryDelayMs } from './backoff';
import { deliverDestination, deliverDue, DELIVERY_LOG_SIZE, startAuditStreamWorker } from './deliver';
import { createDestination, deleteDestination, listDestinations, rotateDestinationSecret, sendTestEvent, updateDestination } from './destinations';
import { acquireLease, releaseLease } from './lease';
import { webhookUrlProblem } from './schema';
import { signWebhook, verifyWebhook } from './signature';

describe('signWebhook', () => {
  it('is HMAC-SHA256 of "timestamp.body", hex, and a receiver verifies it', () => {
    // printf '1767225600.{"a":1}' | openssl dgst -sha256 -hmac pcsk_test
    expect(signWebhook('pcsk_test', '1767225600', '{"a":1}')).toBe('sha256=5f6cd152ed7e974441ff3e6b5dec9c76443ec5804c1f9c1f09f700d97e0918f7');
    const signature = signWebhook('pcsk_test', '1767225600', '{"a":1}');
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhook('pcsk_test', { timestamp: '1767225600', signature }, '{"a":1}', 1767225600)).toBe(true);
    expect(verifyWebhook('pcsk_other', { timestamp: '1767225600', signature }, '{"a":1}', 1767225600)).toBe(false);
    expect(verifyWebhook('pcsk_test', { timestamp: '1767225600', signature }, '{"a":2}', 1767225600)).toBe(false);
    expect(verifyWebhook('pcsk_test', { timestamp: '1767225601', signature }, '{"a":1}', 1767225600)).toBe(false);
    // Too old: a replay.
    expect(verifyWebhook('pcsk_test', { timestamp: '1767225600', signature }, '{"a":1}', 1767225600 + 301)).toBe(false);
  });
});

describe('retryDelayMs', () => {
  it.each([
    [0, 0],
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [8, 128_000],
    [9, 256_000],
    [10, 300_000],
    [1000, 300_000],
  ])('after %i failures: %i ms', (failures, ms) => expect(retryDelayMs(failures)).toBe(ms));
});

describe('webhookUrlProblem', () => {
  it.each([
    ['https://hooks.example.test/audit', null],
    ['http://127.0.0.1:8080/hook', null],
    ['http://127.9.9.9/hook', null],
    ['http://localhost:8080/hook', null],
    ['http://[::1]:8080/hook', null],
    ['http://hooks.example.test/audit', 'Use https (plain http only to a loopback address such as 127.0.0.1)'],
    ['http://10.0.0.5/hook', 'Use https (plain http only to a loopback address such as 127.0.0.1)'],
    ['http://127.0.0.1.evil.test/hook', 'Use https (plain http only to a loopback address such as 127.0.0.1)'],
    ['ftp://x.test/', 'Use an https:// URL'],
    ['https://user:pw@x.test/', 'A URL with a user name or password is not allowed'],
    ['not a url', 'Not a URL'],
  ])('%s', (url, problem) => expect(webhookUrlProblem(url)).toBe(problem));
});

describe('acquireLease', () => {
  it('goes to one instance at a time, to another once expired or released', async () => {
    const ctx = testCtx();
    const { organization, admin } = await seedOrganizationWithAdmin(ctx);
    const call = await callAs(ctx, admin.id, organization.id);
    const { destination } = await createDestination(call, { name: 'd', url: 'https://x.test/' });
    const other: Ctx = { db: anotherInstance(ctx.db), now: ctx.now };
    expect(await acquireLease(ctx, destination.id, 'a', 60_000)).toBe(true);
    expect(await acquireLease(other, destination.id, 'b', 60_000)).toBe(false);
    // The holder renews it.
    expect(await acquireLease(ctx, destination.id, 'a', 60_000)).toBe(true);
    // Expired: another instance takes over, and the old holder cannot renew.
    const later = new Date(ctx.now.getTime() + 60_000);
    expect(await acquireLease({ ...other, now: later }, destination.id, 'b', 60_000)).toBe(true);
    expect(await acquireLease({ ...ctx, now: later }, destination.id, 'a', 60_000)).toBe(false);
    // Released by a non-holder: nothing; by the holder: free.
    await releaseLease(ctx, destination.id, 'a');
    expect(await acquireLease({ ...ctx, now: later }, destination.id, 'a', 60_000)).toBe(false);
    await releaseLease(other, destination.id, 'b');
    expect(await ctx.db.select().from(auditStreamLeases)).toEqual([]);
  });

  it('is taken by exactly one of several instances asking at once', async () => {
    const ctx = testCtx();
    const { organization, admin } = await seedOrganizationWithAdmin(ctx);
    const { destination } = await createDestination(await callAs(ctx, admin.id, organization.id), { name: 'd', url: 'https://x.test/' });
    const other = anotherInstance(ctx.db);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => acquireLease({ db: i % 2 ? other : ctx.db, now: ctx.now }, destination.id, `w${i}`)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

async function world() {
  const ctx = testCtx();
  const { organization, admin } = await seedOrganizationWithAdmin(ctx, { adminEmail: 'admin@example.test' });
  const bob = await addMember(ctx, organization.id, { email: 'bob@example.test' });
  const call = await callAs(ctx, admin.id, organization.id);
  const otherOrg = await seedOrganizationWithAdmin(ctx, { adminEmail: 'spy@example.test' });
  const spy = await callAs(ctx, otherOrg.admin.id, otherOrg.organization.id);
  const member = await callAs(ctx, bob.id, organization.id);
  return { ctx, organization, call, spy, member };
}

describe('destinations', () => {
  it('are added, changed, rotated and removed by super admins, each change audited without the secret', async () => {
    const { ctx, organization, call } = await world();
    const { destination, secret } = await createDestination(call, { name: 'SIEM', url: 'https://siem.example.test/in' });
    expect(secret).toMatch(/^pcsk_[A-Za-z0-9_-]{43}$/);
    expect(destination).not.toHaveProperty('secret');
    expect(destination.secretHint).toBe(`${secret.slice(0, 9)}…`);
    await updateDestination(call, { id: destination.id, name: 'SIEM', url: 'https://siem.example.test/v2', enabled: false });
    const { secret: rotated } = await rotateDestinationSecret(call, { id: destination.id });
    expect(rotated).not.toBe(secret);
    const [listed] = await listDestinations(call);
    // Its own creation event waits for it; what happened while it was off was not queued.
    expect(listed).toMatchObject({ id: destination.id, url: 'https://siem.example.test/v2', enabled: false, pending: 1 });
    expect(JSON.stringify(await listDestinations(call))).not.toContain(rotated);
    await deleteDestination(call, { id: destination.id });
    expect(await listDestinations(call)).toEqual([]);
    const log = await readAuditLog({ ctx, membership: call.membership, input: { limit: 10 } });
    const stream = log.events.filter((e) => e.event.startsWith('audit_stream.')).reverse();
    expect(stream.map((e) => [e.event, e.details])).toEqual([
      ['audit_stream.destination_created', { destination_id: destination.id, name: 'SIEM', kind: 'webhook', url: 'https://siem.example.test/in', enabled: true }],
      ['audit_stream.destination_updated', { destination_id: destination.id, name: 'SIEM', old: { url: 'https://siem.example.test/in', enabled: true }, new: { url: 'https://siem.example.test/v2', enabled: false } }],
      ['audit_stream.secret_rotated', { destination_id: destination.id, name: 'SIEM' }],
      ['audit_stream.destination_deleted', { destination_id: destination.id, name: 'SIEM', kind: 'webhook', url: 'https://siem.example.test/v2' }],
    ]);
    expect(JSON.stringify(log.events)).not.toContain(secret);
    expect(organization.id).toBe(call.membership!.organization.id);
  });

  it('refuses a bad URL beside its field, and a plain member or another organization’s admin', async () => {
    const { call, spy, member } = await world();
    const bad = await rejection(() => createDestination(call, { name: 'x', url: 'http://siem.example.test/' }));
    expect(bad.status).toBe(400);
    expect(bad.fieldErrors.url).toEqual(['Use https (plain http only to a loopback address such as 127.0.0.1)']);
    const { destination } = await createDestination(call, { name: 'SIEM', url: 'https://siem.example.test/in' });
    expect((await rejection(() => listDestinations(member))).status).toBe(403);
    expect((await rejection(() => createDestination(member, { name: 'x', url: 'https://x.test/' }))).status).toBe(403);
    expect((await rejection(() => deleteDestination(member, { id: destination.id }))).status).toBe(403);
    // Another organization's admin: its own (empty) list, and 404 for this organization's id.
    expect(await listDestinations(spy)).toEqual([]);
    for (const attempt of [
      () => updateDestination(spy, { id: destination.id, name: 'mine', url: 'https://evil.test/', enabled: true }),
      () => deleteDestination(spy, { id: destination.id }),
      () => rotateDestinationSecret(spy, { id: destination.id }),
      () => sendTestEvent(spy, { id: destination.id }, async () => ({ ok: true, status: 200 })),
    ]) {
      const error = await rejection(attempt);
      expect(error.status).toBe(404);
    }
    expect((await listDestinations(call))[0]).toMatchObject({ name: 'SIEM', url: 'https://siem.example.test/in', deliveries: [] });
  });
});

describe('the outbox', () => {
  it('queues each new event of the organization for each enabled destination, in the event’s transaction', async () => {
    const { ctx, organization, call, spy } = await world();
    const { destination: on } = await createDestination(call, { name: 'on', url: 'https://on.test/' });
    const { destination: off } = await createDestination(call, { name: 'off', url: 'https://off.test/', enabled: false });
    const queued = async (id: string) => (await ctx.db.select().from(auditStreamOutbox).where(eq(auditStreamOutbox.destinationId, id))).length;
    const before = await queued(on.id);
    await recordAudit(ctx, { event: 'auth.sign_in', organizationId: organization.id, details: {} });
    await recordAudit(ctx, { event: 'auth.sign_in', organizationId: spy.membership!.organization.id, details: {} });
    await recordAudit(ctx, { event: 'auth.sign_in_failed', organizationId: null, details: {} });
    expect(await queued(on.id)).toBe(before + 1);
    expect(await queued(off.id)).toBe(0);
    // Rolled back with the change it records.
    await expect(
      transaction(ctx.db, async (tx) => {
        await recordAudit({ ...ctx, db: tx }, { event: 'auth.sign_in', organizationId: organization.id, details: {} });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await queued(on.id)).toBe(before + 1);
  });
});

/** A webhook receiver on 127.0.0.1 that can go down and come back on the same port. */
class Receiver {
  readonly received: { id: string; timestamp: string; signature: string; body: string }[] = [];
  private server: http.Server | null = null;
  port = 0;
  status = 200;
  async start(): Promise<void> {
    this.server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        this.received.push({
          id: String(request.headers['x-portcullis-event-id']),
          timestamp: String(request.headers['x-portcullis-timestamp']),
          signature: String(request.headers['x-portcullis-signature']),
          body,
        });
        response.writeHead(this.status).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('delivery to a webhook on 127.0.0.1', () => {
  let receiver: Receiver;
  beforeEach(async () => {
    vi.stubEnv('OUTBOUND_ALLOW_PRIVATE', 'all');
    receiver = new Receiver();
    await receiver.start();
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await receiver.stop();
  });

  it('sends every event once, in order, signed; waits out a receiver that is down with backoff, then catches up', async () => {
    const { ctx, organization, call } = await world();
    const { destination, secret } = await createDestination(call, { name: 'hook', url: `http://127.0.0.1:${receiver.port}/hook` });
    let now = new Date(ctx.now);
    const clock = () => now;
    const ids: number[] = [];
    const record = async (n: number) => {
      await recordAudit({ ...ctx, now }, { event: 'auth.sign_in', organizationId: organization.id, actorEmail: `n${n}@example.test`, details: { n } });
    };
    // The creation event itself is the first in the queue.
    for (let n = 1; n <= 3; n++) await record(n);
    expect(await deliverDue(ctx.db, 'w1', { clock })).toBe(4);
    // Down: the next event fails, and the one behind it waits.
    await receiver.stop();
    for (let n = 4; n <= 6; n++) await record(n);
    expect(await deliverDue(ctx.db, 'w1', { clock })).toBe(0);
    const [failed] = await listDestinations(call);
    expect(failed!.pending).toBe(3);
    expect(failed!.deliveries[0]).toMatchObject({ outcome: 'failed', attempt: 1, status: null, error: expect.stringContaining('ECONNREFUSED') });
    // Not due yet (1 s backoff): nothing is tried.
    expect(await deliverDue(ctx.db, 'w1', { clock })).toBe(0);
    expect((await listDestinations(call))[0]!.deliveries).toHaveLength(5);
    now = new Date(now.getTime() + 1_000);
    expect(await deliverDue(ctx.db, 'w1', { clock })).toBe(0);
    const [second] = await listDestinations(call);
    expect(second!.deliveries[0]).toMatchObject({ outcome: 'failed', attempt: 2 });
    // Back up; after the 2 s backoff everything goes, in order.
    await receiver.start();
    receiver.status = 503;
    now = new Date(now.getTime() + 2_000);
    expect(await deliverDue(ctx.db, 'w1', { clock })).toBe(0);
    receiver.status = 204;
    now = new Date(now.getTime() + 4_000);
    expect(await deliverDue(ctx.db, 'w1', { clock })).toBe(3);
    expect((await listDestinations(call))[0]!.pending).toBe(0);

    // What the receiver got: the 503 attempt, then each event once per id, in order, verified.
    const accepted = receiver.received.filter((_, i) => i !== 4);
    const bodies = accepted.map((r) => JSON.parse(r.body) as { type: string; event: { log_entry_id: number; action_type: string; details: { n?: number } } });
    expect(bodies.map((b) => b.event.action_type)).toEqual(['audit_stream.destination_created', ...Array(6).fill('auth.sign_in')]);
    expect(bodies.slice(1).map((b) => b.event.details.n)).toEqual([1, 2, 3, 4, 5, 6]);
    ids.push(...accepted.map((r) => Number(r.id)));
    expect(new Set(ids).size).toBe(7);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(accepted.map((r) => Number(r.id))).toEqual(bodies.map((b) => b.event.log_entry_id));
    for (const r of receiver.received) expect(verifyWebhook(secret, r, r.body, Number(r.timestamp))).toBe(true);
    expect(receiver.received[4]!.id).toBe(receiver.received[5]!.id);
  });

  it('survives a restart: events recorded while no server runs wait in the database, and the next process sends them in order', async () => {
    const { ctx, organization, call } = await world();
    await createDestination(call, { name: 'hook', url: `http://127.0.0.1:${receiver.port}/hook` });
    const record = (n: number) => recordAudit({ ...ctx, now: new Date() }, { event: 'auth.sign_in', organizationId: organization.id, details: { n } });
    const sent = () => receiver.received.map((r) => (JSON.parse(r.body) as { event: { details: { n?: number } } }).event.details.n ?? 0);
    // The first server's worker sends what there is, then the server stops (SIGTERM: the worker ends its round).
    const stopFirst = startAuditStreamWorker(ctx.db, { intervalMs: 10, holder: 'first-process' });
    await record(1);
    await vi.waitFor(() => expect(sent()).toEqual([0, 1]), { timeout: 5_000 });
    await stopFirst();
    // Down: what happens now only reaches the queue.
    for (let n = 2; n <= 4; n++) await record(n);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sent()).toEqual([0, 1]);
    expect((await listDestinations(call))[0]!.pending).toBe(3);
    // The next process (another worker id) sends them, once each, in order.
    const stopSecond = startAuditStreamWorker(ctx.db, { intervalMs: 10, holder: 'second-process' });
    try {
      await vi.waitFor(() => expect(sent()).toEqual([0, 1, 2, 3, 4]), { timeout: 5_000 });
    } finally {
      await stopSecond();
    }
    expect((await listDestinations(call))[0]!.pending).toBe(0);
  });

  it('holds off while another instance holds the lease', async () => {
    const { ctx, organization, call } = await world();
    const { destination } = await createDestination(call, { name: 'hook', url: `http://127.0.0.1:${receiver.port}/hook` });
    await recordAudit(ctx, { event: 'auth.sign_in', organizationId: organization.id, details: {} });
    expect(await acquireLease({ db: anotherInstance(ctx.db), now: ctx.now }, destination.id, 'other')).toBe(true);
    expect(await deliverDestination(ctx.db, destination.id, 'me', { clock: () => ctx.now })).toBe(0);
    expect(receiver.received).toEqual([]);
    expect(await deliverDestination(ctx.db, destination.id, 'me', { clock: () => new Date(ctx.now.getTime() + 60_000) })).toBe(2);
  });

  it('sends a test event now, logs it, and keeps the delivery log short', async () => {
    const { ctx, call } = await world();
    const { destination, secret } = await createDestination(call, { name: 'hook', url: `http://127.0.0.1:${receiver.port}/hook` });
    const { eventId, result } = await sendTestEvent(call, { id: destination.id });
    expect(result).toEqual({ ok: true, status: 200 });
    expect(receiver.received).toHaveLength(1);
    const got = receiver.received[0]!;
    expect(got.id).toBe(eventId);
    expect(JSON.parse(got.body)).toMatchObject({ type: 'test', event_id: eventId, destination_id: destination.id });
    expect(verifyWebhook(secret, got, got.body, Number(got.timestamp))).toBe(true);
    const [view] = await listDestinations(call);
    expect(view!.deliveries[0]).toMatchObject({ eventId, outcome: 'delivered', status: 200 });
    receiver.status = 500;
    for (let i = 0; i < DELIVERY_LOG_SIZE + 5; i++) await sendTestEvent(call, { id: destination.id });
    const { deliveries } = (await listDestinations(call))[0]!;
    expect(deliveries[0]).toMatchObject({ outcome: 'failed', status: 500, error: 'HTTP 500' });
    const kept = await ctx.db.select().from(auditStreamDeliveries);
    expect(kept).toHaveLength(DELIVERY_LOG_SIZE);
  });

  it('refuses a loopback webhook when OUTBOUND_ALLOW_PRIVATE does not allow it', async () => {
    vi.stubEnv('OUTBOUND_ALLOW_PRIVATE', 'jwks');
    const { call } = await world();
    const { destination } = await createDestination(call, { name: 'hook', url: `http://127.0.0.1:${receiver.port}/hook` });
    const { result } = await sendTestEvent(call, { id: destination.id });
    expect(result).toMatchObject({ ok: false, status: null, error: expect.stringContaining('OUTBOUND_ALLOW_PRIVATE=jwks does not let webhooks reach') });
    expect(receiver.received).toEqual([]);
  });
});

