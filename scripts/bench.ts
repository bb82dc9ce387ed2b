// `npm run bench`: what the request gate, token lookup at scale, the console page and password
// sign-in cost, measured side by side in one run against the production build on fresh
// databases. Prints a table and writes it as JSON under bench/results/. Targets are in
// issue 11 and the README's "Performance" section.
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { chromium } from '@playwright/test';
import { bulkInsertUsersAndTokens, type BulkToken } from '@/db/bulk';
import { openAsyncDatabase, sqliteConnectionOf, synchronousSqliteOf, type AsyncDb } from '@/db/async';
import { organizations } from '@/db/schema';
import { hashPassword, verifyPassword } from '@/lib/passwords/hash';
import type { Ctx } from '@/lib/context';
import { insertMembership, insertOrganization } from '@/lib/model/organizations';
import { createToken } from '@/lib/tokens/create';
import { TOKEN_MARKER } from '@/lib/tokens/token';
import { insertUser } from '@/lib/model/users';
import { eq } from 'drizzle-orm';
import { authenticationMethods, externalIdentities, samlCertificates } from '@/db/schema';
import { iso } from '@/lib/context';
import { newAuthenticationMethodId, newRowId } from '@/lib/ids';
import { parseCertificate } from '@/lib/identity-providers/certificate';
import { generateSpKeyPair } from '@/lib/identity-providers/manage';
import { spUrls } from '@/lib/identity-providers/urls';
import { validateSamlResponse } from '@/lib/saml/validate';
import { TestIdp } from '@/lib/testing/saml-idp';

const root = path.resolve(import.meta.dirname, '..');
const CONNECTIONS = 64;
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const LARGE_USERS = Number(process.env.BENCH_USERS ?? 100_000);
const TOKENS_PER_USER = 10;
const PASSWORD = `bench-${randomBytes(8).toString('hex')}`;

type Server = { url: string; process: ChildProcess };

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function startServer(database: string): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // One process (no npx or tsx wrapper in between), so that kill() stops the server itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/server.ts'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: url, DATABASE_URL: database },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, process: child };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  child.kill();
  throw new Error(`server on ${database} did not start`);
}

/** 100 CIDRs for the organization, the one that admits 127.0.0.1 last, so all are checked. */
function organizationAllowlist(): string[] {
  const list = Array.from({ length: 99 }, (_, i) => (i % 2 ? `10.${i}.0.0/16` : `2001:db8:${i.toString(16)}::/48`));
  return [...list, '127.0.0.0/8'];
}

/** An organization with a 100-CIDR allowlist and a user with a token that has its own allowlist. */
async function seedBase(db: AsyncDb, passwordHash: string) {
  const ctx: Ctx = { db, now: new Date() };
  const organization = await insertOrganization(ctx, { name: 'Bench' });
  await db.update(organizations).set({ ipAllowlist: organizationAllowlist() }).where(eq(organizations.id, organization.id));
  const user = await insertUser(ctx, { email: 'bench@example.test', passwordHash });
  await insertMembership(ctx, { organizationId: organization.id, userId: user.id, isSuperAdmin: true });
  const { fullToken } = await createToken({
    ctx,
    input: {
      userId: user.id,
      kind: 'personal',
      authMethod: 'password',
      description: 'bench',
      createdManually: true,
      maxAgeSeconds: null,
      extendWhenUsed: false,
      ipAllowlist: ['192.0.2.0/24', '2001:db8::/32', '127.0.0.1/32'],
    },
  });
  return { organization, user, fullToken, ctx };
}

function fakeTokens(userId: string, count: number, now: string): BulkToken[] {
  return Array.from({ length: count }, () => {
    const secret = TOKEN_MARKER + randomBytes(32).toString('base64url');
    return {
      id: randomBytes(12).toString('hex'),
      userId,
      tokenHash: createHash('sha256').update(secret).digest('hex'),
      tokenPrefix: secret.slice(0, 16),
      createTime: now,
    };
  });
}

async function load(url: string, headers: Record<string, string>, seconds = DURATION_S) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, headers });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99 };
}

