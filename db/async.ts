import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { sql } from 'drizzle-orm';
import { drizzle, type SqliteRemoteDatabase } from 'drizzle-orm/sqlite-proxy';
import { databaseFile, getDb, openDatabase, type Db } from './client';
import { migratePostgres, openPostgres, postgresOnClient, type PgDb } from './postgres';
import * as schema from './schema';
import { currentEngine, engineOf, type Engine } from './tables';

// The asynchronous data layer (issue 17; docs/async-data-layer.md has the design and what the
// spike on branch spike-async found). lib/ sees one database type, AsyncDb: drizzle's
// asynchronous SQLite database, every query a Promise. On SQLite it really is one (drizzle's
// sqlite-proxy driver over our better-sqlite3 connection); on PostgreSQL it is drizzle's
// node-postgres database cast to it. Tables come from db/tables.ts, which holds the running
// engine's own table objects under the SQLite types.

export type AsyncDb = SqliteRemoteDatabase<typeof schema>;

type SqliteState = {
  engine: 'sqlite';
  lock: AsyncLock;
  /** The transaction the current async context runs in, if any (compared with lock.holder). */
  owner: AsyncLocalStorage<symbol>;
};
type PostgresState = { engine: 'postgres'; pg: PgDb };

// What this file knows of the databases it opened lives on globalThis, like getDb()'s
// connection: Next bundles the proxy, route handlers and server actions separately, each with its
// own copy of this module, and all of them must find the one lock of the one connection.
type Registry = {
  /** The databases opened here, and how to run a transaction on each. */
  states: WeakMap<AsyncDb, SqliteState | PostgresState>;
  /** Transaction objects handed to `transaction()`'s callbacks: a transaction on one is a savepoint. */
  transactions: WeakSet<AsyncDb>;
  /** The asynchronous database over each SQLite connection: one per connection, so one lock. */
  overConnection: WeakMap<Database.Database, AsyncDb>;
  synchronousOf: WeakMap<AsyncDb, Db>;
  /** The process-wide PostgreSQL database, once opened (getAsyncDb). */
  postgres?: AsyncDb;
  /** The pool whose transaction the current async context runs in, on PostgreSQL. */
  postgresTransactionOf: AsyncLocalStorage<pg.Pool>;
  /** Told how long each statement took (observeStatements): the metrics' database time. */
  statementObserver?: StatementObserver;
};
const registry: Registry = ((globalThis as { portcullisAsyncDb?: Registry }).portcullisAsyncDb ??= {
  states: new WeakMap(),
  transactions: new WeakSet(),
  overConnection: new WeakMap(),
  synchronousOf: new WeakMap(),
  postgresTransactionOf: new AsyncLocalStorage(),
});
const { states, transactions, overConnection, synchronousOf, postgresTransactionOf } = registry;

/** Called after each statement with its engine and its time in seconds (failed ones too). */
export type StatementObserver = (engine: Engine, seconds: number) => void;

/**
 * Sets the process's one statement observer (scripts/server.ts: the database time histogram of
 * lib/metrics). Kept on the registry, so statements that any bundle's copy of this module runs
 * are seen; db/ imports nothing from lib/, so the metrics come in through here.
 */
export function observeStatements(observer: StatementObserver | undefined): void {
  registry.statementObserver = observer;
}

function timeStatement(engine: Engine, startedAt: bigint): void {
  registry.statementObserver?.(engine, Number(process.hrtime.bigint() - startedAt) / 1e9);
}

function assertEngine(engine: Engine): void {
  // With the other engine's tables, drizzle maps values the wrong way and says nothing until it
  // reads JSON (SQLite's tables JSON.parse PostgreSQL's already parsed jsonb; booleans happen to
  // work). Refuse at open instead.
  if (currentEngine() !== engine) {
    throw new Error(`Opening ${engine}, but db/tables.ts holds the ${currentEngine()} tables (DATABASE_URL decides; tests call useEngine first)`);
  }
}

/**
 * A FIFO mutex for promises: one holder at a time, the others queue in order of arrival. A
 * release hands the lock straight to the next in the queue, so that nobody arriving in between
 * (while the woken waiter has yet to run) can take it too.
 */
