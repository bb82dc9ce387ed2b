import { is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterEach, describe, expect, it } from 'vitest';
import { asyncPostgresOver, asyncSqliteOver } from './async';
import { openDatabase } from './client';
import { openPostgres } from './postgres';
import * as sqliteSchema from './schema';
import * as pgSchema from './schema.pg';
import * as tables from './tables';

// The schema facade: which engine's tables it holds, and the check at open.

afterEach(() => tables.useEngine('sqlite'));

describe('engineOf', () => {
  it.each([
    ['postgres://u:p@db:5432/portcullis', 'postgres'],
    ['postgresql://db/portcullis', 'postgres'],
    [' POSTGRES://db/portcullis ', 'postgres'],
    ['./data/portcullis.db', 'sqlite'],
    ['file:./data/portcullis.db', 'sqlite'],
    [':memory:', 'sqlite'],
    ['', 'sqlite'],
    [undefined, 'sqlite'],
  ] as const)('%s: %s', (url, engine) => {
    expect(tables.engineOf(url)).toBe(engine);
  });
});

describe('the facade', () => {
  const tableNames = Object.keys(sqliteSchema).filter((name) => is(sqliteSchema[name as keyof typeof sqliteSchema], SQLiteTable));

  it('holds every table of db/schema.ts, as SQLite tables by default (DATABASE_URL is unset in tests)', () => {
    expect(tableNames.length).toBeGreaterThan(20);
    expect(tables.currentEngine()).toBe('sqlite');
    for (const name of tableNames) expect(tables[name as keyof typeof tables], name).toBe(sqliteSchema[name as keyof typeof sqliteSchema]);
  });

  it("holds PostgreSQL's own tables after useEngine('postgres'), seen through the live bindings", () => {
    tables.useEngine('postgres');
    expect(tables.currentEngine()).toBe('postgres');
    for (const name of tableNames) {
      expect(is(tables[name as keyof typeof tables], PgTable), name).toBe(true);
      expect(tables[name as keyof typeof tables], name).toBe(pgSchema[name as keyof typeof pgSchema]);
    }
  });
});

describe('the engine check when a database is opened', () => {
  it('refuses SQLite while the facade holds the PostgreSQL tables', () => {
    tables.useEngine('postgres');
    expect(() => asyncSqliteOver(openDatabase(':memory:'))).toThrow(/Opening sqlite, but db\/tables.ts holds the postgres tables/);
  });

  it('refuses PostgreSQL while the facade holds the SQLite tables', async () => {
    // A pool connects at its first query: none is made here.
    const pg = openPostgres('postgres://nobody@127.0.0.1:1/none');
    try {
      expect(() => asyncPostgresOver(pg)).toThrow(/Opening postgres, but db\/tables.ts holds the sqlite tables/);
      tables.useEngine('postgres');
      expect(asyncPostgresOver(pg)).toBe(pg);
    } finally {
      await pg.$client.end();
    }
  });
});
