import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '../support/fixtures';
import { servers } from '../support/env';
import { AuditLogPage, signInElsewhere } from '../support/admin-pages';
import { recordEvents, seedColleague, seedMember } from '../support/seed';
import { verifyWebhook } from '@/lib/audit-stream/signature';

// Admin → Audit log → Streaming against a real webhook receiver on 127.0.0.1, delivered by the
// main server's own worker (scripts/server.ts; its OUTBOUND_ALLOW_PRIVATE=all lets webhooks reach
// loopback). The receiver goes down for a while and comes back: every event arrives, once per
// id that was acknowledged, in order.

const db = servers.main.database;

type Received = { id: string; timestamp: string; signature: string; body: string };

class Receiver {
  readonly received: Received[] = [];
  private server: http.Server | null = null;
  port = 0;
  async start() {
    this.server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        const h = request.headers;
        this.received.push({ id: String(h['x-portcullis-event-id']), timestamp: String(h['x-portcullis-timestamp']), signature: String(h['x-portcullis-signature']), body });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }
  async stop() {
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}

test('a super admin adds a webhook, sends a test event, and new events reach it in order across an outage', async ({ page, member, signInAs, shell, browser }) => {
  test.slow();
  const receiver = new Receiver();
  await receiver.start();
  try {
    await signInAs(member);
    await shell.nav().getByRole('link', { name: 'Audit log' }).click();
    await expect(new AuditLogPage(page).heading()).toBeVisible();
    await page.getByRole('link', { name: 'Streaming' }).click();
    await expect(page.getByRole('heading', { name: 'Audit log streaming' })).toBeVisible();

    // A plain-http URL that is not loopback is refused beside its field.
    const form = page.getByRole('form', { name: 'Add destination' });
    await form.getByLabel('Name').fill('SIEM');
    await form.getByLabel('Webhook URL').fill('http://siem.example.test/in');
    await form.getByRole('button', { name: 'Add destination' }).click();
    await expect(form.getByText('Use https (plain http only to a loopback address such as 127.0.0.1)')).toBeVisible();

    await form.getByLabel('Webhook URL').fill(`http://127.0.0.1:${receiver.port}/hook`);
    await form.getByRole('button', { name: 'Add destination' }).click();
    const secret = (await page.getByTestId('stream-secret').textContent())!;
    expect(secret).toMatch(/^pcsk_/);
    const destination = page.getByRole('article', { name: 'Destination SIEM' });
    await expect(destination).toBeVisible();

    await destination.getByRole('button', { name: 'Send test event' }).click();
    await expect(destination.getByText(/Test event test-[0-9a-f-]+: Delivered \(HTTP 204\)/)).toBeVisible();
    const log = destination.getByRole('table', { name: 'Delivery log of SIEM' });
    await expect(log.getByRole('row').filter({ hasText: /test-/ })).toContainText('delivered (HTTP 204)');

    // The worker sends the organization's new events: first the destination's own creation.
    await expect.poll(() => receiver.received.filter((r) => !r.id.startsWith('test-')).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    // Down for a while: events wait, the failures show in the delivery log.
    await receiver.stop();
    await recordEvents(db, member.organizationId, Array.from({ length: 5 }, (_, n) => ({ time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), event: 'auth.sign_in' as const, actorEmail: 'stream@example.test', details: { n } })));
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole('article', { name: 'Destination SIEM' }).getByRole('table').getByText('failed').first()).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await expect(page.getByRole('article', { name: 'Destination SIEM' }).getByTestId('stream-pending')).not.toHaveText('0 events');
    // Back: everything arrives.
    await receiver.start();
    await expect
      .poll(() => receiver.received.filter((r) => JSON.parse(r.body).event?.actor_email === 'stream@example.test').length, { timeout: 40_000 })
      .toBe(5);

    const events = receiver.received.filter((r) => !r.id.startsWith('test-'));
    for (const r of receiver.received) expect(verifyWebhook(secret, r, r.body, Number(r.timestamp))).toBe(true);
    const ids = events.map((r) => Number(r.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    const ns = events.map((r) => JSON.parse(r.body) as { event: { details: { n?: number }; actor_email: string | null } }).filter((b) => b.event.actor_email === 'stream@example.test').map((b) => b.event.details.n);
    expect(ns).toEqual([0, 1, 2, 3, 4]);
    await page.reload();
    await expect(page.getByRole('article', { name: 'Destination SIEM' }).getByTestId('stream-pending')).toHaveText('0 events');

    // Neither a plain member nor another organization's admin sees this destination.
    const colleague = await seedColleague(db, member.organizationId);
    const memberPage = await signInElsewhere(browser, colleague.email, colleague.password);
    const refused = await memberPage.goto('/admin/audit-log/streaming');
    expect(refused!.status()).toBe(403);
    await memberPage.context().close();
    const other = await seedMember(db);
    const otherPage = await signInElsewhere(browser, other.email, other.password);
    await otherPage.goto('/admin/audit-log/streaming');
    await expect(otherPage.getByRole('heading', { name: 'Audit log streaming' })).toBeVisible();
    await expect(otherPage.getByText('No destinations yet.')).toBeVisible();
    await otherPage.context().close();

    // Removing it is audited.
    await destination.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('button', { name: 'Remove destination' }).click();
    await expect(page.getByText('No destinations yet.')).toBeVisible();
  } finally {
    await receiver.stop();
  }
});
