import { describe, expect, it, vi } from 'vitest';
import { observeStatements, transaction } from '@/db/async';
import { currentEngine } from '@/db/tables';
import { recordAudit, recordUserAudit } from '@/lib/audit/record';
import { hashPassword } from '@/lib/passwords/hash';
import { consumeSamlResponse, malformedAcsPost } from '@/lib/saml/acs';
import { samlLoginGet } from '@/lib/saml/login';
import { signInWithPassword } from '@/lib/sign-in/password';
import { seedMembership, seedOrganization, seedToken, seedUser, testCtx, advance } from '@/lib/testing/seed';
import { resolveToken } from '@/lib/tokens/resolve';
import { countRequest, countStatement, signInMethodLabel, signInOutcomeOf } from './count';
import { metrics } from './registry';

// The metrics as lib/ moves them, on both engines (the statement timer wraps each engine's
// driver in db/async.ts). The exposition format itself is checked by promtool on a real scrape
// (e2e/api/metrics.spec.ts).

type Labels = Record<string, string>;
type Readable = { get(): Promise<{ values: { labels: Record<string, string | number>; value: number; metricName?: string }[] }> };

/** A counter's value for exactly these labels (0 when never counted). */
async function valueOf(metric: Readable, labels: Labels, metricName?: string): Promise<number> {
  const { values } = await metric.get();
  const found = values.find((v) => (metricName === undefined || v.metricName === metricName) && Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l));
  return found?.value ?? 0;
}

/** How much `work` moves a counter (with these labels). */
async function delta(metric: Readable, labels: Labels, work: () => Promise<unknown>, metricName?: string): Promise<number> {
  const before = await valueOf(metric, labels, metricName);
  await work();
  return (await valueOf(metric, labels, metricName)) - before;
}

