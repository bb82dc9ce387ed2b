import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asyncSqliteOver, sqliteConnectionOf, type AsyncDb } from '@/db/async';
import { openDatabase } from '@/db/client';

/** A fresh, fully migrated in-memory database: each test gets its own, nothing leaks between them. */
export function createTestDb(): AsyncDb {
  return asyncSqliteOver(openDatabase(':memory:'));
}

/**
 * A fresh, fully migrated database in a file of its own (WAL mode, as the server runs it), for
 * tests where a second connection or process opens the same file. `remove` closes and deletes it.
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
