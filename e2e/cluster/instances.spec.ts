import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { expect, test, type APIRequestContext, type APIResponse } from '@playwright/test';
import { useEngine } from '@/db/tables';
import { readAuthnRequest } from '@/lib/testing/saml-idp';
import { auth } from '../support/fixtures';
import { startCluster, type Cluster, type Instance } from '../support/cluster';
import { ConsoleShell, SignInPage } from '../support/pages';
import { configureIdp, samlResponse, sessionFromSetCookie, startSignIn, TestIdp } from '../support/saml';
import { closePostgresDb, recordEvents, seedMember, seedOrgMember, seedPersonalToken } from '../support/seed';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// Issue 17: any number of instances on one PostgreSQL behind any load balancer, with no sticky
// sessions. Two production servers start at once on a fresh PostgreSQL cluster, with the same
// first-run settings, behind nginx as a round-robin balancer (e2e/support/cluster.ts writes its
// configuration; every response names the instance that answered in X-Upstream). What one
// instance does, the other knows at its next request: everything shared is in the database.

// One cluster for the file: its tests run in order in one worker.
test.describe.configure({ mode: 'default' });

const ORG_NAME = 'Cluster Test Org';
const ADMIN_EMAIL = 'admin@cluster.test';
const ADMIN_PASSWORD = `pw-${randomBytes(12).toString('base64url')}`;

let cluster: Cluster;
let database: pg.Pool;
let a: Instance;
let b: Instance;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  cluster = await startCluster({
    dir: path.join(process.env.E2E_DIR!, 'cluster'),
    // OUTBOUND_ALLOW_PRIVATE=all: the audit streaming test's webhook receiver is on 127.0.0.1.
    env: { PORTCULLIS_ORG_NAME: ORG_NAME, PORTCULLIS_ADMIN_EMAIL: ADMIN_EMAIL, PORTCULLIS_ADMIN_PASSWORD: ADMIN_PASSWORD, OUTBOUND_ALLOW_PRIVATE: 'all' },
  });
  [a, b] = cluster.instances as [Instance, Instance];
  database = new pg.Pool({ connectionString: cluster.databaseUrl, max: 2 });
  // e2e/support/seed.ts writes through lib/ into the instances' database: PostgreSQL's tables.
  useEngine('postgres');
});

test.afterAll(async () => {
  await database?.end();
  if (cluster) await closePostgresDb(cluster.databaseUrl);
  await cluster?.stop();
});

const rows = async (text: string, values: unknown[] = []) => (await database.query(text, values)).rows as Record<string, unknown>[];
const upstreamOf = (response: APIResponse) => response.headers()['x-upstream'];
const bothUpstreams = () => [a.upstream, b.upstream].sort();

