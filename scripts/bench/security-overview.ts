// `npm run bench` ends with it (after scripts/bench/main.ts); `npm run bench:overview` runs it alone. Issue 20's figure. The Overview of a super admin
// of an organization with 10,000 members and 100,000 tokens (and 30 days of sign-ins in an audit
// log of 300,000 events) answers with TTFB ≤ 300 ms, on SQLite and on PostgreSQL. Against the
// production build (made if missing, as `npm run bench` does), on a database seeded here and
// copied into a throwaway PostgreSQL cluster with copy-to-postgres. Prints the TTFB of each
// engine (median of 5 loads in Chromium after one warming load) and of the JSON API. Run it twice
// and report figures that agree; it is no test.
//
// Environment: OVERVIEW_MEMBERS (10,000), OVERVIEW_TOKENS_PER_MEMBER (10).
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { openAsyncDatabase, sqliteConnectionOf } from '@/db/async';
import { startThrowawayCluster } from '@/db/throwaway-cluster';
import { iso, type Ctx } from '@/lib/context';
import { insertMembership, insertOrganization } from '@/lib/model/organizations';
import { insertUser } from '@/lib/model/users';
import { createToken } from '@/lib/tokens/create';
import { TOKEN_MARKER } from '@/lib/tokens/token';
import { ensureBuild } from './checkout';
import { copyIntoPostgres } from './seed';
import { startServer } from './servers';
import { median } from './stats';

const root = path.resolve(import.meta.dirname, '..', '..');
const MEMBERS = Number(process.env.OVERVIEW_MEMBERS ?? 10_000);
const TOKENS_PER_MEMBER = Number(process.env.OVERVIEW_TOKENS_PER_MEMBER ?? 10);
const TARGET_TTFB_MS = 300;
const DAY = 24 * 60 * 60 * 1000;

/** The organization, its super admin's session (the console cookie) and a personal token for the API. */
export async function seed(file: string) {
  const db = openAsyncDatabase(file);
  const ctx: Ctx = { db, now: new Date() };
  const organization = await insertOrganization(ctx, { name: 'Overview bench' });
  const admin = await insertUser(ctx, { email: 'admin@overview.bench', passwordHash: 'not-a-real-hash' });
  await insertMembership(ctx, { organizationId: organization.id, userId: admin.id, isSuperAdmin: true });
  const cookie = (await createToken({ ctx, input: { userId: admin.id, kind: 'session', authMethod: 'password', description: 'bench', createdManually: false, maxAgeSeconds: 86_400, extendWhenUsed: false } })).fullToken;
  const apiToken = (await createToken({ ctx, input: { userId: admin.id, kind: 'personal', authMethod: 'password', description: 'bench api', createdManually: true, maxAgeSeconds: 86_400, extendWhenUsed: false } })).fullToken;

  // Members, their credentials, identities and tokens, and the audit log, straight through the
  // driver: a hundred thousand rows through the query builder would take minutes.
  const sqlite = sqliteConnectionOf(db);
  const now = Date.now();
  const at = (ms: number) => iso(new Date(ms));
  const insertUserRow = sqlite.prepare('INSERT INTO users (id, email, create_time, managing_organization_id) VALUES (?, ?, ?, ?)');
  const insertMember = sqlite.prepare('INSERT INTO memberships (organization_id, user_id, join_time) VALUES (?, ?, ?)');
  const insertPassword = sqlite.prepare('INSERT INTO password_credentials (user_id, password_hash, update_time) VALUES (?, ?, ?)');
  const insertTotp = sqlite.prepare("INSERT INTO totp_credentials (user_id, secret, confirmed_time, create_time) VALUES (?, 'JBSWY3DPEHPK3PXP', ?, ?)");
  const insertIdentity = sqlite.prepare('INSERT INTO external_identities (id, user_id, provider, subject, create_time, last_used_time) VALUES (?, ?, ?, ?, ?, ?)');
  const insertToken = sqlite.prepare(
    `INSERT INTO tokens (id, user_id, token_hash, token_prefix, kind, auth_method, description, created_manually, create_time, expiry_time, ip_allowlist, last_used_time)
     VALUES (?, ?, ?, ?, 'personal', 'password', 'bench', 1, ?, ?, ?, ?)`,
  );
  const insertEvent = sqlite.prepare('INSERT INTO audit_events (time, organization_id, actor_email, event, ip, details) VALUES (?, ?, ?, ?, ?, ?)');
  const methods = ['password', 'password', 'password', 'google', 'saml'];
  sqlite.transaction(() => {
    for (let i = 0; i < MEMBERS; i++) {
      const id = `ubench${i.toString(16).padStart(7, '0')}`;
      const created = at(now - 400 * DAY);
      insertUserRow.run(id, `member${i}@overview.bench`, created, i % 4 === 0 ? organization.id : null);
      insertMember.run(organization.id, id, created);
      if (i % 5 !== 4) insertPassword.run(id, 'not-a-real-hash', created);
      if (i % 3 === 0) insertTotp.run(id, created, created);
      if (i % 7 === 0) insertIdentity.run(randomBytes(12).toString('hex'), id, 'google', `g${i}`, created, at(now - (i % 60) * DAY));
      for (let t = 0; t < TOKENS_PER_MEMBER; t++) {
        const secret = TOKEN_MARKER + randomBytes(32).toString('base64url');
        const k = i * TOKENS_PER_MEMBER + t;
        insertToken.run(
          randomBytes(12).toString('hex'),
          id,
          createHash('sha256').update(secret).digest('hex'),
          secret.slice(0, 16),
          at(now - (k % 200) * DAY),
          k % 3 === 0 ? null : at(now + ((k % 40) - 5) * DAY),
          k % 4 === 0 ? '["10.0.0.0/8"]' : '[]',
          k % 5 === 0 ? null : at(now - (k % 150) * DAY),
        );
      }
    }
    // 300,000 events over 60 days: sign-ins, failures and the rest of a busy log.
    for (let e = 0; e < 300_000; e++) {
      const time = at(now - (e % (60 * 24)) * 3_600_000 - (e % 3600) * 1000);
      const kind = e % 10;
      if (kind < 5) insertEvent.run(time, organization.id, `member${e % MEMBERS}@overview.bench`, 'auth.sign_in', '192.0.2.1', JSON.stringify({ method: methods[e % methods.length] }));
      else if (kind === 5) insertEvent.run(time, organization.id, `member${e % MEMBERS}@overview.bench`, 'auth.sign_in_failed', `198.51.100.${e % 50}`, JSON.stringify({ method: 'password', reason: e % 3 ? 'wrong_credentials' : 'ip_not_allowed' }));
      else insertEvent.run(time, organization.id, `member${e % MEMBERS}@overview.bench`, 'token.created', '192.0.2.1', '{}');
    }
  })();
  sqlite.exec('ANALYZE');
  sqlite.close();
  return { organizationId: organization.id, cookie, apiToken };
}

