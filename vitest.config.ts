import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

// The unit suite runs twice (issue 17): on SQLite (every test) and on PostgreSQL (every test of
// lib/ that uses a database, through createTestDb/testCtx; see lib/testing/db.ts). DATABASE_URL
// chooses the engine of db/tables.ts; the PostgreSQL project's real address comes from its global
// setup, which starts one throwaway cluster (scripts/postgres.sh) for the run.
const include = ['lib/**/*.test.ts', 'db/**/*.test.ts', 'scripts/**/*.test.ts'];

/** lib/ tests that reach a database through the test helpers, and nothing SQLite-only. */
function databaseTests(): string[] {
  const root = path.join(import.meta.dirname, 'lib');
  return fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => path.join('lib', file))
    .filter((file) => {
      const text = fs.readFileSync(file, 'utf8');
      const usesDatabase = /@\/lib\/testing\/(seed|db)'/.test(text) || /from '\.\/(seed|db)'/.test(text);
      // A file of its own, a second connection, the driver itself: what only SQLite has.
      const sqliteOnly = /testCtxInFile|createTestDbFile|sqliteConnectionOf|synchronousSqliteOf|better-sqlite3|openDatabase\(/.test(text);
      return usesDatabase && !sqliteOnly;
    });
}

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    environment: 'node',
    // argon2 hashing makes a few tests take a second or two on a busy 2-core machine.
    testTimeout: 20_000,
    projects: [
      { extends: true, test: { name: 'sqlite', include } },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: databaseTests(),
          env: { DATABASE_URL: 'postgres://unit-tests.invalid/' },
          globalSetup: ['lib/testing/postgres-unit-setup.ts'],
          setupFiles: ['lib/testing/postgres-each-file.ts'],
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