export class AsyncLock {
  holder: symbol | null = null;
  private queue: Array<{ who: symbol; resolve: () => void }> = [];

  async acquire(who: symbol): Promise<() => void> {
    if (this.holder === null) this.holder = who;
    else await new Promise<void>((resolve) => this.queue.push({ who, resolve }));
    return () => {
      const next = this.queue.shift();
      this.holder = next ? next.who : null;
      next?.resolve();
    };
  }
}

/**
 * The asynchronous API over an open SQLite connection (getDb()'s, or a test's): the same
 * connection, so its pragmas and migrations are the ones db/client.ts set. Calling this again on
 * the same connection returns the same object, so there is one lock per connection. Use only this
 * API on the connection: a synchronous statement from another request, run between a
 * transaction's awaits, would silently join that transaction (db/ tools like copy-to-postgres
 * run where nothing else does).
 *
 * Each statement runs synchronously inside the proxy callback. While a transaction is open (it
 * holds the lock and may be awaiting something), a statement from any other async context waits
 * for the lock, so it is neither run inside that transaction nor rolled back with it.
 */
export function asyncSqliteOver(sync: Db): AsyncDb {
  assertEngine('sqlite');
  const client = sync.$client;
  const existing = overConnection.get(client);
  if (existing) return existing;
  const state: SqliteState = { engine: 'sqlite', lock: new AsyncLock(), owner: new AsyncLocalStorage<symbol>() };
  const run = statementRunner(client);
  const db = drizzle(
    async (sql, params, method) => {
      const { lock, owner } = state;
      // The fast path (no transaction open, or this context owns it) takes no extra turn.
      if (lock.holder === null || owner.getStore() === lock.holder) return run(sql, params, method);
      const release = await lock.acquire(Symbol('statement'));
      try {
        return run(sql, params, method);
      } finally {
        release();
      }
    },
    { schema },
  );
  states.set(db, state);
  overConnection.set(client, db);
  synchronousOf.set(db, sync);
  return db;
}

/** Runs one statement as sqlite-proxy expects: rows as arrays (raw), `changes` for writes. */
function statementRunner(client: Database.Database) {
  // The gate runs the same few queries on every request: keep the prepared statements by SQL
  // text (preparing costs microseconds, as much as running them). Bounded, in case some caller
  // builds SQL with inlined values.
  const statements = new Map<string, Database.Statement>();
  return (sql: string, params: unknown[], method: 'run' | 'all' | 'values' | 'get') => {
    const startedAt = process.hrtime.bigint();
    try {
      return runStatement(sql, params, method);
    } finally {
      timeStatement('sqlite', startedAt);
    }
  };
  function runStatement(sql: string, params: unknown[], method: 'run' | 'all' | 'values' | 'get') {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size >= 500) statements.clear();
      statement = client.prepare(sql);
      statements.set(sql, statement);
    }
    if (method === 'run' || !statement.reader) return { rows: [], changes: statement.run(...params).changes };
    statement.raw(true);
    return { rows: (method === 'get' ? statement.get(...params) : statement.all(...params)) as unknown[] };
  }
}

/**
 * The process-wide database that liveCtx() hands to lib/, on the engine DATABASE_URL names: over
 * getDb()'s SQLite connection (opened and migrated at first use), or a PostgreSQL pool. Migrate
 * PostgreSQL before the first request with openDatabaseFromEnvironment() (scripts/server.ts does).
 */
export function getAsyncDb(): AsyncDb {
  if (currentEngine() === 'sqlite') return asyncSqliteOver(getDb());
  registry.postgres ??= asyncPostgresOver(openPostgres(process.env.DATABASE_URL!.trim()));
  return registry.postgres;
}

/** Opens the process-wide database and applies pending migrations (on PostgreSQL, one instance at a time). */
export async function openDatabaseFromEnvironment(): Promise<AsyncDb> {
  const db = getAsyncDb();
  const state = states.get(db);
  if (state?.engine === 'postgres') await migratePostgres(state.pg);
  return db;
}

