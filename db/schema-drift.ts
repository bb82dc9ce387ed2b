import { is, SQL } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, PgDialect, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, SQLiteSyncDialect, SQLiteTable } from 'drizzle-orm/sqlite-core';

// Compares db/schema.ts (SQLite) with db/schema.pg.ts (PostgreSQL), used by
// db/schema-drift.test.ts. Each table is described as facts in words both dialects share
// ("users.column email: notNull" → "true"); two schemas agree when their facts are equal, and
// each fact that differs is one line of the answer.

type Facts = Map<string, string>;
type Dialect = 'SQLite' | 'PostgreSQL';

// The type families that mean the same to lib/ on both engines. Anything else keeps its own
// drizzle name, and so differs from whatever the other side has.
const FAMILIES: Record<string, string> = {
  SQLiteText: 'text',
  PgText: 'text',
  SQLiteInteger: 'integer',
  PgInteger: 'integer',
  // bigint read as a JavaScript number; PgBigInt64 (read as a bigint) is not lib/'s integer.
  PgBigInt53: 'integer',
  SQLiteBoolean: 'boolean',
  PgBoolean: 'boolean',
  SQLiteTextJson: 'json',
  PgJsonb: 'json',
};

type AnyConfig = ReturnType<typeof sqliteTableConfig> | ReturnType<typeof pgTableConfig>;
type AnyColumn = AnyConfig['columns'][number];

/** A default as text both sides spell alike: `sql\`'[]'\`` and `[]::jsonb` and the value [] all read `[]`. */
function defaultText(value: unknown, render: (sql: SQL) => string): string {
  if (is(value, SQL)) {
    return render(value)
      .replace(/::[a-z ]+$/i, '')
      .replace(/^'(.*)'$/s, '$1');
  }
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

function describe(config: AnyConfig, dialect: Dialect, render: (sql: SQL) => string): Facts {
  const facts: Facts = new Map();
  const table = config.name;
  const fact = (key: string, value: string) => facts.set(`${table}.${key}`, value);
  const names = (columns: { name: string }[]) => `(${columns.map((c) => c.name).join(', ')})`;

  fact('columns', config.columns.map((c) => c.name).join(', '));
  const primary: string[] = [];
  for (const column of config.columns as AnyColumn[]) {
    const at = `column ${column.name}`;
    fact(`${at}: type`, FAMILIES[column.columnType] ?? column.columnType);
    fact(`${at}: notNull`, String(column.notNull));
    fact(`${at}: default`, column.default === undefined ? '(none)' : defaultText(column.default, render));
    fact(`${at}: default in code`, String(column.defaultFn !== undefined));
    fact(`${at}: enum`, column.enumValues?.join(', ') ?? '(none)');
    const autoIncrement =
      dialect === 'SQLite' ? (column as { autoIncrement?: boolean }).autoIncrement === true : column.generatedIdentity !== undefined;
    fact(`${at}: autoIncrement`, String(autoIncrement));
    if (column.primary) primary.push(column.name);
    if (column.isUnique) fact(`unique ${column.uniqueName}`, `(${column.name})`);
  }
  for (const key of config.primaryKeys) primary.push(...key.columns.map((c) => c.name));
  fact('primary key', `(${primary.join(', ')})`);
  for (const unique of config.uniqueConstraints) fact(`unique ${unique.getName()}`, names(unique.columns));
  for (const { config: index } of config.indexes) {
    const columns = names(index.columns as { name: string }[]);
    const where = index.where ? ` where ${render(index.where)}` : '';
    fact(`index ${index.name}`, `${index.unique ? 'unique ' : ''}${columns}${where}`);
  }
  for (const key of config.foreignKeys) {
    const { columns, foreignTable, foreignColumns } = key.reference();
    const target = dialect === 'SQLite' ? sqliteTableConfig(foreignTable as SQLiteTable).name : pgTableConfig(foreignTable as PgTable).name;
    fact(
      `foreign key ${names(columns)}`,
      `→ ${target}${names(foreignColumns)} on delete ${key.onDelete ?? 'no action'} on update ${key.onUpdate ?? 'no action'}`,
    );
  }
  return facts;
}

const sqliteDialect = new SQLiteSyncDialect();
const pgDialect = new PgDialect();

export function sqliteFacts(table: SQLiteTable): Facts {
  return describe(sqliteTableConfig(table), 'SQLite', (sql) => sqliteDialect.sqlToQuery(sql).sql);
}

export function pgFacts(table: PgTable): Facts {
  return describe(pgTableConfig(table), 'PostgreSQL', (sql) => pgDialect.sqlToQuery(sql).sql);
}

function compareFacts(sqlite: Facts, pg: Facts): string[] {
  const differences: string[] = [];
  for (const key of new Set([...sqlite.keys(), ...pg.keys()])) {
    const a = sqlite.get(key);
    const b = pg.get(key);
    if (a === b) continue;
    if (b === undefined) differences.push(`${key}: only in SQLite (${a})`);
    else if (a === undefined) differences.push(`${key}: only in PostgreSQL (${b})`);
    else differences.push(`${key}: SQLite ${a}, PostgreSQL ${b}`);
  }
  return differences;
}

/** The differences between one SQLite table and its PostgreSQL mirror; empty when they agree. */
export function compareTables(sqlite: SQLiteTable, pg: PgTable): string[] {
  return compareFacts(sqliteFacts(sqlite), pgFacts(pg));
}

/** The tables a schema module exports, by SQL name. */
export function tablesOf<T>(module: Record<string, unknown>, isTable: (value: unknown) => value is T, nameOf: (table: T) => string) {
  const tables = new Map<string, T>();
  for (const value of Object.values(module)) if (isTable(value)) tables.set(nameOf(value), value);
  return tables;
}

/** The differences between two schema modules (every exported table), table by table. */
export function compareSchemas(sqliteModule: Record<string, unknown>, pgModule: Record<string, unknown>): string[] {
  const sqlite = tablesOf(sqliteModule, (v): v is SQLiteTable => is(v, SQLiteTable), (t) => sqliteTableConfig(t).name);
  const pg = tablesOf(pgModule, (v): v is PgTable => is(v, PgTable), (t) => pgTableConfig(t).name);
  const differences: string[] = [];
  for (const name of new Set([...sqlite.keys(), ...pg.keys()])) {
    const a = sqlite.get(name);
    const b = pg.get(name);
    if (!b) differences.push(`table ${name}: only in SQLite`);
    else if (!a) differences.push(`table ${name}: only in PostgreSQL`);
    else differences.push(...compareTables(a, b));
  }
  return differences;
}
