import { createHash } from 'node:crypto';
import { asc, getTableColumns, is, sql, TransactionRollbackError, type SQL } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, PgTable, type PgColumn } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteTable, type SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from './client';
import { migratePostgres, type PgDb } from './postgres';
import { tablesOf } from './schema-drift';
import * as pgSchema from './schema.pg';
import * as sqliteSchema from './schema';

// `npm run admin -- copy-to-postgres` (issue 17): copies the SQLite database into an empty
// PostgreSQL database and verifies the copy. Rows are read through the SQLite schema and written
// through the PostgreSQL one, so drizzle converts what the engines store differently (integer
// 0/1 to boolean, JSON text to jsonb); ids are kept as they are.
//
// All or nothing: the copy and its verification run in one PostgreSQL transaction, which is
// rolled back when a row is refused or a checksum differs, so the target is left as empty as it
// was. The SQLite side is read in one read transaction: with WAL, a server that keeps writing
// meanwhile does not change what is copied (a consistent snapshot).

/** Rows per INSERT and per read: a big audit log is never one giant statement or one array. */
export const COPY_BATCH_ROWS = 500;

export type TableCopy = {
  table: string;
  /** Rows read from SQLite, and rows read back from PostgreSQL after the copy. */
  sourceRows: number;
  targetRows: number;
  /** SHA-256 (hex) over the rows in primary-key order, computed alike on both sides (canonicalRow). */
  sourceChecksum: string;
  targetChecksum: string;
  match: boolean;
};

export type CopyResult = {
  tables: TableCopy[];
  /** True when every table matched and the transaction committed; false: rolled back, target unchanged. */
  committed: boolean;
};

/** The copy was refused before anything was written (a target that is not empty). */
export class CopyRefusedError extends Error {}

type TablePair = { name: string; sqlite: SQLiteTable; pg: PgTable };

/**
 * Every application table, each SQLite table with its PostgreSQL mirror, parents before the
 * tables whose foreign keys name them (so inserts in this order never point at a missing row).
 */
export function tablesInCopyOrder(): TablePair[] {
  const sqlite = tablesOf(sqliteSchema, (v): v is SQLiteTable => is(v, SQLiteTable), (t) => sqliteTableConfig(t).name);
  const pg = tablesOf(pgSchema, (v): v is PgTable => is(v, PgTable), (t) => pgTableConfig(t).name);
  const ordered: TablePair[] = [];
  const placed = new Set<string>();
  const visit = (name: string, path: string[]) => {
    if (placed.has(name)) return;
    if (path.includes(name)) throw new Error(`foreign keys form a cycle: ${[...path, name].join(' → ')}`);
    const table = pg.get(name)!;
    for (const key of pgTableConfig(table).foreignKeys) {
      const parent = pgTableConfig(key.reference().foreignTable).name;
      if (parent !== name) visit(parent, [...path, name]);
    }
    const mirror = sqlite.get(name);
    // db/schema-drift.test.ts holds the two schemas to the same tables; this guards the copy anyway.
    if (!mirror) throw new Error(`table ${name} is in db/schema.pg.ts but not in db/schema.ts`);
    ordered.push({ name, sqlite: mirror, pg: table });
    placed.add(name);
  };
  for (const name of [...pg.keys()].sort()) visit(name, []);
  return ordered;
}

/** A table's primary-key columns, by SQL name, in key order (a single column or a composite key). */
export function primaryKeyNames(config: { columns: { name: string; primary: boolean }[]; primaryKeys: { columns: { name: string }[] }[] }) {
  const single = config.columns.filter((c) => c.primary).map((c) => c.name);
  return single.length > 0 ? single : config.primaryKeys[0]!.columns.map((c) => c.name);
}

/**
 * A row as the checksum sees it: the row as drizzle returns it (booleans as booleans, JSON
 * parsed, null as null) as JSON with the keys sorted at every level, because jsonb keeps keys in
 * an order of its own and SQLite's JSON text keeps them as written. Equal data, equal text.
 */