async function signIn(request: APIRequestContext, base: string, email: string, password: string): Promise<string> {
  const response = await request.post(`${base}/v1/userauth`, { data: { email, password } });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

async function organizationOf(request: APIRequestContext, token: string): Promise<{ organization_id: string; account_id: string }> {
  const response = await request.get(`${cluster.url}/v1/organizations`, { headers: auth(token) });
  expect(response.status()).toBe(200);
  const { organizations } = (await response.json()) as { organizations: { organization_id: string; account_id: string }[] };
  expect(organizations).toHaveLength(1);
  return organizations[0]!;
}

test('started together, the instances migrate once and set up one organization; /healthz through the balancer is ok from both', async ({ request }) => {
  // Both instances waited for the migration lock at once (startCluster held it until they did),
  // and drizzle's record of applied migrations has each once: one migrated, the other then found
  // nothing left to do.
  expect(cluster.migrationLockWaiters).toBe(2);
  const journal = JSON.parse(fs.readFileSync('db/migrations-pg/meta/_journal.json', 'utf8')) as { entries: { tag: string }[] };
  const applied = await rows('select hash from drizzle.__drizzle_migrations');
  expect(applied).toHaveLength(journal.entries.length);
  expect(new Set(applied.map((row) => row.hash)).size).toBe(journal.entries.length);

  // First-run setup from the same PORTCULLIS_* on both: one organization, one super admin.
  expect(await rows('select name from organizations')).toEqual([{ name: ORG_NAME }]);
  expect(await rows('select email from users')).toEqual([{ email: ADMIN_EMAIL }]);
  expect(await rows('select is_super_admin from memberships')).toEqual([{ is_super_admin: true }]);
  expect(await rows(`select details->>'source' as source from audit_events where event = 'setup.completed'`)).toEqual([{ source: 'environment' }]);
  expect(await rows(`select count(*)::int as n from instance_settings where key = 'nextauth_secret'`)).toEqual([{ n: 1 }]);
  const logs = cluster.instances.map((instance) => fs.readFileSync(instance.log, 'utf8'));
  // The server logs JSON lines (pino): the messages are their `msg` fields.
  const messagesOf = (log: string) =>
    log.split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      const { msg } = JSON.parse(line) as { msg?: unknown };
      return typeof msg === 'string' ? [msg] : [];
    });
  expect(logs.filter((log) => messagesOf(log).includes(`First-run setup: organization "${ORG_NAME}", super admin ${ADMIN_EMAIL}`))).toHaveLength(1);
  const password = decodeURIComponent(new URL(cluster.databaseUrl).password);
  for (const [i, log] of logs.entries()) {
    expect(messagesOf(log).some((msg) => msg.startsWith(`Portcullis listening on ${cluster.url} (production), database postgres://portcullis:***@`)), `instance ${i + 1}`).toBe(true);
    expect(log, `instance ${i + 1}`).not.toContain(password);
  }
  // Both still running: the one that lost the setup race started as after any restart.
  for (const instance of cluster.instances) expect(instance.process.exitCode, instance.upstream).toBeNull();

  const seen = new Set<string | undefined>();
  for (let i = 0; i < 6; i++) {
    const response = await request.get(`${cluster.url}/healthz`);
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: 'ok' });
    seen.add(upstreamOf(response));
  }
  expect([...seen].sort()).toEqual(bothUpstreams());
});

test('a session token works whichever instance answers; revoked through one, both refuse it at the next request', async ({ request }) => {
  const token = await signIn(request, cluster.url, ADMIN_EMAIL, ADMIN_PASSWORD);
  const seen = new Set<string | undefined>();
  for (let i = 0; i < 20; i++) {
    const response = await request.get(`${cluster.url}/v1/me`, { headers: auth(token) });
    expect(response.status()).toBe(200);
    expect((await response.json()).user.user).toBe(ADMIN_EMAIL);
    seen.add(upstreamOf(response));
  }
  expect([...seen].sort()).toEqual(bothUpstreams());

  // A personal token made through one instance works on the other at once, and revoked there,
  // is refused at once by the first.
  const made = await request.post(`${a.url}/v1/access_token`, { data: { description: 'cluster' }, headers: auth(token) });
  expect(made.status()).toBe(200);
  const { full_token: personal, token_prefix: prefix } = (await made.json()) as { full_token: string; token_prefix: string };
  expect((await request.get(`${b.url}/v1/me`, { headers: auth(personal) })).status()).toBe(200);
  expect((await request.delete(`${b.url}/v1/access_token/${encodeURIComponent(prefix)}`, { headers: auth(token) })).status()).toBe(200);
  expect((await request.get(`${a.url}/v1/me`, { headers: auth(personal) })).status()).toBe(401);

  // Sign out through the balancer; the very next request on the other instance, then on the
  // one that revoked it, is refused.
  const revoked = await request.post(`${cluster.url}/v1/me/logout`, { headers: auth(token) });
  expect(revoked.status()).toBe(200);
  const revokedOn = upstreamOf(revoked);
  expect(bothUpstreams()).toContain(revokedOn);
  const order = revokedOn === a.upstream ? [b, a] : [a, b];
  for (const instance of order) {
    const response = await request.get(`${instance.url}/v1/me`, { headers: auth(token) });
    expect(response.status(), instance.upstream).toBe(401);
  }
  const again = new Set<string | undefined>();
  for (let i = 0; i < 4; i++) {
    const response = await request.get(`${cluster.url}/v1/me`, { headers: auth(token) });
    expect(response.status()).toBe(401);
    again.add(upstreamOf(response));
  }
  expect([...again].sort()).toEqual(bothUpstreams());
});