/** Closes the process-wide database (at shutdown, after the server stopped taking requests). */
export async function closeDatabase(): Promise<void> {
  if (registry.postgres) {
    const state = states.get(registry.postgres);
    registry.postgres = undefined;
    if (state?.engine === 'postgres') await state.pg.$client.end();
  }
}

/**
 * Opens the database at `location` for scripts and tests that reach the server's database from
 * another process: a SQLite path or file: URL (opened and migrated), or a postgres:// URL (a pool
 * of its own; the server migrates it). Its engine must be the one db/tables.ts holds.
 */
export function openAsyncDatabase(location: string): AsyncDb {
  if (engineOf(location) === 'postgres') return asyncPostgresOver(openPostgres(location));
  return asyncSqliteOver(openDatabase(databaseFile({ DATABASE_URL: location })));
}

/** Closes a PostgreSQL database opened by openAsyncDatabase: its pool's connections end. */
export async function closePostgres(db: AsyncDb): Promise<void> {
  const state = states.get(db);
  if (state?.engine !== 'postgres') throw new Error('Not a PostgreSQL database opened by db/async.ts');
  await state.pg.$client.end();
}

/**
 * The synchronous drizzle database under an asynchronous SQLite one: for db/ tools that read
 * SQLite directly (copy-to-postgres takes its snapshot in one synchronous read transaction).
 */
export function synchronousSqliteOf(db: AsyncDb): Db {
  const sync = synchronousOf.get(db);
  if (!sync) throw new Error('Not a SQLite database opened by db/async.ts');
  return sync;
}

/** True for a database opened over SQLite here (false for PostgreSQL). */
export function isSqlite(db: AsyncDb): boolean {
  return synchronousOf.has(db);
}

/** The better-sqlite3 connection under an asynchronous SQLite database: for closing it, pragmas, raw reads. */
export function sqliteConnectionOf(db: AsyncDb): Database.Database {
  return synchronousSqliteOf(db).$client;
}

/** Throws unless the database answers a trivial query (for /healthz). */
export async function ping(db: AsyncDb): Promise<void> {
  const state = states.get(db);
  if (state?.engine === 'postgres') await state.pg.execute(sql`select 1`);
  else await db.get(sql`select 1`);
}

/**
 * The asynchronous API on PostgreSQL: the open (and migrated) node-postgres database, cast.
 *
 * Why the cast is safe: drizzle's pg-core and sqlite-core builders answer the same calls
 * (select, insert, update, delete, joins, where, orderBy, limit, returning, onConflictDoNothing,
 * onConflictDoUpdate, prepare/execute, transaction) with the same result shapes, and
 * db/tables.ts gives lib/ the PostgreSQL tables under the SQLite types. What it hides, and what
 * guards each: the SQLite-only executors (.get .all .run .values) do not exist here, so lib/
 * awaits the query (first() for one row), which the executor ban must enforce; the awaited
 * result of a write differs (affectedRows() below); column types match because
 * db/schema-drift.test.ts holds db/schema.pg.ts to db/schema.ts; and db/async.test.ts runs the
 * same queries on both engines.
 */
export function asyncPostgresOver(pg: PgDb): AsyncDb {
  assertEngine('postgres');
  const db = pg as unknown as AsyncDb;
  states.set(db, { engine: 'postgres', pg });
  refuseStatementsInsideOwnTransaction(pg.$client);
  timeStatementsOfPool(pg.$client);
  return db;
}

/**
 * Times every statement on the pool's connections: the pool's own queries and those of
 * transactions alike run through a connection's query(), which each new connection gets wrapped.
 */
function timeStatementsOfPool(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    Object.assign(client, {
      query: (...args: unknown[]) => {
        if (!registry.statementObserver) return query(...args);
        const startedAt = process.hrtime.bigint();
        // The pool's own query() calls this with a callback; drizzle's transactions use the
        // promise form. A cursor (Submittable) is left untimed.
        const callback = args.at(-1);
        if (typeof callback === 'function') {
          return query(...args.slice(0, -1), (...results: unknown[]) => {
            timeStatement('postgres', startedAt);
            return (callback as (...a: unknown[]) => unknown)(...results);
          });
        }
        const result = query(...args);
        if (result instanceof Promise) return result.finally(() => timeStatement('postgres', startedAt));
        return result;
      },
    });
  });
}

