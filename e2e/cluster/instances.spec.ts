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
import { closePostgresDb, seedMember } from '../support/seed';

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
    env: { PORTCULLIS_ORG_NAME: ORG_NAME, PORTCULLIS_ADMIN_EMAIL: ADMIN_EMAIL, PORTCULLIS_ADMIN_PASSWORD: ADMIN_PASSWORD },
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
  expect(logs.filter((log) => log.includes(`First-run setup: organization "${ORG_NAME}", super admin ${ADMIN_EMAIL}`))).toHaveLength(1);
  const password = decodeURIComponent(new URL(cluster.databaseUrl).password);
  for (const [i, log] of logs.entries()) {
    expect(log, `instance ${i + 1}`).toContain(`Portcullis listening on ${cluster.url} (production), database postgres://portcullis:***@`);
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
