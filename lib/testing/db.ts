import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, inject } from 'vitest';
import { asyncSqliteOver, sqliteConnectionOf, type AsyncDb } from '@/db/async';
import { openDatabase } from '@/db/client';
import { closeUnitDatabases, unitDatabase, unitDatabasePeer } from '@/db/postgres-unit-databases';
import { currentEngine } from '@/db/tables';

// The unit suite runs on both engines (vitest.config.ts, projects "sqlite" and "postgres"):
// DATABASE_URL names the engine, and each test gets an empty database of its own on it.

let testSlots = 0;
let fileSlots = 0;

/** A fresh, fully migrated database: in memory on SQLite, an emptied one of the worker's on PostgreSQL. */
export function createTestDb(): AsyncDb {
  if (currentEngine() === 'postgres') {
    // Made inside a test (or its beforeEach): a slot for this test; in a beforeAll or at the top
    // of the file, one that lasts the file.
    const slot = expect.getState().currentTestName !== undefined ? `t${testSlots++}` : `f${fileSlots++}`;
    return unitDatabase(inject('postgresClusterUrl'), slot);
  }
  return asyncSqliteOver(openDatabase(':memory:'));
}

/**
 * The database createTestDb() made, as another server instance reaches it, for tests of races
 * between instances: on PostgreSQL a connection pool of its own on the same database (so its
 * transactions run beside the first pool's, as two instances' do); on SQLite the same database,
 * since one process keeps one connection and its lock serializes the transactions.
 */
export function anotherInstance(db: AsyncDb): AsyncDb {
  return currentEngine() === 'postgres' ? unitDatabasePeer(db) : db;
}

/** After each test on PostgreSQL: the next test's databases are the same ones, emptied. */
export function testEnded(): void {
  testSlots = 0;
}

/** After each file on PostgreSQL: close its connections. */
export async function fileEnded(): Promise<void> {
  testSlots = 0;
  fileSlots = 0;
  await closeUnitDatabases();
}

/**
 * A fresh, fully migrated SQLite database in a file of its own (WAL mode, as the server runs it),
 * for tests where a second connection or process opens the same file. `remove` closes and deletes it.
 */
export function createTestDbFile(): { db: AsyncDb; file: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-test-'));
  const file = path.join(dir, 'portcullis.db');
  const db = asyncSqliteOver(openDatabase(file));
  return {
    db,
    file,
    remove: () => {
      sqliteConnectionOf(db).close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