/**
 * Makes a statement through the pool itself (not through a transaction's tx) fail while a
 * transaction of the same async context is open on that pool. On SQLite such a statement runs
 * inside the transaction (one connection; the proxy sees it comes from the transaction's
 * context); on PostgreSQL it would take another pooled connection and run outside it, unseen by
 * its checks and kept when it rolls back: a guard's count read there does not guard the write (two
 * super admins could demote each other). Every such statement is a call that was handed the outer
 * ctx instead of inTransaction's, so the unit tests on PostgreSQL find them.
 */
function refuseStatementsInsideOwnTransaction(pool: pg.Pool): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  Object.assign(pool, {
    query: (...args: unknown[]) => {
      if (postgresTransactionOf.getStore() === pool) {
        throw new Error('A statement through the database itself inside its own open transaction: pass the transaction\'s ctx (the one inTransaction hands its callback)');
      }
      return query(...args);
    },
  });
}

/** How many serialization failures in a row a PostgreSQL transaction is retried for. */
export const TRANSACTION_ATTEMPTS = 5;

/**
 * The first key of the advisory locks that transaction()'s `lock` option takes (the second is
 * lockKey() of the lock's name): "txlk" in ASCII. The two-key advisory locks are a key space of
 * their own, apart from the one-key lock of the migrations (db/postgres.ts).
 */
export const TRANSACTION_LOCK_CLASS = 0x74786c6b;

/** A lock name's advisory key: the first 32 bits of its SHA-256 (two names sharing one only wait for each other). */
export function lockKey(name: string): number {
  return createHash('sha256').update(name).digest().readInt32BE(0);
}

export type TransactionOptions = {
  /**
   * A name (say, an organization's id), or several: transactions with a name in common run one
   * after the other, across every instance on the database, and each sees what the one before it
   * committed. For rows that many requests change at once (one organization's policy, one
   * account's failed sign-ins): SERIALIZABLE alone would let them all run, abort all but one
   * with a serialization failure, and after TRANSACTION_ATTEMPTS rounds fail the requests left.
   * Ignored on SQLite, where every transaction already runs alone, and inside a transaction (a
   * savepoint cannot wait before the snapshot its transaction took).
   */
  lock?: string | readonly string[];
};

/**
 * Runs `work` in one transaction on either engine; pass `tx` (as ctx.db) to everything inside.
 *
 * SQLite: BEGIN IMMEDIATE ... COMMIT behind the in-process lock, so transactions with awaits
 * inside run one after the other; statements of other async contexts wait (see
 * asyncSqliteOver). Keep slow awaits (hashing, fetch, mail) outside: every statement of the
 * process waits while one is open.
 *
 * PostgreSQL: a pooled connection of its own, SERIALIZABLE, so that a read-then-write ends as one
 * serial order would (what BEGIN IMMEDIATE gives on SQLite). When PostgreSQL aborts it as a
 * serialization failure (40001) or a deadlock (40P01) it runs again, up to TRANSACTION_ATTEMPTS
 * times: `work` must hold nothing but database work. With `options.lock`, the connection first
 * waits for that named lock (see TransactionOptions).
 *
 * Called with a transaction's `tx`, it opens a savepoint inside that transaction (both engines).
 */