async function pageTiming(url: string, cookie: string) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu'],
  });
  try {
    const context = await browser.newContext();
    await context.addCookies([{ name: 'next-auth.session-token', value: cookie, url }]);
    const page = await context.newPage();
    const runs: { ttfb: number; load: number }[] = [];
    for (let i = 0; i < 4; i++) {
      await page.goto(`${url}/profile/tokens`, { waitUntil: 'load' });
      const timing = await page.evaluate(() => {
        const [nav] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
        return { ttfb: nav!.responseStart - nav!.requestStart, load: nav!.loadEventEnd - nav!.startTime };
      });
      if (i > 0) runs.push(timing); // the first load warms the server's caches
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    return { ttfb: Math.round(median(runs.map((r) => r.ttfb))), load: Math.round(median(runs.map((r) => r.load))) };
  } finally {
    await browser.close();
  }
}

/** Compressed size of the JavaScript a page loads first: every script its HTML names, gzipped. */
async function firstLoadJs(url: string, pagePath: string, cookie: string) {
  const html = await (await fetch(`${url}${pagePath}`, { headers: { cookie: `next-auth.session-token=${cookie}` } })).text();
  const sources = [...html.matchAll(/<script[^>]+src="([^"]+\.js[^"]*)"/g)].map((m) => m[1]!);
  let bytes = 0;
  for (const src of new Set(sources)) bytes += gzipSync(Buffer.from(await (await fetch(new URL(src, url))).arrayBuffer())).length;
  return Math.round(bytes / 102.4) / 10;
}

/** An enabled identity provider of the bench organization, IdP-initiated allowed, with a linked user. */
async function seedIdentityProvider(db: AsyncDb, organizationId: string, userId: string, idp: TestIdp) {
  const ctx: Ctx = { db, now: new Date() };
  const id = newAuthenticationMethodId();
  const sp = await generateSpKeyPair(id);
  const parsed = parseCertificate(idp.certificate, ctx.now);
  if (!parsed.ok) throw new Error(parsed.reason);
  const now = iso(ctx.now);
  await db
    .insert(authenticationMethods)
    .values({ id, organizationId, name: 'Bench IdP', type: 'saml', enabled: true, samlIdpUrl: 'http://127.0.0.1:9/sso', samlEntityId: idp.entityId, samlIdpLoginAllowed: true, spPrivateKey: sp.privateKey, spCertificate: sp.certificate, createTime: now, updateTime: now });
  const { pem, subject, issuer, notBefore, notAfter } = parsed.certificate;
  await db.insert(samlCertificates).values({ id: newRowId(), methodId: id, pem, subject, issuer, notBefore, notAfter, createTime: now });
  await db.insert(externalIdentities).values({ id: newRowId(), userId, provider: `saml:${id}`, subject: 'bench@example.test', email: 'bench@example.test', createTime: now });
  return id;
}

/**
 * SAML ACS: IdP-initiated responses, each a fresh signed assertion (the replay store refuses a
 * second use), posted with `connections` at a time; each good one answers 303 with a session.
 * Signing happens before the clock starts. Also the validation alone, in this process, on one core.
 */
async function measureSaml(url: string, accountId: string, methodId: string, idp: TestIdp, count: number, connections: number) {
  const urls = spUrls(url, accountId, methodId);
  const responses = Array.from({ length: count }, () =>
    idp.response({ acsUrl: urls.acsUrl, audience: urls.entityId, nameId: 'bench@example.test', attributes: { email: 'bench@example.test' } }),
  );
  // In process: the checks alone (signature, conditions, ours), no database, no HTTP.
  const expected = {
    method: { id: methodId, samlEntityId: idp.entityId, samlIdpLoginAllowed: true, samlAssertionSignedEnabled: true },
    certificates: [idp.certificate],
    entityId: urls.entityId,
    acsUrl: urls.acsUrl,
    requestId: null,
  };
  let validated = 0;
  const until = Date.now() + 3000;
  while (Date.now() < until) await validateSamlResponse(responses[validated++ % responses.length], expected, new Date());
  const perCore = Math.round((validated / 3) * 10) / 10;

  let next = 0;
  let ok = 0;
  let other = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < responses.length) {
        const body = new URLSearchParams({ SAMLResponse: responses[next++]! });
        const response = await fetch(urls.acsUrl, { method: 'POST', body, redirect: 'manual' });
        await response.arrayBuffer();
        if (response.status === 303) ok += 1;
        else other += 1;
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  return { validations_per_second_one_core: perCore, acs_responses_per_second: Math.round((ok / seconds) * 10) / 10, responses: count, refused: other, connections };
}

function measurePasswordChecks(hash: string, seconds = 3) {
  // Sequential on one core: argon2 runs in libuv's pool, one verify at a time here.
  return (async () => {
    let count = 0;
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      await verifyPassword(hash, PASSWORD);
      count += 1;
    }
    return Math.round((count / seconds) * 10) / 10;
  })();
}

