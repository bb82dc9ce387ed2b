import path from 'node:path';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema.pg';

// Everything PostgreSQL-specific (driver, pool, migration lock) stays in this file, as the
// SQLite side does in db/client.ts (issue 17). lib/ does not use it yet: that needs the
// asynchronous data layer.

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

const migrationsFolder = path.join(process.cwd(), 'db', 'migrations-pg');

/**
 * The key of the session advisory lock that serializes migrations: any fixed number, the same in
 * every instance (0x706f7274 is "port" in ASCII). Nothing else in the database may use it.
 */
export const MIGRATION_LOCK_KEY = 0x706f7274;

/** A connection pool to the database at `url` (postgres://user:password@host:port/db). */
export function openPostgres(url: string): PgDb {
  const pool = new pg.Pool({ connectionString: url });
  // An idle connection that drops (a database restart, a failover) is reported here; without a
  // listener it would end the process. The pool opens a new connection at the next query.
  pool.on('error', (error) => console.error('PostgreSQL connection lost:', error.message));
  return drizzle(pool, { schema });
}

/** The database on one connection taken from a pool (its transactions run on that connection). */
export function postgresOnClient(client: pg.PoolClient): NodePgDatabase<typeof schema> {
  return drizzle(client, { schema });
}

/**
 * Applies pending migrations from db/migrations-pg/. When several instances start at once, one
 * migrates and the others wait on the advisory lock, then find nothing left to do: drizzle's
 * migrator reads which migrations ran before it starts its transaction, so two of them at once
 * would both apply the same migration.
 */
export async function migratePostgres(db: PgDb): Promise<void> {
  // An advisory lock belongs to the session that took it: take it, migrate and release it on one
  // connection, not through the pool (which could hand each query another connection).
  const client = await db.$client.connect();
  try {
    await client.query('select pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle(client), { migrationsFolder });
    } finally {
      await client.query('select pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    // Closed rather than returned to the pool: should the unlock have failed, closing the
    // session still releases the lock.
    client.release(true);
  }
}