export async function transaction<T>(db: AsyncDb, work: (tx: AsyncDb) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const inner = (tx: unknown) => {
    transactions.add(tx as AsyncDb);
    return work(tx as AsyncDb);
  };
  if (transactions.has(db)) return db.transaction(inner);
  const state = states.get(db);
  if (!state) throw new Error('Not a database opened by db/async.ts');
  if (state.engine === 'postgres') {
    const pool = state.pg.$client;
    // As on SQLite below: a transaction of the root database inside its own open transaction is
    // a call handed the outer ctx; here it would run beside it, on another connection.
    if (postgresTransactionOf.getStore() === pool) throw new Error('transaction() inside a transaction: pass its tx');
    const { lock } = options;
    return await postgresTransactionOf.run(pool, () =>
      lock === undefined
        ? retried(() => state.pg.transaction(inner, { isolationLevel: 'serializable' }))
        : underAdvisoryLock(state.pg, lock, (pg) => retried(() => pg.transaction(inner, { isolationLevel: 'serializable' }))),
    );
  }
  const { lock, owner } = state;
  // The root database from inside its own open transaction would wait for itself forever.
  if (lock.holder !== null && owner.getStore() === lock.holder) throw new Error('transaction() inside a transaction: pass its tx');
  const me = Symbol('transaction');
  const release = await lock.acquire(me);
  try {
    return await owner.run(me, () => db.transaction(inner, { behavior: 'immediate' }));
  } finally {
    release();
  }
}

/** Runs a PostgreSQL transaction again on a serialization failure or a deadlock, up to TRANSACTION_ATTEMPTS times. */
async function retried<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const code = errorCode(error);
      if ((code !== '40001' && code !== '40P01') || attempt >= TRANSACTION_ATTEMPTS) throw error;
      // A short random pause, so that the transactions that collided do not collide again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
  }
}

/**
 * Runs `work` on one pooled connection that holds the advisory locks named, taken before the
 * transaction begins. Not pg_advisory_xact_lock inside the transaction: a SERIALIZABLE
 * transaction takes its snapshot at its first statement, the one that would wait for the lock,
 * so it would then read the row as it was before the holder it waited for committed, and fail
 * with a serialization error at its write. Session locks before BEGIN wait first, and the
 * snapshot is taken after. Several are taken in the order of their keys, the same order in every
 * transaction, so two cannot wait for each other. PostgreSQL queues the waiters and releases the
 * locks if the connection dies.
 */
async function underAdvisoryLock<T>(pg: PgDb, names: string | readonly string[], work: (pg: ReturnType<typeof postgresOnClient>) => Promise<T>): Promise<T> {
  const keys = [...new Set([names].flat().map(lockKey))].sort((a, b) => a - b);
  const client = await pg.$client.connect();
  let healthy = false;
  const taken: number[] = [];
  try {
    try {
      for (const key of keys) {
        await client.query('select pg_advisory_lock($1, $2)', [TRANSACTION_LOCK_CLASS, key]);
        taken.push(key);
      }
      return await work(postgresOnClient(client));
    } finally {
      for (const key of taken.reverse()) await client.query('select pg_advisory_unlock($1, $2)', [TRANSACTION_LOCK_CLASS, key]);
      healthy = true;
    }
  } finally {
    // A connection that may still hold a lock (an unlock failed) is closed, which releases it.
    client.release(!healthy);
  }
}

/** The first row of a query, or undefined: `.get()` for both engines. Add `.limit(1)` to the query. */
export async function first<T>(query: PromiseLike<T[]>): Promise<T | undefined> {
  return (await query)[0];
}

/** The row an insert returned (`.returning()`), or an update that must match one: throws when there is none. */
export async function single<T>(query: PromiseLike<T[]>): Promise<T> {
  const [row] = await query;
  if (row === undefined) throw new Error('Expected the statement to return a row');
  return row;
}

/**
 * How many rows an awaited insert, update or delete changed: `changes` on SQLite, `rowCount` on
 * PostgreSQL. Prefer `.returning({ id })` and counting the rows, which is the same on both
 * engines; this is for the writes where that is awkward.
 */
export function affectedRows(result: unknown): number {
  const { changes, rowCount } = result as { changes?: number; rowCount?: number | null };
  const n = changes ?? rowCount;
  if (typeof n !== 'number') throw new Error('Not the result of a write');
  return n;
}

/** The driver's error code: drizzle wraps driver errors (DrizzleQueryError) and keeps them as `cause`. */
function errorCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

/**
 * True if the database refused a duplicate key: a unique index or a primary key
 * (SQLITE_CONSTRAINT_UNIQUE or _PRIMARYKEY on SQLite, 23505 on PostgreSQL, which does not tell
 * the two apart).
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}