export function canonicalRow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalRow).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object)
      .filter((key) => object[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalRow(object[key])}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

type Row = Record<string, unknown>;
type Orderable = SQL | SQLiteColumn | PgColumn;
/** One page of a table: the rows after `after` (all when undefined) in `orderBy` order, at most `limit`. */
type Page = (after: SQL | undefined, orderBy: SQL[], limit: number) => Promise<Row[]> | Row[];

/**
 * Reads a table in primary-key order, batch by batch, by key ("after the last key seen") rather
 * than by OFFSET, which would rescan the skipped rows on every batch; hands each batch to `each`
 * (the copy writes it) and returns the row count and the SHA-256 over the canonical rows.
 * `keys` are the key's columns of that engine's table, each as its engine orders it.
 */
async function readHashed(
  keys: { key: string; order: Orderable }[],
  page: Page,
  batchRows: number,
  each: (batch: Row[]) => Promise<void> = async () => {},
): Promise<{ rows: number; checksum: string }> {
  const hash = createHash('sha256');
  let rows = 0;
  let after: SQL | undefined;
  for (;;) {
    const batch = await page(after, keys.map((k) => asc(k.order as SQL)), batchRows);
    await each(batch);
    for (const row of batch) hash.update(`${canonicalRow(row)}\n`);
    rows += batch.length;
    if (batch.length < batchRows) return { rows, checksum: hash.digest('hex') };
    const last = batch.at(-1)!;
    // A row value comparison, (a, b) > (x, y): both engines order it like ORDER BY a, b.
    const columns = sql.join(keys.map((k) => k.order), sql`, `);
    const values = sql.join(keys.map((k) => sql`${last[k.key]}`), sql`, `);
    after = sql`(${columns}) > (${values})`;
  }
}

/** A table's primary-key columns as readHashed takes them: JavaScript key, and how to order by it. */
function keysOf<C extends SQLiteColumn | PgColumn>(table: SQLiteTable | PgTable, names: string[], order: (column: C) => Orderable) {
  const columns = Object.entries(getTableColumns(table)) as [string, C][];
  return names.map((name) => {
    const [key, column] = columns.find(([, c]) => c.name === name)!;
    return { key, order: order(column) };
  });
}

/**
 * PostgreSQL orders text by the database's collation, which need not be byte order (en_US
 * puts "B" after "a"); SQLite orders by bytes. "C" is byte order, so both sides read the
 * rows, and hash them, in the same order.
 */
const byteOrder = (column: PgColumn): Orderable => (column.dataType === 'string' ? sql`${column} collate "C"` : column);

/**
 * What PostgreSQL said about a refused INSERT, without drizzle's "Failed query" text, which
 * lists every value of the batch: password hashes, TOTP secrets and SP private keys included.
 */
function refusal(error: unknown): string {
  const cause = (error as { cause?: { message?: string; detail?: string } }).cause;
  if (!cause?.message) return 'PostgreSQL refused the rows';
  return cause.detail ? `${cause.message} (${cause.detail})` : cause.message;
}

/**
 * Copies every table of `source` (SQLite) into `target` (PostgreSQL), migrating the target
 * first. Throws CopyRefusedError when an application table of the target has rows; any other
 * error (a row PostgreSQL refuses, a lost connection) rolls the whole copy back and is thrown.
 * A checksum or count that differs also rolls back; the result says which table differed.
 */
export async function copyToPostgres({
  source,
  target,
  batchRows = COPY_BATCH_ROWS,
}: {
  source: Db;
  target: PgDb;
  batchRows?: number;
}): Promise<CopyResult> {
  const tables = tablesInCopyOrder();
  const sqlite = source.$client;
  // One read transaction on SQLite: its snapshot is fixed at the first read, here, before
  // anything is awaited, and kept until the end, across the awaits of the PostgreSQL side. A
  // deferred BEGIN that only reads never takes the write lock: the server keeps writing.
  sqlite.exec('BEGIN DEFERRED');
  try {
    sqlite.prepare('select count(*) from sqlite_master').get();
    await migratePostgres(target);
    let result: CopyResult = { tables: [], committed: false };
    await target
      .transaction(async (tx) => {
        for (const { name, pg } of tables) {
          const [row] = await tx.select({ one: sql`1` }).from(pg).limit(1);
          if (row) {
            throw new CopyRefusedError(
              `The PostgreSQL database is not empty: table "${name}" has rows. copy-to-postgres copies into an empty database only; nothing was copied.`,
            );
          }
        }

        const copied: { sourceRows: number; sourceChecksum: string }[] = [];
        for (const table of tables) {
          const keys = keysOf<SQLiteColumn>(table.sqlite, primaryKeyNames(sqliteTableConfig(table.sqlite)), (c) => c);
          const page: Page = (after, orderBy, limit) => source.select().from(table.sqlite).where(after).orderBy(...orderBy).limit(limit).all();
          const { rows, checksum } = await readHashed(keys, page, batchRows, async (batch) => {
            if (batch.length === 0) return;
            await tx
              .insert(table.pg)
              .values(batch as never)
              .catch((error: unknown) => {
                throw new Error(`Copying table "${table.name}" failed: ${refusal(error)}`);
              });
          });
          copied.push({ sourceRows: rows, sourceChecksum: checksum });
        }

        // Identity columns (the audit log's and recovery codes' ids) were given explicit values,
        // which does not move their sequence: start it after the largest id copied, or the next
        // row made on PostgreSQL would collide with a copied one.
        for (const { name, pg } of tables) {
          for (const column of pgTableConfig(pg).columns.filter((c) => c.generatedIdentity !== undefined)) {
            await tx.execute(
              sql`select setval(pg_get_serial_sequence(${name}, ${column.name}), coalesce(max(${sql.identifier(column.name)}), 0) + 1, false) from ${sql.identifier(name)}`,
            );
          }
        }

        // Verification: read everything back through the PostgreSQL schema, inside the same
        // transaction, and hash it the way the source was hashed.
        const verified: TableCopy[] = [];
        for (const [i, table] of tables.entries()) {
          const keys = keysOf<PgColumn>(table.pg, primaryKeyNames(pgTableConfig(table.pg)), byteOrder);
          const page: Page = (after, orderBy, limit) => tx.select().from(table.pg).where(after).orderBy(...orderBy).limit(limit);
          const { rows, checksum } = await readHashed(keys, page, batchRows);
          const { sourceRows, sourceChecksum } = copied[i]!;
          verified.push({
            table: table.name,
            sourceRows,
            targetRows: rows,
            sourceChecksum,
            targetChecksum: checksum,
            match: rows === sourceRows && checksum === sourceChecksum,
          });
        }
        result = { tables: verified, committed: verified.every((t) => t.match) };
        // A copy that does not read back equal is not kept: nothing half-verified is left behind.
        if (!result.committed) tx.rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof TransactionRollbackError)) throw error; // else: the rollback above
      });
    return result;
  } finally {
    sqlite.exec('COMMIT');
  }
}

/**
 * The URL with its password replaced by "***" (in the user-info part and in a `password` query
 * parameter), for anything printed or stored. Not a URL: said so, without echoing it.
 */
export function maskPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString().replaceAll('%2A%2A%2A', '***');
  } catch {
    return '(not a URL)';
  }
}

/** The secrets in a PostgreSQL URL, as written and decoded, to scrub from any message. */
export function postgresUrlSecrets(url: string): string[] {
  try {
    const parsed = new URL(url);
    const secrets = [parsed.password, parsed.searchParams.get('password') ?? ''];
    return [...new Set(secrets.flatMap((s) => [s, decodeURIComponent(s)]))].filter((s) => s.length > 0);
  } catch {
    return [];
  }
}