test('a policy change made through one instance applies at the next request on the other', async ({ request }) => {
  const token = await signIn(request, cluster.url, ADMIN_EMAIL, ADMIN_PASSWORD);
  const { organization_id: organizationId } = await organizationOf(request, token);
  const policy = `/v1/organization/${organizationId}/config/authentication`;
  // The instances trust 127.0.0.1 (the balancer, and this test) to name the client.
  const from = (ip: string) => ({ ...auth(token), 'x-forwarded-for': ip });

  const allow = await request.patch(`${a.url}${policy}`, { data: { ip_allowlist: ['203.0.113.0/24'] }, headers: from('203.0.113.7') });
  expect(allow.status(), await allow.text()).toBe(200);
  expect((await allow.json()).ip_allowlist).toEqual(['203.0.113.0/24']);

  const outside = await request.get(`${b.url}/v1/me`, { headers: from('198.51.100.9') });
  expect(outside.status()).toBe(403);
  expect((await outside.json()).message).toContain('198.51.100.9');
  expect((await request.get(`${b.url}/v1/me`, { headers: from('203.0.113.7') })).status()).toBe(200);

  // Through the balancer: nginx appends the address it saw (127.0.0.1, trusted) to the client's
  // X-Forwarded-For, and the instances take the right-most address that is not a trusted proxy.
  for (let i = 0; i < 2; i++) {
    expect((await request.get(`${cluster.url}/v1/me`, { headers: from('198.51.100.9') })).status()).toBe(403);
    expect((await request.get(`${cluster.url}/v1/me`, { headers: from('203.0.113.7') })).status()).toBe(200);
  }

  // And back, through the other instance.
  const open = await request.patch(`${b.url}${policy}`, { data: { ip_allowlist: [] }, headers: from('203.0.113.7') });
  expect(open.status(), await open.text()).toBe(200);
  expect((await request.get(`${a.url}/v1/me`, { headers: from('198.51.100.9') })).status()).toBe(200);
});

test('failed sign-ins spread over both instances add up to one account lock', async ({ request }) => {
  const member = await seedMember(cluster.databaseUrl);
  // Five wrong passwords (lib/auth/rate-limit.ts: ACCOUNT_LIMIT), alternating between the
  // instances: three on one and two on the other, each from its own address so that only the
  // account's count can reach its limit.
  for (let i = 0; i < 5; i++) {
    const instance = i % 2 === 0 ? a : b;
    const response = await request.post(`${instance.url}/v1/userauth`, {
      data: { email: member.email, password: `wrong-${i}` },
      headers: { 'x-forwarded-for': `198.51.100.${20 + i}` },
    });
    expect(response.status(), `attempt ${i + 1} on ${instance.upstream}`).toBe(401);
  }
  expect(await rows('select count from sign_in_failures where key = $1', [`email:${member.email}`])).toEqual([{ count: 5 }]);

  // The right password is refused on both now, and through the balancer.
  for (const base of [b.url, a.url, cluster.url, cluster.url]) {
    const response = await request.post(`${base}/v1/userauth`, {
      data: { email: member.email, password: member.password },
      headers: { 'x-forwarded-for': '198.51.100.30' },
    });
    expect(response.status(), base).toBe(429);
    expect((await response.json()).message).toMatch(/^Too many failed sign-in attempts for this account\. Try again in \d+ minutes?\.$/);
  }
});

