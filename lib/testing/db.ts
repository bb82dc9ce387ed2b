import { openDatabase, type Db } from '@/db/client';

/** A fresh, fully migrated in-memory database: each test gets its own, nothing leaks between them. */
export function createTestDb(): Db {
  return openDatabase(':memory:');
}
