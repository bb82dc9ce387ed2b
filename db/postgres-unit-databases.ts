import { getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { asyncPostgresOver, type AsyncDb } from './async';
import { migratePostgres, openPostgres } from './postgres';
import * as pgSchema from './schema.pg';
import { startThrowawayCluster } from './throwaway-cluster';

// The unit suite on PostgreSQL (vitest project "postgres", issue 17). The global setup starts one
// throwaway cluster (scripts/postgres.sh) and migrates a template database on it; each test gets
// an empty, migrated database, as on SQLite's :memory:.

const TEMPLATE = 'portcullis_unit_template';
/** Starts the cluster in `dir`, migrates the template; returns the cluster's URL and how to stop it. */
export async function startUnitCluster(dir: string): Promise<{ url: string; stop: () => void }> {
  const cluster = startThrowawayCluster(dir);
  await admin(cluster.url, `create database ${TEMPLATE}`);
  const template = openPostgres(databaseUrl(cluster.url, TEMPLATE));
  await migratePostgres(template);
  // Nobody may stay connected to a template that is being copied.
  await template.$client.end();
  return cluster;
}

// Test databases are made once per worker and reused: copying the template costs some 60 ms
// and a new connection some 12 ms (scram), while emptying a database that a test filled takes
// one millisecond (DELETE with the foreign-key triggers off for the statement).
const tables = Object.values(pgSchema).flatMap((value: unknown) => (is(value, PgTable) ? [`"${getTableName(value)}"`] : []));
const EMPTY = `set session_replication_role = replica; ${tables.map((t) => `delete from ${t};`).join(' ')} set session_replication_role = origin;`;

type Slot = {
  db: AsyncDb;
  pool: pg.Pool;
  url: string;
  /** More pools on the slot's database (unitDatabasePeer): each another server instance. */
  peers: pg.Pool[];
  ready: Promise<void>;
  empty: () => Promise<void>;
};
const slots = new Map<string, Slot>();

/**
 * The database `slot` of this worker (VITEST_POOL_ID), emptied, for one test or one file: made
 * from the template when the worker first asks for it. The emptying runs in the background; every
 * way into the pool (connect(), which the pool's own query() calls with a callback, and query())
 * waits for it, so the caller need not (createTestDb() is synchronous).
 */
export function unitDatabase(clusterUrl: string, slot: string): AsyncDb {
  let entry = slots.get(slot);
  if (!entry) {
    const name = `unit_${process.env.VITEST_POOL_ID ?? process.pid}_${slot}`;
    const created = admin(clusterUrl, `create database ${name} template ${TEMPLATE} strategy file_copy`).catch((error: { code?: string }) => {
      if (error.code !== '42P04') throw error; // it exists: an earlier file of this worker made it
    });
    const url = databaseUrl(clusterUrl, name);
    const pgDb = openPostgres(url);
    const pool = pgDb.$client;
    const connect = pool.connect.bind(pool) as { (): Promise<pg.PoolClient> };
    const made: Slot = {
      db: asyncPostgresOver(pgDb),
      pool,
      url,
      peers: [],
      ready: created,
      empty: async () => {
        await created;
        const client = await connect();
        try {
          await client.query(EMPTY);
        } finally {
          client.release();
        }
      },
    };
    waitForSlot(pool, made);
    entry = made;
    slots.set(slot, entry);
  }
  // After the slot's earlier emptying (a test may take a database and never use it): one at a
  // time, or a late one would empty the database under the next test.
  const ready = entry.ready.catch(() => {}).then(entry.empty);
  // A failure is reported through the first query; keep it from being unhandled meanwhile.
  ready.catch(() => {});
  entry.ready = ready;
  return entry.db;
}

/** Every way into the pool (connect(), which the pool's own query() calls with a callback, and query()) waits for the slot's emptying. */
function waitForSlot(pool: pg.Pool, slot: Slot): void {
  type Callback = (...args: unknown[]) => void;
  const connect = pool.connect.bind(pool) as { (): Promise<pg.PoolClient>; (callback: Callback): void };
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  Object.assign(pool, {
    connect: (callback?: Callback) =>
      callback ? void slot.ready.then(() => connect(callback), callback) : slot.ready.then(() => connect()),
    query: async (...args: unknown[]) => (await slot.ready, query(...args)),
  });
}

/**
 * Another connection pool on the database of `db` (one unitDatabase() returned), as a second
 * server instance on the same PostgreSQL has: for tests of races between instances. Like the
 * slot's own pool it waits for the slot's emptying, and it is closed with the file's pools.
 */
export function unitDatabasePeer(db: AsyncDb): AsyncDb {
  const slot = [...slots.values()].find((s) => s.db === db);
  if (!slot) throw new Error('unitDatabasePeer: not a database of this file (unitDatabase)');
  const pgDb = openPostgres(slot.url);
  waitForSlot(pgDb.$client, slot);
  slot.peers.push(pgDb.$client);
  return asyncPostgresOver(pgDb);
}

/** Closes this file's pools once their emptying is done (the databases stay, for the worker's next file). */
export async function closeUnitDatabases(): Promise<void> {
  const closing = [...slots.values()];
  slots.clear();
  await Promise.allSettled(closing.map((slot) => slot.ready));
  await Promise.all(closing.flatMap((slot) => [slot.pool, ...slot.peers]).map((pool) => pool.end()));
}

function databaseUrl(clusterUrl: string, name: string): string {
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin(clusterUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: clusterUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