async function main() {
  const started = Date.now();
  if (!fs.existsSync(path.join(root, '.next', 'BUILD_ID'))) execSync('npx next build', { cwd: root, stdio: 'inherit' });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-bench-'));
  const servers: Server[] = [];
  try {
    const passwordHash = await hashPassword(PASSWORD);

    // Small: the bench user's 10 tokens; a second user with 1,000 tokens for the console page.
    const small = openAsyncDatabase(path.join(dir, 'small.db'));
    const base = await seedBase(small, passwordHash);
    const idp = await TestIdp.create('https://bench-idp.example.test/saml');
    const samlMethodId = await seedIdentityProvider(small, base.organization.id, base.user.id, idp);
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    bulkInsertUsersAndTokens(synchronousSqliteOf(small), base.organization.id, [
      { user: { id: 'ubenchpage', email: 'page@example.test', createTime: now }, tokens: fakeTokens('ubenchpage', 1000, now) },
    ]);
    // Nine more tokens of the bench user: "10 tokens in the database" for the small case.
    for (let i = 0; i < 9; i++) {
      await createToken({
        ctx: base.ctx,
        input: { userId: base.user.id, kind: 'personal', authMethod: 'password', description: `extra ${i}`, createdManually: true, maxAgeSeconds: null, extendWhenUsed: false },
      });
    }
    const pageUserSession = (await createToken({
      ctx: { db: small, now: new Date() },
      input: { userId: 'ubenchpage', kind: 'session', authMethod: 'password', description: 'bench page', createdManually: false, maxAgeSeconds: 86_400, extendWhenUsed: false },
    })).fullToken;
    const adminSession = (await createToken({
      ctx: { db: small, now: new Date() },
      input: { userId: base.user.id, kind: 'session', authMethod: 'password', description: 'bench admin', createdManually: false, maxAgeSeconds: 86_400, extendWhenUsed: false },
    })).fullToken;
    sqliteConnectionOf(small).close();

    // Large: the same, plus 100,000 users with 10 tokens each (1,000,000 tokens).
    const largeFile = path.join(dir, 'large.db');
    const large = openAsyncDatabase(largeFile);
    const largeBase = await seedBase(large, passwordHash);
    const seedStart = Date.now();
    for (let batch = 0; batch < LARGE_USERS; batch += 5000) {
      const rows = Array.from({ length: Math.min(5000, LARGE_USERS - batch) }, (_, i) => {
        const id = `ub${(batch + i).toString(36).padStart(8, '0')}`;
        return { user: { id, email: `${id}@example.test`, createTime: now }, tokens: fakeTokens(id, TOKENS_PER_USER, now) };
      });
      bulkInsertUsersAndTokens(synchronousSqliteOf(large), largeBase.organization.id, rows);
    }
    const largeConnection = sqliteConnectionOf(large);
    largeConnection.pragma('wal_checkpoint(TRUNCATE)');
    const tokenCount = (largeConnection.prepare('SELECT count(*) AS n FROM tokens').get() as { n: number }).n;
    largeConnection.close();
    const largeBytes = fs.statSync(largeFile).size;
    const seedSeconds = (Date.now() - seedStart) / 1000;

    const [smallServer, largeServer] = await Promise.all([startServer(path.join(dir, 'small.db')), startServer(largeFile)]);
    servers.push(smallServer!, largeServer!);
    const authSmall = { authorization: `aivenv1 ${base.fullToken}` };
    const authLarge = { authorization: `aivenv1 ${largeBase.fullToken}` };
    // Warm-up: JIT, Next's route caches, SQLite's page cache.
    await load(`${smallServer!.url}/healthz`, {}, 2);
    await load(`${smallServer!.url}/v1/me`, authSmall, 2);
    await load(`${largeServer!.url}/v1/me`, authLarge, 2);

    // Interleaved, so that a noisy moment hurts all three alike.
    const bare = await load(`${smallServer!.url}/healthz`, {});
    const gated = await load(`${smallServer!.url}/v1/me`, authSmall);
    const scaled = await load(`${largeServer!.url}/v1/me`, authLarge);

    const page = await pageTiming(smallServer!.url, pageUserSession);
    const adminPages = ['/admin/authentication-policy', '/admin/application-users', '/profile/tokens', '/'];
    const js: Record<string, number> = {};
    for (const p of adminPages) js[p] = await firstLoadJs(smallServer!.url, p, adminSession);

    const perCore = await measurePasswordChecks(passwordHash);
    const signIns = await autocannon({
      url: `${smallServer!.url}/v1/userauth`,
      method: 'POST',
      connections: os.cpus().length,
      duration: 5,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@example.test', password: PASSWORD }),
    });

    const saml = await measureSaml(smallServer!.url, base.organization.accountId, samlMethodId, idp, Number(process.env.BENCH_SAML_RESPONSES ?? 1500), os.cpus().length * 2);

    const results = {
      time: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown', memory_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      gate: { bare, gated, ratio: Math.round((gated.rps / bare.rps) * 100) / 100, target: 0.85 },
      scale: {
        tokens_small: 10,
        tokens_large: tokenCount,
        users_large: LARGE_USERS + 1,
        small: gated,
        large: scaled,
        ratio: Math.round((scaled.rps / gated.rps) * 100) / 100,
        target: 0.9,
        db_mib_per_million_tokens: Math.round((largeBytes / 2 ** 20 / (tokenCount / 1e6)) * 10) / 10,
        seed_seconds: Math.round(seedSeconds),
      },
      console_page: { path: '/profile/tokens', tokens: 1001, ttfb_ms: page.ttfb, load_ms: page.load },
      first_load_js_kb_gzip: js,
      first_load_js_target_kb: 200,
      password: {
        argon2id: 'm=19456 KiB, t=2, p=1',
        verifications_per_second_one_core: perCore,
        http_sign_ins_per_second: Math.round(signIns.requests.average * 10) / 10,
        http_connections: os.cpus().length,
        non2xx: signIns.non2xx,
      },
      saml,
      seconds: Math.round((Date.now() - started) / 1000),
    };

    const rows: [string, string, string][] = [
      ['Gate: bare route', `${bare.rps} req/s`, `p50 ${bare.p50} ms, p99 ${bare.p99} ms`],
      ['Gate: GET /v1/me (100-CIDR org allowlist)', `${gated.rps} req/s`, `p50 ${gated.p50} ms, p99 ${gated.p99} ms`],
      ['Gate ratio (target >= 0.85)', String(results.gate.ratio), results.gate.ratio >= 0.85 ? 'met' : 'MISSED'],
      [`Scale: /v1/me with ${tokenCount.toLocaleString('en')} tokens`, `${scaled.rps} req/s`, `p50 ${scaled.p50} ms, p99 ${scaled.p99} ms`],
      ['Scale ratio (target >= 0.9)', String(results.scale.ratio), results.scale.ratio >= 0.9 ? 'met' : 'MISSED'],
      ['Database size per million tokens', `${results.scale.db_mib_per_million_tokens} MiB`, ''],
      ['Profile → Tokens, 1,001 tokens', `TTFB ${page.ttfb} ms`, `load ${page.load} ms`],
      ...Object.entries(js).map(([p, kb]): [string, string, string] => [`First-load JS ${p}`, `${kb} kB gzip`, kb <= 200 ? 'met' : 'MISSED']),
      ['argon2id verifications, one core', `${perCore} /s`, ''],
      [`Password sign-ins over HTTP (${os.cpus().length} connections)`, `${results.password.http_sign_ins_per_second} /s`, ''],
      ['SAML response validations, one core (in process)', `${saml.validations_per_second_one_core} /s`, ''],
      [`SAML ACS responses validated per second (HTTP, ${saml.connections} connections)`, `${saml.acs_responses_per_second} /s`, saml.refused ? `${saml.refused} refused` : 'each a new session'],
    ];
    const width = Math.max(...rows.map((r) => r[0].length));
    console.log(`\nPortcullis benchmark, ${results.machine.cpus} × ${results.machine.model}, Node ${process.version}\n`);
    for (const [name, value, note] of rows) console.log(`${name.padEnd(width)}  ${value.padEnd(16)}  ${note}`);
    console.log(`\n(${results.seconds} s in all)`);

    const outDir = path.join(root, 'bench', 'results');
    fs.mkdirSync(outDir, { recursive: true });
    const json = JSON.stringify(results, null, 2);
    fs.writeFileSync(path.join(outDir, `${results.time.replace(/[:.]/g, '-')}.json`), json);
    fs.writeFileSync(path.join(outDir, 'latest.json'), json);
  } finally {
    for (const server of servers) server.process.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
