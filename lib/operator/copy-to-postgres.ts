import { count } from 'drizzle-orm';
import { copyToPostgres, maskPostgresUrl, postgresUrlSecrets, tablesInCopyOrder, type TableCopy } from '@/db/copy-to-postgres';
import { isSqlite, synchronousSqliteOf } from '@/db/async';
import { openPostgres } from '@/db/postgres';
import { organizations } from '@/db/tables';
import { recordOperatorAudit } from '@/lib/audit/record';
import type { Ctx } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import type { OperatorCall, OperatorOutcome, OperatorPreview } from './call';
import { copyInputSchema } from './schema';

// npm run admin -- copy-to-postgres <postgres-url> (issue 17): copies this installation's SQLite
// database into an empty PostgreSQL database and verifies it, so that an installation can move
// when it outgrows one machine. The copy itself is db/copy-to-postgres.ts; this file shows the
// plan, prints the verification and records the copy in the SQLite database's audit log (the
// copy cannot hold its own record: it is a snapshot taken before the event). The password of the
// URL is never printed or stored: output and audit details carry the URL with "***" instead.

/** Each table's rows in the SQLite database now (the copy takes its own snapshot when it starts). */
async function sourceCounts(ctx: Ctx): Promise<{ table: string; rows: number }[]> {
  return await Promise.all(
    tablesInCopyOrder().map(async ({ name, sqlite }) => {
      const [{ n }] = (await ctx.db.select({ n: count() }).from(sqlite)) as [{ n: number }];
      return { table: name, rows: n };
    }),
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The copy reads a SQLite database: an installation already on PostgreSQL has none to copy. */
function assertOnSqlite(ctx: Ctx): void {
  if (!isSqlite(ctx.db)) {
    throw new AppError('bad_request', 'This installation already runs on PostgreSQL (DATABASE_URL): there is no SQLite database to copy. Use pg_dump to copy one PostgreSQL database to another.');
  }
}

export async function previewCopyToPostgres({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<OperatorPreview> {
  assertOnSqlite(ctx);
  const target = maskPostgresUrl(parseInput(copyInputSchema, input)['postgres-url']);
  const counts = await sourceCounts(ctx);
  const total = counts.reduce((sum, t) => sum + t.rows, 0);
  const nonEmpty = counts.filter((t) => t.rows > 0);
  return {
    lines: [
      `Copy this installation's SQLite database into the PostgreSQL database ${target}:`,
      `  ${plural(total, 'row')} in ${plural(counts.length, 'table')}: ${
        nonEmpty.map((t) => `${t.table} ${t.rows}`).join(', ') || 'all empty'
      }${nonEmpty.length && nonEmpty.length < counts.length ? ` (the other ${counts.length - nonEmpty.length} are empty)` : ''}`,
      '  The PostgreSQL database is migrated first and must be empty. All tables are copied in one transaction',
      '  (all or nothing), then read back and compared table by table: row count and SHA-256 checksum.',
      '  The console keeps running on SQLite: this prepares a move, DATABASE_URL is not changed.',
    ],
    question: `Copy ${plural(total, 'row')} into ${target}?`,
  };
}

/** One line per table: its rows and whether both sides' checksums agree. */
export function verificationLines(tables: TableCopy[]): string[] {
  const width = Math.max(...tables.map((t) => t.table.length));
  return tables.map((t) => {
    const rows = t.sourceRows === t.targetRows ? plural(t.sourceRows, 'row') : `${t.sourceRows} rows in SQLite, ${t.targetRows} in PostgreSQL`;
    const checksum = t.match ? `checksum match (sha256 ${t.sourceChecksum.slice(0, 16)}…)` : 'MISMATCH';
    return `  ${t.table.padEnd(width)}  ${rows.padEnd(10)}  ${checksum}`;
  });
}

export async function operatorCopyToPostgres({ ctx, operator, input }: OperatorCall<unknown>): Promise<OperatorOutcome> {
  assertOnSqlite(ctx);
  const url = parseInput(copyInputSchema, input)['postgres-url'];
  const target = maskPostgresUrl(url);
  const db = openPostgres(url);
  let result;
  try {
    result = await copyToPostgres({ source: synchronousSqliteOf(ctx.db), target: db });
  } finally {
    await db.$client.end();
  }
  const lines = [`Verification of the copy into ${target}:`, ...verificationLines(result.tables)];
  if (!result.committed) {
    const differ = result.tables.filter((t) => !t.match).map((t) => t.table);
    lines.push(`Not copied: ${differ.join(', ')} did not read back equal, so the copy was rolled back and ${target} is as empty as before.`);
    return { changed: false, failed: true, lines };
  }
  const rows = result.tables.reduce((sum, t) => sum + t.sourceRows, 0);
  const organizationIds = (await ctx.db.select({ id: organizations.id }).from(organizations)).map((o) => o.id);
  // In every organization's log: each organization's data, secrets included, now also lives there.
  await recordOperatorAudit(ctx, organizationIds, operator, {
    event: 'operator.database_copied',
    details: { target, tables: result.tables.length, rows },
  });
  lines.push(`Copied and verified ${plural(rows, 'row')} in ${plural(result.tables.length, 'table')}. Recorded in the audit log.`);
  return { changed: true, lines };
}

/** What must never be printed of the command's input: the URL's password, as typed and decoded. */
export function copySecrets(input: Record<string, string>): string[] {
  return postgresUrlSecrets(input['postgres-url'] ?? '');
}