describe('the registry', () => {
  it('serves our metrics, the process metrics and the event-loop lag under these names', async () => {
    countRequest({ route: '/v1/me', method: 'GET', status: 200, seconds: 0.01 });
    const text = await metrics().registry.metrics();
    const names = new Set([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => `${name} ${type}`));
    for (const expected of [
      'portcullis_http_requests_total counter',
      'portcullis_http_request_duration_seconds histogram',
      'portcullis_sign_ins_total counter',
      'portcullis_saml_refusals_total counter',
      'portcullis_token_lookups_total counter',
      'portcullis_db_statement_duration_seconds histogram',
      'nodejs_eventloop_lag_seconds gauge',
      'nodejs_eventloop_lag_p99_seconds gauge',
      'process_cpu_seconds_total counter',
      'process_resident_memory_bytes gauge',
    ]) {
      expect(names).toContain(expected);
    }
    expect(text).toContain('portcullis_http_requests_total{route="/v1/me",method="GET",status="200"}');
  });

  it('keeps _total for counters, as promtool check metrics requires', async () => {
    const text = await metrics().registry.metrics();
    const misnamed = [...text.matchAll(/^# TYPE (\S+_total) (\S+)$/gm)].filter(([, , type]) => type !== 'counter').map(([, name]) => name);
    expect(misnamed).toEqual([]);
  });

  it('is one per process: another copy of the module (as each Next bundle has) finds the same metrics', async () => {
    const mine = metrics();
    vi.resetModules();
    const copy = await import('./registry?copy' as string) as typeof import('./registry');
    expect(copy.metrics).not.toBe(metrics);
    expect(copy.metrics()).toBe(mine);
  });
});

describe('sign-ins, from the audit recorder', () => {
  it.each([
    ['auth.sign_in', { method: 'password' }, 'success'],
    ['auth.sign_in_failed', { method: 'saml' }, 'failure'],
    ['two_factor.code_failed', { during: 'sign_in', method: 'password' }, 'failure'],
    ['two_factor.code_failed', { during: 'enrollment' }, null],
    ['token.created', { method: 'password' }, null],
  ] as const)('%s %j is %s', (event, details, outcome) => {
    expect(signInOutcomeOf(event, details)).toBe(outcome);
  });

  it.each([
    ['password', 'password'],
    ['github', 'github'],
    ['saml', 'saml'],
    ['saml:am123', 'other'],
    [undefined, 'other'],
    [42, 'other'],
  ])('method %j is labelled %s', (method, label) => {
    expect(signInMethodLabel(method)).toBe(label);
  });

  it('counts an event once, however many organizations\' logs it is written to', async () => {
    const ctx = testCtx();
    const [a, b] = [await seedOrganization(ctx), await seedOrganization(ctx)];
    const labels = { method: 'github', outcome: 'failure' };
    expect(await delta(metrics().signIns, labels, () => recordUserAudit(ctx, [a.id, b.id], { event: 'auth.sign_in_failed', details: { method: 'github' } }))).toBe(1);
    expect(await delta(metrics().signIns, labels, () => recordAudit(ctx, { event: 'auth.sign_in_failed', details: { method: 'github' } }))).toBe(1);
    expect(await delta(metrics().signIns, labels, () => recordAudit(ctx, { event: 'organization.updated', details: { method: 'github' } }))).toBe(0);
  });

  it('counts real password sign-ins by outcome', async () => {
    const ctx = testCtx();
    const organization = await seedOrganization(ctx);
    const user = await seedUser(ctx, { email: 'metrics@example.test', passwordHash: await hashPassword('correct horse battery') });
    await seedMembership(ctx, { organizationId: organization.id, userId: user.id, isSuperAdmin: true });
    const meta = { ip: '203.0.113.5', userAgent: 'vitest' };
    const signIn = (password: string) => signInWithPassword({ ctx, input: { email: user.email, password }, meta }).catch(() => null);
    expect(await delta(metrics().signIns, { method: 'password', outcome: 'failure' }, () => signIn('wrong password here'))).toBe(1);
    expect(await delta(metrics().signIns, { method: 'password', outcome: 'success' }, () => signIn('correct horse battery'))).toBe(1);
  });
});

describe('SAML refusals', () => {
  it('counts a refused response at the ACS by its reason', async () => {
    const ctx = testCtx();
    const organization = await seedOrganization(ctx);
    const refuse = () => consumeSamlResponse({ ctx, accountId: organization.accountId, methodId: 'am-nope', samlResponse: 'x', meta: { ip: null, userAgent: null }, baseUrl: 'http://localhost:3000' });
    expect(await delta(metrics().samlRefusals, { reason: 'unknown_method', stage: 'acs' }, refuse)).toBe(1);
  });

  it('counts a POST to the ACS that is no form, refused before any response is read', async () => {
    expect(await delta(metrics().samlRefusals, { reason: 'malformed', stage: 'acs' }, async () => malformedAcsPost())).toBe(1);
  });

  it('counts a refused start by its reason', async () => {
    const ctx = testCtx();
    const start = () =>
      samlLoginGet({
        ctx,
        baseUrl: 'http://localhost:3000',
        input: { accountId: 'a1', methodId: 'am1', purpose: 'nonsense', returnTo: null, cookies: () => undefined, headers: new Headers(), ip: null, userAgent: null },
      });
    expect(await delta(metrics().samlRefusals, { reason: 'malformed', stage: 'start' }, start)).toBe(1);
  });
});

describe('token lookups', () => {
  it('counts each lookup by what it found', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    const { fullToken } = await seedToken(ctx, user.id, { maxAgeSeconds: 3600, ipAllowlist: ['203.0.113.0/24'] });
    const lookup = (token: string, ip = '203.0.113.1') => resolveToken({ ctx, input: { token, ip, userAgent: null } }).catch(() => null);
    const m = metrics().tokenLookups;
    expect(await delta(m, { outcome: 'valid' }, () => lookup(fullToken))).toBe(1);
    expect(await delta(m, { outcome: 'unknown' }, () => lookup(`${fullToken}x`))).toBe(1);
    expect(await delta(m, { outcome: 'ip_not_allowed' }, () => lookup(fullToken, '198.51.100.1'))).toBe(1);
    advance(ctx, 2 * 3600_000);
    expect(await delta(m, { outcome: 'expired' }, () => lookup(fullToken))).toBe(1);
  });
});

describe('database time', () => {
  it(`times every statement on this engine (${currentEngine()}), inside transactions too`, async () => {
    const ctx = testCtx();
    observeStatements(countStatement);
    try {
      const histogram = metrics().dbStatementDuration;
      const labels = { engine: currentEngine() };
      const name = 'portcullis_db_statement_duration_seconds_count';
      expect(await delta(histogram, labels, () => seedOrganization(ctx), name)).toBeGreaterThanOrEqual(1);
      expect(await delta(histogram, labels, () => transaction(ctx.db, async (tx) => await seedOrganization({ ...ctx, db: tx })), name)).toBeGreaterThanOrEqual(1);
    } finally {
      observeStatements(undefined);
    }
  });
});
