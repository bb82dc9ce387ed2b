import { sql } from 'drizzle-orm';
import * as pg from 'drizzle-orm/pg-core';
import * as lite from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as sqliteSchema from './schema';
import * as pgSchema from './schema.pg';
import { compareSchemas, compareTables, pgFacts, sqliteFacts } from './schema-drift';

describe('db/schema.ts and db/schema.pg.ts', () => {
  it('describe the same tables, columns, keys, indexes and constraints', () => {
    expect(compareSchemas(sqliteSchema, pgSchema)).toEqual([]);
  });

  it('are compared on what matters: a few facts read the same on both sides', () => {
    const sqlite = sqliteFacts(sqliteSchema.organizations);
    const postgres = pgFacts(pgSchema.organizations);
    const expected: [string, string][] = [
      ['organizations.column ip_allowlist: type', 'json'],
      ['organizations.column ip_allowlist: default', '[]'],
      ['organizations.column saml_enabled: type', 'boolean'],
      ['organizations.column saml_enabled: default', 'true'],
      ['organizations.column tier: default', 'business'],
      ['organizations.unique organizations_account_id_unique', '(account_id)'],
    ];
    for (const [key, value] of expected) {
      expect([key, sqlite.get(key)]).toEqual([key, value]);
      expect([key, postgres.get(key)]).toEqual([key, value]);
    }
    expect(sqliteFacts(sqliteSchema.domains).get('domains.index domains_verified_name_idx')).toBe(
      "unique (domain_name) where state = 'verified'",
    );
    expect(pgFacts(pgSchema.auditEvents).get('audit_events.column id: autoIncrement')).toBe('true');
    expect(pgFacts(pgSchema.memberships).get('memberships.primary key')).toBe('(organization_id, user_id)');
  });
});

// A small table pair that agrees, and PostgreSQL versions of it that drift in one way each.
const liteOwners = lite.sqliteTable('owners', { id: lite.text('id').primaryKey() });
const pgOwners = pg.pgTable('owners', { id: pg.text('id').primaryKey() });

const liteThings = lite.sqliteTable(
  'things',
  {
    id: lite.integer('id').primaryKey({ autoIncrement: true }),
    ownerId: lite.text('owner_id').notNull().references(() => liteOwners.id, { onDelete: 'cascade' }),
    code: lite.text('code').notNull().unique(),
    note: lite.text('note'),
    enabled: lite.integer('enabled', { mode: 'boolean' }).notNull().default(true),
    tags: lite.text('tags', { mode: 'json' }).notNull().default(sql`'[]'`),
  },
  (t) => [lite.index('things_owner_idx').on(t.ownerId), lite.uniqueIndex('things_note_idx').on(t.note).where(sql`note <> ''`)],
);

type PgThingsOptions = {
  withNote?: boolean;
  noteNotNull?: boolean;
  ownerIndex?: boolean;
  onDelete?: 'cascade' | 'set null';
  tags?: 'jsonb' | 'text';
  enabledDefault?: boolean;
  codeUnique?: boolean;
  idMode?: 'number' | 'bigint';
};

function pgThings(options: PgThingsOptions = {}) {
  const { withNote = true, noteNotNull = false, ownerIndex = true, onDelete = 'cascade', tags = 'jsonb' } = options;
  const note = noteNotNull ? pg.text('note').notNull() : pg.text('note');
  const code = pg.text('code').notNull();
  const columns: Record<string, pg.PgColumnBuilderBase> = {
    id: pg.bigint('id', { mode: options.idMode ?? 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    ownerId: pg.text('owner_id').notNull().references(() => pgOwners.id, { onDelete }),
    code: options.codeUnique === false ? code : code.unique(),
    ...(withNote ? { note } : {}),
    enabled: pg.boolean('enabled').notNull().default(options.enabledDefault ?? true),
    tags: tags === 'jsonb' ? pg.jsonb('tags').notNull().default([]) : pg.text('tags').notNull().default('[]'),
  };
  return pg.pgTable('things', columns, (t) => [
    ...(ownerIndex ? [pg.index('things_owner_idx').on(t.ownerId!)] : []),
    ...(withNote ? [pg.uniqueIndex('things_note_idx').on(t.note!).where(sql`note <> ''`)] : []),
  ]);
}

describe('compareTables', () => {
  it('finds nothing between a table and a faithful mirror', () => {
    expect(compareTables(liteThings, pgThings())).toEqual([]);
  });

  it.each<[string, PgThingsOptions, string[]]>([
    [
      'a missing column',
      { withNote: false },
      [
        'things.columns: SQLite id, owner_id, code, note, enabled, tags, PostgreSQL id, owner_id, code, enabled, tags',
        'things.column note: type: only in SQLite (text)',
        'things.column note: notNull: only in SQLite (false)',
        'things.column note: default: only in SQLite ((none))',
        'things.column note: default in code: only in SQLite (false)',
        'things.column note: enum: only in SQLite ((none))',
        'things.column note: autoIncrement: only in SQLite (false)',
        "things.index things_note_idx: only in SQLite (unique (note) where note <> '')",
      ],
    ],
    ['a nullability change', { noteNotNull: true }, ['things.column note: notNull: SQLite false, PostgreSQL true']],
    ['a dropped index', { ownerIndex: false }, ['things.index things_owner_idx: only in SQLite ((owner_id))']],
    [
      'a different onDelete',
      { onDelete: 'set null' },
      [
        'things.foreign key (owner_id): SQLite → owners(id) on delete cascade on update no action, PostgreSQL → owners(id) on delete set null on update no action',
      ],
    ],
    ['JSON kept as text', { tags: 'text' }, ['things.column tags: type: SQLite json, PostgreSQL text']],
    ['a different default', { enabledDefault: false }, ['things.column enabled: default: SQLite true, PostgreSQL false']],
    ['a dropped unique constraint', { codeUnique: false }, ['things.unique things_code_unique: only in SQLite ((code))']],
    ['a bigint that lib/ would read as a BigInt', { idMode: 'bigint' }, ['things.column id: type: SQLite integer, PostgreSQL PgBigInt64']],
  ])('names %s', (_, options, expected) => {
    expect(compareTables(liteThings, pgThings(options))).toEqual(expected);
  });

  it('names the column order when only the order differs', () => {
    const pgSwapped = pg.pgTable('owners_b', { b: pg.text('b'), a: pg.text('a') });
    const liteAb = lite.sqliteTable('owners_b', { a: lite.text('a'), b: lite.text('b') });
    expect(compareTables(liteAb, pgSwapped)).toEqual(['owners_b.columns: SQLite a, b, PostgreSQL b, a']);
  });
});

describe('compareSchemas', () => {
  it('names a table that one schema lacks', () => {
    expect(compareSchemas({ liteOwners, liteThings }, { pgOwners })).toEqual(['table things: only in SQLite']);
    expect(compareSchemas({ liteOwners }, { pgOwners, things: pgThings() })).toEqual(['table things: only in PostgreSQL']);
  });
});