test('the console through the balancer: sign in, walk several pages and sign out, with no sticky sessions', async ({ browser, request }) => {
  const member = await seedMember(cluster.databaseUrl);
  // The client's address as the browser's own proxy would name it: the instances must see it
  // through nginx's X-Forwarded-For.
  const context = await browser.newContext({ extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.9' }, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  // Which instance served each page and each in-app navigation (RSC fetches, server actions).
  const served: string[] = [];
  page.on('response', (response) => {
    const kind = response.request().resourceType();
    const upstream = response.headers()['x-upstream'];
    if ((kind === 'document' || kind === 'fetch') && upstream) served.push(upstream);
  });
  const signInPage = new SignInPage(page);
  const shell = new ConsoleShell(page);

  await signInPage.goto(cluster.url);
  await signInPage.signIn(member.email, member.password);
  await expect(page).toHaveURL(`${cluster.url}/`);
  await shell.expectSignedIn(member.organizationName);
  await expect(page.getByTestId('client-ip')).toHaveText('203.0.113.9');

  for (const link of ['Identity providers', 'Domains', 'Units', 'Tokens', 'Authentication', 'Identity providers', 'Tokens']) {
    await shell.open(link);
    await shell.expectSignedIn(member.organizationName);
  }
  // Whole-page loads as well, each one a new round-robin turn.
  for (let i = 0; i < 3; i++) {
    await page.reload();
    await shell.expectSignedIn(member.organizationName);
  }
  expect(new Set(served).size, served.join(' ')).toBe(2);
  expect([...new Set(served)].sort()).toEqual(bothUpstreams());

  const session = (await context.cookies()).find((cookie) => cookie.name === 'next-auth.session-token')!.value;
  expect((await request.get(`${a.url}/v1/me`, { headers: auth(session) })).status()).toBe(200);
  await shell.signOut();
  await expect(page).toHaveURL(/\/signin/);
  for (const instance of [a, b]) expect((await request.get(`${instance.url}/v1/me`, { headers: auth(session) })).status(), instance.upstream).toBe(401);
  for (let i = 0; i < 2; i++) {
    await page.goto(`${cluster.url}/`);
    await expect(page).toHaveURL(/\/signin/);
  }
  await context.close();
});

test('a SAML sign-in started on one instance finishes on the other; the request ID and the replay record are shared', async ({ request, playwright }) => {
  const idp = await (await TestIdp.create()).start();
  const throughBalancer = await playwright.request.newContext({ baseURL: cluster.url });
  const onA = await playwright.request.newContext({ baseURL: a.url });
  try {
    const member = await seedMember(cluster.databaseUrl);
    const token = await signIn(request, cluster.url, member.email, member.password);
    const { account_id: accountId } = await organizationOf(request, token);
    const configured = await configureIdp(throughBalancer, token, accountId, idp, { saml_idp_login_allowed: true });
    // Every SP URL is the balancer's (PUBLIC_URL), whichever instance made it.
    expect(configured.acsUrl).toBe(`${cluster.url}/v1/sso/saml/account/${accountId}/method/${configured.methodId}/acs`);
    const acsPath = new URL(configured.acsUrl).pathname;
    const postToAcsOf = (instance: Instance, response: string) =>
      request.post(`${instance.url}${acsPath}`, { form: { SAMLResponse: response }, maxRedirects: 0 });
    const subject = `idp-${member.email}`;

    // Link the member's account: started on A (the confirmation page's POST), answered on B.
    const linkStart = await request.post(`${a.url}${configured.loginUrl}?purpose=link`, {
      maxRedirects: 0,
      headers: { cookie: `next-auth.session-token=${token}`, origin: cluster.url, 'sec-fetch-site': 'same-origin' },
    });
    expect(linkStart.status(), await linkStart.text()).toBe(303);
    const linkId = readAuthnRequest(linkStart.headers()['location']!).id;
    const linked = await postToAcsOf(b, samlResponse(idp, configured, { nameId: subject, inResponseTo: linkId, attributes: { email: member.email } }));
    expect(linked.status(), await linked.text()).toBe(303);

    // Sign in: the AuthnRequest from A, its ID kept in the database; the response to B.
    const requestId = await startSignIn(onA, configured);
    expect(await rows('select purpose from saml_requests where id = $1', [requestId])).toEqual([{ purpose: 'signin' }]);
    const response = samlResponse(idp, configured, { nameId: subject, inResponseTo: requestId });
    const signedIn = await postToAcsOf(b, response);
    expect(signedIn.status(), await signedIn.text()).toBe(303);
    expect(signedIn.headers()['location']).toBe(`${cluster.url}/`);
    expect(await rows('select id from saml_requests where id = $1', [requestId])).toEqual([]);
    const session = sessionFromSetCookie(signedIn.headers()['set-cookie']);
    for (const instance of [a, b]) {
      const me = await request.get(`${instance.url}/v1/me`, { headers: auth(session) });
      expect(me.status(), instance.upstream).toBe(200);
      expect((await me.json()).user.user).toBe(member.email);
    }

    // The same response again, on A: its request was used up on B.
    const reused = await postToAcsOf(a, response);
    expect(reused.status()).toBe(400);
    expect(reused.headers()['set-cookie']).toBeUndefined();
    expect(await reused.text()).toContain('data-reason="unknown_request"');

    // An IdP-initiated response (no request to use up) signs in once: on B, then never on A.
    const unsolicited = samlResponse(idp, configured, { nameId: subject });
    expect((await postToAcsOf(b, unsolicited)).status()).toBe(303);
    const replayed = await postToAcsOf(a, unsolicited);
    expect(replayed.status()).toBe(400);
    expect(replayed.headers()['set-cookie']).toBeUndefined();
    const html = await replayed.text();
    expect(html).toContain('data-reason="replay"');
    expect(html).toMatch(/was already used/);
  } finally {
    await throughBalancer.dispose();
    await onA.dispose();
    await idp.stop();
  }
});

test('200 PATCHes of one policy at once, half on each instance: each is answered, applied whole and audited in order; the last one is the policy', async ({ request }) => {
  const admin = await seedMember(cluster.databaseUrl);
  const token = await seedPersonalToken(cluster.databaseUrl, admin.userId);
  const policy = `/v1/organization/${admin.organizationId}/config/authentication`;
  const headers = { ...auth(token), 'x-forwarded-for': '203.0.113.7' };
  // One use on each instance first, so that the token's last use is recent: the PATCHes below
  // then collide on the policy alone, not on the token's last-used time.
  const before = await request.get(`${a.url}${policy}`, { headers });
  expect(before.status()).toBe(200);
  const initial = (await before.json()) as Record<string, unknown>;
  expect(initial.ip_allowlist).toEqual([]);
  expect(await (await request.get(`${b.url}${policy}`, { headers })).json()).toEqual(initial);

  // Each PATCH its own allowlist: the caller's network (else the lockout guard refuses it) and
  // a network of its own.
  const COUNT = 200;
  const allowlistOf = (i: number) => ['203.0.113.0/24', `198.18.${i}.0/24`];
  const answers = await Promise.all(
    Array.from({ length: COUNT }, async (_, i) => {
      const instance = i % 2 === 0 ? a : b;
      const response = await request.patch(`${instance.url}${policy}`, { data: { ip_allowlist: allowlistOf(i) }, headers });
      return { i, status: response.status(), body: (await response.json()) as Record<string, unknown> };
    }),
  );
  const statuses: Record<number, number> = {};
  for (const { status } of answers) statuses[status] = (statuses[status] ?? 0) + 1;
  test.info().annotations.push({ type: 'statuses', description: JSON.stringify(statuses) });
  // A 500 here is a transaction that collided more often than transaction() retries it (db/async.ts).
  const unexpected = answers.filter(({ status }) => status !== 200 && status !== 409);
  expect(unexpected.map(({ status, body }) => `${status} ${String(body.message)}`), JSON.stringify(statuses)).toEqual([]);
  const applied = answers.filter(({ status }) => status === 200);
  for (const { i, body } of applied) expect(body, `PATCH ${i}`).toEqual({ ...initial, ip_allowlist: allowlistOf(i) });
  // A refusal, if any, is the API's conflict, with its error body.
  for (const { i, body } of answers.filter(({ status }) => status === 409)) {
    expect(body, `PATCH ${i}`).toEqual({ message: expect.any(String), errors: [{ error_code: 'conflict', message: body.message, status: 409 }] });
  }

  // One audit event per applied PATCH, each naming the allowlist it replaced: the one before it
  // in the log, so that the log replays to the policy.
  const events = await rows(`select details from audit_events where organization_id = $1 and event = 'policy.updated' order by id`, [admin.organizationId]);
  expect(events).toHaveLength(applied.length);
  expect(events.map(({ details }) => JSON.stringify((details as { new: unknown }).new)).sort()).toEqual(
    applied.map(({ i }) => JSON.stringify({ ip_allowlist: allowlistOf(i) })).sort(),
  );
  let previous: unknown = [];
  const replaced: string[] = [];
  for (const [k, { details }] of events.entries()) {
    const { old, new: next } = details as { old: { ip_allowlist: unknown }; new: { ip_allowlist: unknown } };
    if (JSON.stringify(old.ip_allowlist) !== JSON.stringify(previous)) replaced.push(`event ${k}: old ${JSON.stringify(old.ip_allowlist)}, before it ${JSON.stringify(previous)}`);
    previous = next.ip_allowlist;
  }
  expect(replaced, `${replaced.length} of ${events.length} events name an allowlist that was not the policy when they applied`).toEqual([]);

  // The policy is the last event's, whole, on both instances and in the database.
  for (const instance of [a, b]) expect(await (await request.get(`${instance.url}${policy}`, { headers })).json(), instance.upstream).toEqual({ ...initial, ip_allowlist: previous });
  expect(await rows('select ip_allowlist from organizations where id = $1', [admin.organizationId])).toEqual([{ ip_allowlist: previous }]);
});

test('two super admins demote each other at the same moment, one through each instance: one wins, the other is refused, one super admin remains (10 organizations)', async ({ request }) => {
  // Rounds until ten of them met in the race (both requests past the gate before either change
  // was made); every round must end with one super admin.
  const RACES = 10;
  const outcomes: string[] = [];
  let races = 0;
  for (let round = 0; races < RACES; round++) {
    expect(round, outcomes.join(' ')).toBeLessThan(2 * RACES);
    const first = await seedMember(cluster.databaseUrl);
    const second = await seedOrgMember(cluster.databaseUrl, first.organizationId, { isSuperAdmin: true });
    const admins = [
      { ...first, token: await seedPersonalToken(cluster.databaseUrl, first.userId), instance: a },
      { ...second, token: await seedPersonalToken(cluster.databaseUrl, second.userId), instance: b },
    ] as const;
    const memberUrl = (instance: Instance, userId: string) => `${instance.url}/v1/organization/${first.organizationId}/user/${userId}`;
    // Each token used once on its instance, so that both requests below do the same work before the change.
    for (const { token, instance } of admins) expect((await request.get(`${instance.url}/v1/me`, { headers: auth(token) })).status()).toBe(200);

    const answers = await Promise.all(
      admins.map(async (admin, i) => {
        const other = admins[1 - i]!;
        const response = await request.patch(memberUrl(admin.instance, other.userId), { data: { is_super_admin: false }, headers: auth(admin.token) });
        return { admin, other, status: response.status(), body: (await response.json()) as Record<string, unknown> };
      }),
    );
    const summary = `round ${round}: ${answers.map(({ admin, status, body }) => `${admin.instance.upstream} ${status} ${String(body.message ?? '')}`).join(' | ')}`;
    const won = answers.filter(({ status }) => status === 200);
    expect(won.length, summary).toBe(1);
    const winner = won[0]!;
    const loser = answers.find((answer) => answer !== winner)!;
    expect(winner.body, summary).toMatchObject({ user_id: winner.other.userId, is_super_admin: false });
    // The loser asked to demote the winner, who by then was the last super admin: refused. Had
    // its request reached the gate only after the winner's change was made, its caller would no
    // longer be a super admin (403): correct as well, but no race, and the round does not count.
    const message =
      loser.status === 403
        ? 'Only super admins of this organization may do this'
        : `${loser.other.email} is the last active super admin of this organization and cannot be demoted: make another member super admin first`;
    expect([409, 403], summary).toContain(loser.status);
    expect(loser.body, summary).toEqual({ message, errors: [{ error_code: loser.status === 409 ? 'conflict' : 'forbidden', message, status: loser.status }] });
    if (loser.status === 409) races++;
    outcomes.push(`${winner.admin.instance === a ? 'A' : 'B'} won, ${loser.status}`);

    expect(await rows('select user_id from memberships where organization_id = $1 and is_super_admin', [first.organizationId])).toEqual([{ user_id: winner.admin.userId }]);
    expect(await rows(`select details->>'user_id' as user_id from audit_events where organization_id = $1 and event = 'member.updated'`, [first.organizationId])).toEqual([
      { user_id: loser.admin.userId },
    ]);
  }
  test.info().annotations.push({ type: 'rounds', description: outcomes.join('; ') });
});

test('audit streaming with both instances sending: every event reaches the webhook once, in order, one request at a time', async ({ request }) => {
  test.setTimeout(120_000);
  const member = await seedMember(cluster.databaseUrl);
  // A receiver that answers after 30 ms and counts the requests in flight at once.
  const received: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    req.resume();
    req.on('end', () =>
      setTimeout(() => {
        received.push(Number(req.headers['x-portcullis-event-id']));
        inFlight--;
        res.writeHead(204).end();
      }, 30),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await rows(
      `insert into audit_stream_destinations (id, organization_id, name, kind, url, secret, enabled, create_time, update_time)
       values ($1, $2, 'cluster hook', 'webhook', $3, 'pcsk_cluster', true, $4, $4)`,
      [randomBytes(12).toString('hex'), member.organizationId, `http://127.0.0.1:${port}/hook`, now],
    );
    // Events made through each instance (sign-ins) and straight into the database.
    for (let i = 0; i < 6; i++) {
      const response = await request.post(`${(i % 2 === 0 ? a : b).url}/v1/userauth`, { data: { email: member.email, password: member.password } });
      expect(response.status()).toBe(200);
    }
    await recordEvents(
      cluster.databaseUrl,
      member.organizationId,
      Array.from({ length: 30 }, (_, n) => ({ time: now, event: 'auth.sign_in' as const, actorEmail: 'stream@cluster.test', details: { n } })),
    );
    const expected = (await rows('select id from audit_events where organization_id = $1 order by id', [member.organizationId])).map((row) => Number(row.id));
    expect(expected).toHaveLength(36);
    await expect.poll(() => received.length, { timeout: 60_000 }).toBeGreaterThanOrEqual(36);
    expect(received).toEqual(expected);
    expect(maxInFlight).toBe(1);
    expect(await rows('select count(*)::int as n from audit_stream_outbox')).toEqual([{ n: 0 }]);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('kill -9 of one instance during a stream of writes: the balancer keeps answering, every acknowledged write is kept, the other serves them all', async ({ request }) => {
  const member = await seedMember(cluster.databaseUrl);
  const token = await seedPersonalToken(cluster.databaseUrl, member.userId);
  const servedBy = (upstream: string) => upstream.split(', ').at(-1);
  // status: the answer's (0 if none came); complete: its body arrived whole. nginx may have passed
  // on an instance's 200 before the instance died in the middle of the body: not an answer.
  type Write = { description: string; sentAt: number; answeredAt: number; status: number; complete: boolean; upstream: string };
  const writes: Write[] = [];
  let next = 0;
  let stopAt = Number.POSITIVE_INFINITY;
  // Four clients writing one after the other through the balancer: personal tokens, each with a
  // description of its own. A whole 200 is the acknowledgement: the write was done.
  const WRITERS = 4;
  // How long the kill may take to reach nginx: a request it sends, right after the instance died,
  // on a kept-alive connection to it that it has yet to see closed fails like one in flight.
  const GRACE = 500;
  const writer = async () => {
    while (Date.now() < stopAt) {
      const write: Write = { description: `stream-${next++}`, sentAt: Date.now(), answeredAt: 0, status: 0, complete: false, upstream: '' };
      try {
        const response = await fetch(`${cluster.url}/v1/access_token`, {
          method: 'POST',
          body: JSON.stringify({ description: write.description }),
          headers: { ...auth(token), 'content-type': 'application/json' },
        });
        write.status = response.status;
        write.upstream = response.headers.get('x-upstream') ?? '';
        const body = await response.text();
        write.complete = response.status !== 200 || (JSON.parse(body) as { description: string }).description === write.description;
      } catch {
        // No answer, or half of one.
      }
      write.answeredAt = Date.now();
      writes.push(write);
    }
  };
  const stream = Promise.all(Array.from({ length: WRITERS }, writer));
  let killedAt = 0;
  let deadAt = 0;
  try {
    await expect.poll(() => new Set(writes.map((write) => servedBy(write.upstream))).size, { timeout: 20_000 }).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    killedAt = Date.now();
    await cluster.kill(a);
    deadAt = Date.now();
    // Longer than fail_timeout (2 s) after the grace below: nginx tries the dead instance again meanwhile.
    stopAt = deadAt + GRACE + 3000;
  } finally {
    stopAt = Math.min(stopAt, Date.now() + GRACE + 3000);
    await stream;
  }
  expect(a.process.signalCode).toBe('SIGKILL');

  const acknowledged = writes.filter(({ status, complete }) => status === 200 && complete);
  const failed = writes.filter((write) => !acknowledged.includes(write));
  const after = writes.filter(({ sentAt }) => sentAt > deadAt + GRACE);
  const report = `${writes.length} writes, ${acknowledged.length} acknowledged, ${failed.length} failed (${failed
    .map((w) => `${w.description} ${w.status}${w.complete ? '' : ' cut off'} ${w.upstream} sent ${w.sentAt - deadAt} ms after the kill, answered ${w.answeredAt - deadAt}`)
    .join('; ')}), the kill took ${deadAt - killedAt} ms`;
  test.info().annotations.push({ type: 'writes', description: report });
  // Only a write that was on the killed instance when it died can fail: nginx does not resend a
  // POST it has sent, and answers 502, or cuts the answer off if the instance had begun it.
  // Everything sent after is answered by the other.
  for (const write of failed) {
    expect([502, 200], report).toContain(write.status);
    expect(write.complete, report).toBe(write.status === 502);
    // Sent to the killed instance only: not sent again to the other.
    expect(write.upstream, report).toBe(a.upstream);
    expect(write.sentAt, report).toBeLessThanOrEqual(deadAt + GRACE);
    expect(write.answeredAt, report).toBeGreaterThanOrEqual(killedAt);
  }
  expect(failed.length, report).toBeLessThanOrEqual(WRITERS);
  expect(new Set(writes.filter(({ answeredAt }) => answeredAt < killedAt).map(({ upstream }) => upstream))).toEqual(new Set(bothUpstreams()));
  expect(after.length).toBeGreaterThan(10);
  for (const write of after) {
    expect(write.status, `${write.description}: ${report}`).toBe(200);
    expect(servedBy(write.upstream), `${write.description}: ${report}`).toBe(b.upstream);
  }
  // nginx went on trying the dead instance (after fail_timeout) and passed those requests on.
  expect(after.some(({ upstream }) => upstream === `${a.upstream}, ${b.upstream}`), report).toBe(true);

  // Every acknowledged write is in the database, with its audit event (one transaction); a write
  // that failed may have been done or not, but nothing else is there.
  const stored = new Set((await rows("select description from tokens where user_id = $1 and description like 'stream-%'", [member.userId])).map((row) => row.description as string));
  for (const { description } of acknowledged) expect(stored.has(description), description).toBe(true);
  expect([...stored].filter((description) => !writes.some((write) => write.description === description))).toEqual([]);
  expect(stored.size - acknowledged.length).toBeLessThanOrEqual(failed.length);
  test.info().annotations.push({ type: 'failed writes that were done', description: String(stored.size - acknowledged.length) });
  expect(await rows(`select count(*)::int as n from audit_events where actor_user_id = $1 and event = 'token.created'`, [member.userId])).toEqual([{ n: stored.size }]);

  // The survivor serves every one of them, through the balancer.
  for (let i = 0; i < 2; i++) {
    const listed = await request.get(`${cluster.url}/v1/access_token`, { headers: auth(token) });
    expect(listed.status()).toBe(200);
    expect(servedBy(upstreamOf(listed) ?? '')).toBe(b.upstream);
    const descriptions = ((await listed.json()) as { tokens: { description: string }[] }).tokens.map(({ description }) => description);
    expect(new Set(descriptions)).toEqual(new Set([...stored, 'seeded personal token']));
  }

  // Restarted (as a supervisor would), the instance is back in the rotation within fail_timeout.
  await cluster.restart(a);
  await expect
    .poll(
      async () => {
        const response = await request.get(`${cluster.url}/healthz`);
        return response.status() === 200 ? servedBy(upstreamOf(response) ?? '') : String(response.status());
      },
      { timeout: 10_000 },
    )
    .toBe(a.upstream);
  const listedOnA = await request.get(`${a.url}/v1/access_token`, { headers: auth(token) });
  expect(((await listedOnA.json()) as { tokens: unknown[] }).tokens).toHaveLength(stored.size + 1);
});
