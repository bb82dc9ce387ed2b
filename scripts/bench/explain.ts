// `npx tsx scripts/bench/explain.ts [--postgres] [--small]`: the statements GET /v1/me runs at a
// million tokens (the gate's and the handler's), captured as lib/ runs them on the large seed from
// bench/cache/ (or on the small one, 10 tokens, with --small), each with its query plan (SQLite's EXPLAIN QUERY PLAN, or PostgreSQL's EXPLAIN
// (ANALYZE, BUFFERS)) and its time per run, so that "a token lookup at a million tokens costs
// what it costs at ten" can be checked statement by statement. docs/performance.md quotes it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import pg from 'pg';
import { closePostgres, openAsyncDatabase, sqliteConnectionOf, type AsyncDb } from '@/db/async';
import { useEngine } from '@/db/tables';
import { authenticate } from '@/lib/auth/gate';
import { meResponse } from '@/lib/users/me';
import { hashPassword } from '@/lib/passwords/hash';
import { TestIdp } from '@/lib/testing/saml-idp';
import { startThrowawayCluster } from '@/db/throwaway-cluster';
import { cachedLargeSeed, copyIntoPostgres, seedSmall } from './seed';

type Captured = { sql: string; params: unknown[] };

/** Runs the gate and GET /v1/me's handler once, as the server would for the seed's token. */
async function runMe(db: AsyncDb, token: string) {
  const ctx = { db, now: new Date() };
  const principal = await authenticate({ ctx, input: { authorization: `aivenv1 ${token}`, cookieToken: null, ip: '127.0.0.1', userAgent: 'explain' } });
  await meResponse(ctx, principal);
}

async function sqlite(file: string, token: string) {
  const captured: Captured[] = [];
  useEngine('sqlite');
  const db = openAsyncDatabase(file);
  const client = sqliteConnectionOf(db);
  const prepare = client.prepare.bind(client);
  // Every statement lib/ runs goes through the connection's prepare (db/async.ts keeps them by SQL text).
  client.prepare = ((sql: string) => {
    const statement = prepare(sql);
    const all = statement.all.bind(statement);
    statement.all = ((...params: unknown[]) => {
      captured.push({ sql, params });
      return all(...params);
    }) as typeof statement.all;
    return statement;
  }) as typeof client.prepare;
  await runMe(db, token);
  for (const { sql, params } of captured) {
    if (!/^\s*(select|update|insert|delete)/i.test(sql)) continue;
    const plan = (client.prepare(`EXPLAIN QUERY PLAN ${sql}`) as Database.Statement).all(...params) as { detail: string }[];
    const statement = prepare(sql);
    const runs = 5000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) statement.all(...params);
    const micros = Number(process.hrtime.bigint() - started) / runs / 1000;
    console.log(`\n${sql}\n  plan: ${plan.map((p) => p.detail).join(' | ')}\n  ${micros.toFixed(1)} µs per run (better-sqlite3 alone, ${runs} runs)`);
  }
}

async function postgres(url: string, token: string) {
  const captured: Captured[] = [];
  useEngine('postgres');
  const query = pg.Pool.prototype.query;
  // drizzle's node-postgres session sends every statement through the pool's query().
  pg.Pool.prototype.query = function (this: pg.Pool, ...args: unknown[]) {
    const [config, values] = args as [string | { text: string; values?: unknown[] }, unknown[] | undefined];
    if (typeof config === 'string') captured.push({ sql: config, params: values ?? [] });
    else captured.push({ sql: config.text, params: config.values ?? values ?? [] });
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  const db = openAsyncDatabase(url);
  await runMe(db, token);
  pg.Pool.prototype.query = query;
  await closePostgres(db);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const [index, { sql, params }] of captured.entries()) {
      const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
      const runs = 2000;
      const started = process.hrtime.bigint();
      // pg keeps a named statement per connection: a name for each statement.
      for (let i = 0; i < runs; i++) await client.query({ name: `timed-${index}`, text: sql, values: params });
      const micros = Number(process.hrtime.bigint() - started) / runs / 1000;
      const lines = plan.rows.map((r: Record<string, string>) => `    ${r['QUERY PLAN']}`).join('\n');
      console.log(`\n${sql}\n${lines}\n  ${micros.toFixed(1)} µs per run (a prepared statement through pg, round trip included, ${runs} runs)`);
    }
  } finally {
    await client.end();
  }
}

async function main() {
  const root = path.resolve(import.meta.dirname, '..', '..');
  const small = process.argv.includes('--small');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-explain-'));
  const passwordHash = await hashPassword('explain');
  const seed = small
    ? await seedSmall(path.join(dir, 'small-seed.db'), passwordHash, await TestIdp.create())
    : await cachedLargeSeed(root, path.join(root, 'bench', 'cache'), passwordHash, 100_000, 10);
  const copy = path.join(dir, 'explained.db');
  fs.copyFileSync(seed.file, copy);
  try {
    if (!process.argv.includes('--postgres')) return await sqlite(copy, seed.apiToken);
    const { url, stop } = startThrowawayCluster(path.join(dir, 'postgres'), { root, durable: true });
    try {
      const restored = await copyIntoPostgres(copy, url, { create: 'explained', dump: small ? undefined : `${seed.file}.pgdump` });
      await postgres(restored.url, seed.apiToken);
    } finally {
      stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