/** TTFB of the Overview in Chromium: one warming load, then the median of five. */
async function overviewTtfb(url: string, cookie: string): Promise<number[]> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-first-run', '--disable-gpu'] });
  try {
    const context = await browser.newContext();
    await context.addCookies([{ name: 'next-auth.session-token', value: cookie, url }]);
    const page = await context.newPage();
    const runs: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await page.goto(`${url}/`, { waitUntil: 'load' });
      if (response?.status() !== 200) throw new Error(`the Overview answered ${response?.status()}`);
      if (i === 0 && !(await page.getByText('What to fix next').count())) throw new Error('the Overview shows no security overview: not signed in as the super admin?');
      const ttfb = await page.evaluate(() => {
        const [nav] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
        return nav!.responseStart - nav!.requestStart;
      });
      if (i > 0) runs.push(Math.round(ttfb));
    }
    return runs;
  } finally {
    await browser.close();
  }
}

/** Time to the first byte of the JSON API, median of five after one warming call. */
async function apiTtfb(url: string, organizationId: string, token: string): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < 6; i++) {
    const started = performance.now();
    const response = await fetch(`${url}/v1/organization/${organizationId}/security-overview`, { headers: { authorization: `aivenv1 ${token}` } });
    const first = performance.now();
    const body = (await response.json()) as { sign_in_coverage?: { members: number } };
    if (response.status !== 200) throw new Error(`the API answered ${response.status}: ${JSON.stringify(body)}`);
    if (i > 0) runs.push(first - started);
  }
  return Math.round(median(runs));
}

async function measure(engine: string, database: string, seeded: Awaited<ReturnType<typeof seed>>) {
  const server = await startServer({ cwd: root, database });
  try {
    const page = await overviewTtfb(server.url, seeded.cookie);
    const api = await apiTtfb(server.url, seeded.organizationId, seeded.apiToken);
    const ttfb = median(page);
    console.log(`${engine}: Overview TTFB ${ttfb} ms (runs ${page.join(', ')}; target ≤ ${TARGET_TTFB_MS}: ${ttfb <= TARGET_TTFB_MS ? 'met' : 'MISSED'}); API ${api} ms`);
    return { ttfb_ms: ttfb, runs_ms: page, api_ms: api };
  } finally {
    await server.stop();
  }
}

async function main() {
  ensureBuild(root);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-overview-bench-'));
  const file = path.join(dir, 'overview.db');
  try {
    const started = Date.now();
    const seeded = await seed(file);
    console.log(`seeded ${MEMBERS.toLocaleString('en')} members, ${(MEMBERS * TOKENS_PER_MEMBER).toLocaleString('en')} tokens, 300,000 audit events in ${Math.round((Date.now() - started) / 1000)} s`);
    const sqlite = await measure('SQLite', file, seeded);
    const cluster = startThrowawayCluster(path.join(dir, 'pg'), { root, durable: true });
    try {
      const copied = await copyIntoPostgres(file, cluster.url);
      console.log(`copied into PostgreSQL in ${copied.seconds} s`);
      const postgres = await measure('PostgreSQL', copied.url, seeded);
      console.log(JSON.stringify({ members: MEMBERS, tokens: MEMBERS * TOKENS_PER_MEMBER, target_ttfb_ms: TARGET_TTFB_MS, sqlite, postgres }));
    } finally {
      cluster.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Run, unless imported (to seed a database for a profile of one engine).
if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) await main();
