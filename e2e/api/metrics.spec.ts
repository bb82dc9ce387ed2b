import { execFileSync } from 'node:child_process';
import { expect, test } from '../support/fixtures';
import { metricsToken, servers } from '../support/env';

// GET /metrics on the running servers: the main one has METRICS_TOKEN (playwright.config.ts),
// the setup one has neither METRICS_TOKEN nor METRICS_ALLOW. Other tests run in parallel on the
// main server and move the same counters, so a counter is checked to have grown by at least
// what this test did.

type Request = Parameters<Parameters<typeof test>[2]>[0]['request'];

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function scrape(request: Request): Promise<string> {
  const response = await request.get('/metrics', { headers: bearer(metricsToken) });
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return await response.text();
}

/** One sample's value in a scrape (0 when the series does not exist yet). */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const match = /^(\S+?)\{(.*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = match[2]!.split(/,(?=\w+=")/);
    if (wanted.every((pair) => have.includes(pair))) return Number(match[3]);
  }
  return 0;
}

test('a real scrape passes promtool check metrics', async ({ request }) => {
  // At least one request of each kind counted first, so that the labelled series are in it.
  await request.get('/healthz');
  const text = await scrape(request);
  // promtool (Debian's prometheus package, installed by scripts/test.sh) parses the exposition
  // format and lints it; any finding is a non-zero exit with the finding on standard output.
  const findings = (() => {
    try {
      execFileSync('promtool', ['check', 'metrics'], { input: text, stdio: ['pipe', 'pipe', 'pipe'] });
      return '';
    } catch (error) {
      const { stdout, stderr } = error as { stdout: Buffer; stderr: Buffer };
      return `${stdout.toString()}${stderr.toString()}` || String(error);
    }
  })();
  expect(findings).toBe('');
  for (const name of ['portcullis_http_requests_total', 'portcullis_http_request_duration_seconds', 'portcullis_db_statement_duration_seconds', 'nodejs_eventloop_lag_seconds', 'process_cpu_seconds_total']) {
    expect(text).toContain(`# TYPE ${name} `);
  }
});

test('without the token, or with a wrong one, the answer is 401 and no metrics', async ({ request }) => {
  for (const headers of [{}, bearer(`${metricsToken}x`), bearer(metricsToken.slice(0, -1)), { authorization: `Basic ${metricsToken}` }, { authorization: metricsToken }]) {
    const response = await request.get('/metrics', { headers });
    expect(response.status()).toBe(401);
    expect(response.headers()['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(await response.text()).toBe('Unauthorized\n');
  }
});

test('a server without METRICS_TOKEN or METRICS_ALLOW has no /metrics', async ({ request }) => {
  const response = await request.get(`${servers.setup.url}/metrics`, { headers: bearer(metricsToken) });
  expect(response.status()).toBe(404);
  expect(await response.text()).not.toContain('portcullis_');
});

test('sign-ins, a SAML refusal, token lookups and requests move their counters', async ({ request, member }) => {
  const before = await scrape(request);

  // A sign-in that succeeds, and one that fails (an unknown address: no real account's limit is spent).
  const signedIn = await request.post('/v1/userauth', { data: { email: member.email, password: member.password } });
  expect(signedIn.status()).toBe(200);
  const { token } = (await signedIn.json()) as { token: string };
  const failed = await request.post('/v1/userauth', { data: { email: `nobody-${Date.now()}@metrics.test`, password: 'wrong password' } });
  expect(failed.status()).toBe(401);
  // A token that works, and one that does not exist.
  expect((await request.get('/v1/me', { headers: { authorization: `aivenv1 ${token}` } })).status()).toBe(200);
  expect((await request.get('/v1/me', { headers: { authorization: 'aivenv1 pcls_not-a-real-token-at-all' } })).status()).toBe(401);
  // A SAML response posted to an identity provider that does not exist, and a start with a bad purpose.
  const acs = await request.post('/v1/sso/saml/account/a0000metrics/method/am-nope/acs', { form: { SAMLResponse: 'bm90IGEgcmVzcG9uc2U=' } });
  expect(acs.status()).toBe(404);
  const start = await request.get('/v1/sso/saml/account/a0000metrics/method/am-nope/login?purpose=nonsense');
  expect(start.status()).toBe(400);

  const after = await scrape(request);
  const grew = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
  expect(grew('portcullis_sign_ins_total', { method: 'password', outcome: 'success' })).toBeGreaterThanOrEqual(1);
  expect(grew('portcullis_sign_ins_total', { method: 'password', outcome: 'failure' })).toBeGreaterThanOrEqual(1);
  expect(grew('portcullis_saml_refusals_total', { reason: 'unknown_method', stage: 'acs' })).toBeGreaterThanOrEqual(1);
  expect(grew('portcullis_saml_refusals_total', { reason: 'malformed', stage: 'start' })).toBeGreaterThanOrEqual(1);
  expect(grew('portcullis_token_lookups_total', { outcome: 'valid' })).toBeGreaterThanOrEqual(1);
  expect(grew('portcullis_token_lookups_total', { outcome: 'unknown' })).toBeGreaterThanOrEqual(1);
  expect(grew('portcullis_http_requests_total', { route: '/v1/userauth', method: 'POST', status: '401' })).toBeGreaterThanOrEqual(1);
  expect(grew('portcullis_http_requests_total', { route: '/v1/sso/saml/account/{account_id}/method/{method_id}/acs', method: 'POST', status: '404' })).toBeGreaterThanOrEqual(1);
  // The first scrape itself was counted, by its route.
  expect(grew('portcullis_http_requests_total', { route: '/metrics', method: 'GET', status: '200' })).toBeGreaterThanOrEqual(1);
  // The database was timed on the server's engine.
  expect(after).toMatch(/^portcullis_db_statement_duration_seconds_count\{engine="(sqlite|postgres)"\} [1-9]/m);
  // No path or id became a label: every route label is a pattern.
  const routes = new Set([...after.matchAll(/route="([^"]*)"/g)].map((match) => match[1]!));
  for (const route of routes) expect(route).toMatch(/^(\/|unmatched$)/);
  expect([...routes].some((route) => route.includes(member.userId) || route.includes(token))).toBe(false);
});

test('every response carries its request id', async ({ request }) => {
  const [one, two] = [await request.get('/healthz'), await request.get('/v1/nope')];
  expect(one.headers()['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(two.headers()['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(one.headers()['x-request-id']).not.toBe(two.headers()['x-request-id']);
  // A client cannot choose its request id (only a trusted proxy can).
  const chosen = await request.get('/healthz', { headers: { 'x-request-id': 'chosen-by-client-123' } });
  expect(chosen.headers()['x-request-id']).not.toBe('chosen-by-client-123');
});
