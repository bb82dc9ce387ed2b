import type { Env } from '@/lib/env';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema';

// Everything SQLite-specific (driver, pragmas, migrator) stays in this file, so that another
// driver can be added beside it without touching lib/.

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export const DEFAULT_DATABASE_FILE = './data/portcullis.db';

const migrationsFolder = path.join(process.cwd(), 'db', 'migrations');

/** Opens (creating if needed) the SQLite file, sets the pragmas and applies pending migrations. */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new Database(file);
  // WAL lets readers (the console) run while a writer commits; the busy timeout makes a second
  // process (tests seeding the file, a backup) wait instead of failing with SQLITE_BUSY.
  if (file !== ':memory:') sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  const db = drizzle(sqlite, { schema });
  // Transactions take the write lock when they begin (BEGIN IMMEDIATE), waiting out the busy
  // timeout if another connection holds it. A deferred transaction that reads and then writes
  // fails at once with SQLITE_BUSY, without waiting, when another connection (a second process,
  // a backup, the tests' seeding) committed in between: SQLite cannot turn a read snapshot that
  // is no longer the latest into a write.
  const deferred = db.transaction.bind(db);
  db.transaction = ((run, config) => deferred(run, { behavior: 'immediate', ...config })) as typeof db.transaction;
  migrate(db, { migrationsFolder });
  return db;
}

/** The database file named by DATABASE_URL (a path, or a `file:` URL). */
export function databaseFile(env: Env = process.env): string {
  const url = env.DATABASE_URL?.trim();
  if (!url) return DEFAULT_DATABASE_FILE;
  return url.startsWith('file:') ? url.slice('file:'.length) : url;
}

const globalForDb = globalThis as unknown as { portcullisDb?: Db };

/**
 * The process-wide connection. Kept on globalThis because Next bundles route handlers, the
 * proxy and server actions separately; they all share one connection per process.
 */
export function getDb(): Db {
  globalForDb.portcullisDb ??= openDatabase(databaseFile());
  return globalForDb.portcullisDb;
}
