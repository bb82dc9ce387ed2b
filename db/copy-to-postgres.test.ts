import { asc, count, eq, getTableColumns, sql } from 'drizzle-orm';
import { getTableConfig as pgTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { recordAudit } from '@/lib/audit/record';
import { iso, type Ctx } from '@/lib/context';
import { seedIdentityProvider } from '@/lib/testing/domains';
import { addMember, seedOrganizationWithAdmin, seedTotp, setUserFields } from '@/lib/testing/members';
import { seedToken, testCtxInFile } from '@/lib/testing/seed';
import { first, openAsyncDatabase, sqliteConnectionOf, synchronousSqliteOf } from './async';
import { canonicalRow, copyToPostgres, CopyRefusedError, maskPostgresUrl, postgresUrlSecrets, primaryKeyNames, tablesInCopyOrder } from './copy-to-postgres';
import { migratePostgres, type PgDb } from './postgres';
import { useTestPostgres } from './postgres-test-cluster';
import * as pgSchema from './schema.pg';
import * as schema from './schema';

// On a real PostgreSQL (one cluster for this file, a fresh database per test) and a real SQLite
// file seeded through lib/'s helpers.

const { freshDatabase, open } = useTestPostgres('copy');

/** An installation with something in every kind of column: booleans both ways, JSON, nulls, unicode, identity ids. */
async function seedInstallation(ctx: Ctx) {
  const { organization: acme, admin } = await seedOrganizationWithAdmin(ctx, { name: 'Acme Ærø', adminEmail: 'admin@acme.test' });
  const { organization: globex } = await seedOrganizationWithAdmin(ctx, { name: 'Globex', adminEmail: 'admin@globex.test', adminPasswordHash: null });
  await ctx.db
    .update(schema.organizations)
    .set({ samlEnabled: false, twoFactorRequired: true, ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'] })
    .where(eq(schema.organizations.id, acme.id));
  const bob = await addMember(ctx, acme.id, { email: 'bob@acme.test' });
  await setUserFields(ctx, bob.id, { realName: 'Bob "Bobby" Tables 🐘', managingOrganizationId: acme.id, lastActivityTime: iso(ctx.now) });
  const robot = await addMember(ctx, acme.id, { email: 'robot@acme.test', passwordHash: null });
  await setUserFields(ctx, robot.id, { isApplicationUser: true });
  await seedTotp(ctx, admin.id);
  await seedTotp(ctx, bob.id, { confirmed: false });
  await ctx.db.insert(schema.recoveryCodes).values([
    { userId: admin.id, codeHash: 'h1' },
    { userId: admin.id, codeHash: 'h2', usedTime: iso(ctx.now) },
  ]);
  await seedToken(ctx, admin.id, { scopes: ['user:read', 'projects'], ipAllowlist: ['192.0.2.0/24'], maxAgeSeconds: 3600, extendWhenUsed: true });
  await seedToken(ctx, robot.id, { kind: 'application', description: '' });
  const idp = await seedIdentityProvider(ctx, acme.id, { name: 'Okta' });
  await ctx.db
    .update(schema.authenticationMethods)
    .set({ samlFieldMapping: { email: 'mail', real_name: null }, samlIdpLoginAllowed: true })
    .where(eq(schema.authenticationMethods.id, idp.id));
  await seedIdentityProvider(ctx, globex.id, { name: 'Disabled', enabled: false });
  const now = iso(ctx.now);
  await ctx.db.insert(schema.domains).values([
    { id: 'dom1', organizationId: acme.id, domainName: 'acme.test', challengeToken: 'c1', state: 'verified', verifiedTime: now, lastCheckTime: now,
      // Keys in an order jsonb will not keep: the checksum must not care.
      lastCheckResult: { z: 1, a: { y: [true, null, 1.5], b: 'x' } }, createTime: now },
    { id: 'dom2', organizationId: globex.id, domainName: 'globex.test', challengeToken: 'c2', createTime: now },
  ]);
  await ctx.db.insert(schema.domainAuthenticationMethods).values({ domainId: 'dom1', methodId: idp.id, createTime: now });
  await ctx.db.insert(schema.organizationUnits).values({ id: 'a0unit', organizationId: acme.id, name: 'Payments', createTime: now, updateTime: now });
  // Ids whose byte order differs from a dictionary's ("pB" before "pa"): both sides must agree.
  await ctx.db.insert(schema.projects).values([
    { id: 'pB', name: 'acme-prod', organizationId: acme.id, unitId: 'a0unit', createdByUserId: admin.id, techEmails: ['ops@acme.test'], createTime: now, updateTime: now },
    { id: 'pa', name: 'side', createdByUserId: bob.id, createTime: now, updateTime: now },
  ]);
  await ctx.db.insert(schema.services).values({
    id: 's1', projectId: 'pB', name: 'kafka-1', serviceType: 'kafka', plan: 'business-4',
    userConfig: { kafka: { sasl_oauthbearer_sub_claim_name: 'sub' }, ip_filter: ['0.0.0.0/0'] }, createTime: now, updateTime: now,
  });
  await ctx.db.insert(schema.instanceSettings).values({ key: 'nextauth_secret', value: 'secret' });
  // More audit events than one batch holds.
  for (let i = 0; i < 1_100; i++) {
    await recordAudit(ctx, { event: 'auth.sign_in', organizationId: i % 3 === 0 ? null : acme.id, actorUserId: admin.id, ip: '192.0.2.1', details: { n: i, method: 'password', nested: { ok: i % 2 === 0 } } });
  }
  return { acme, admin, bob };
}

const pairs = tablesInCopyOrder();

/** Every row of every table, in key order, as drizzle reads them (SQLite side). */
async function sqliteRows(ctx: Ctx) {
  const entries = await Promise.all(pairs.map(async ({ name, sqlite }) => [name, await ctx.db.select().from(sqlite).orderBy(...keyOrder(sqlite))] as const));
  return Object.fromEntries(entries);
}

async function postgresRows(db: PgDb) {
  const entries = await Promise.all(pairs.map(async ({ name, pg }) => [name, await db.select().from(pg).orderBy(...keyOrder(pg, true))] as const));
  return Object.fromEntries(entries);
}

/** Primary-key columns (byte order on PostgreSQL, as SQLite orders text). */
function keyOrder(table: SQLiteTable | PgTable, pg = false) {
  const names = primaryKeyNames(pg ? pgTableConfig(table as PgTable) : sqliteTableConfig(table as SQLiteTable));
  const columns = Object.values(getTableColumns(table));
  return names.map((name) => {
    const column = columns.find((c) => c.name === name)!;
    return pg && column.dataType === 'string' ? sql`${column} collate "C"` : sql`${column}`;
  });
}

async function postgresCounts(db: PgDb) {
  const counts: Record<string, number> = {};
  for (const { name, pg } of pairs) counts[name] = (await db.select({ n: count() }).from(pg))[0]!.n;
  return counts;
}

describe('copyToPostgres', () => {
  it('copies every table, keeps ids, types and nulls, and verifies counts and checksums', async () => {
    const ctx = testCtxInFile();
    const { acme, bob } = await seedInstallation(ctx);
    const target = open(await freshDatabase());

    const result = await copyToPostgres({ source: synchronousSqliteOf(ctx.db), target });

    expect(result.committed).toBe(true);
    expect(result.tables.map((t) => t.table).sort()).toEqual(pairs.map((p) => p.name).sort());
    for (const table of result.tables) {
      expect(table, table.table).toMatchObject({ match: true, targetRows: table.sourceRows, targetChecksum: table.sourceChecksum });
      expect(table.sourceChecksum).toMatch(/^[0-9a-f]{64}$/);
    }
    const byName = Object.fromEntries(result.tables.map((t) => [t.table, t]));
    expect(byName.audit_events!.sourceRows).toBe(1_100);
    expect(byName.users!.sourceRows).toBe(4);
    // Parents before children: every foreign key points at a table copied earlier.
    const order = result.tables.map((t) => t.table);
    for (const { name, pg } of pairs) {
      for (const key of pgTableConfig(pg).foreignKeys) expect(order.indexOf(pgTableConfig(key.reference().foreignTable).name)).toBeLessThan(order.indexOf(name));
    }

    // Read back through the other schema, every row is equal to the source's.
    const source = await sqliteRows(ctx);
    const copied = await postgresRows(target);
    for (const { name } of pairs) expect({ name, rows: copied[name] }).toEqual({ name, rows: source[name] });
    expect(copied.projects!.map((p) => p.id)).toEqual(['pB', 'pa']);

    // And stored as PostgreSQL types, not as SQLite's integers and text.
    const { rows } = await target.$client.query(
      `select saml_enabled, two_factor_required, jsonb_typeof(ip_allowlist) as list from organizations where id = $1`,
      [acme.id],
    );
    expect(rows).toEqual([{ saml_enabled: false, two_factor_required: true, list: 'array' }]);
    const user = (await target.select().from(pgSchema.users).where(eq(pgSchema.users.id, bob.id)))[0]!;
    expect(user).toMatchObject({ realName: 'Bob "Bobby" Tables 🐘', managingOrganizationId: acme.id, emailVerifiedTime: null, isApplicationUser: false });
    const domain = (await target.select().from(pgSchema.domains).where(eq(pgSchema.domains.id, 'dom1')))[0]!;
    expect(domain.lastCheckResult).toEqual({ z: 1, a: { y: [true, null, 1.5], b: 'x' } });
    expect((await target.select().from(pgSchema.domains).where(eq(pgSchema.domains.id, 'dom2')))[0]!.lastCheckResult).toBeNull();
    // The SQLite read transaction is over.
    expect(sqliteConnectionOf(ctx.db).inTransaction).toBe(false);
  });

  it('reads text keys in byte order, as SQLite does, whatever the target database sorts by', async () => {
    const ctx = testCtxInFile();
    await seedInstallation(ctx);
    // A dictionary order puts "pa" before "pB"; SQLite and the copy put "pB" first.
    const target = open(await freshDatabase({ icuLocale: 'en-US' }));
    const { rows } = await target.$client.query("select x from (values ('pB'), ('pa')) v(x) order by x");
    expect(rows.map((r) => r.x)).toEqual(['pa', 'pB']);
    const result = await copyToPostgres({ source: synchronousSqliteOf(ctx.db), target, batchRows: 1_000 });
    expect(result.tables.filter((t) => !t.match)).toEqual([]);
    expect(result.committed).toBe(true);
    // One row per page: each page starts after the last key, compared in byte order too.
    const paged = open(await freshDatabase({ icuLocale: 'en-US' }));
    await ctx.db.delete(schema.auditEvents);
    expect((await copyToPostgres({ source: synchronousSqliteOf(ctx.db), target: paged, batchRows: 1 })).committed).toBe(true);
    expect((await postgresRows(paged)).projects!.map((p) => p.id)).toEqual(['pB', 'pa']);
  });

  it('starts each identity after the largest id copied, so new rows do not collide', async () => {
    const ctx = testCtxInFile();
    const { acme, admin } = await seedInstallation(ctx);
    const target = open(await freshDatabase());
    await copyToPostgres({ source: synchronousSqliteOf(ctx.db), target });
    const lastAudit = (await first(ctx.db.select({ id: schema.auditEvents.id }).from(schema.auditEvents).orderBy(sql`id desc`).limit(1)))!.id;
    const [event] = await target.insert(pgSchema.auditEvents).values({ time: iso(ctx.now), organizationId: acme.id, event: 'auth.sign_out' }).returning();
    expect(event!.id).toBe(lastAudit + 1);
    const [code] = await target.insert(pgSchema.recoveryCodes).values({ userId: admin.id, codeHash: 'h3' }).returning();
    expect(code!.id).toBe(3);
  });

  it('refuses a target where any application table has rows, naming it, and changes nothing', async () => {
    const ctx = testCtxInFile();
    await seedInstallation(ctx);
    const target = open(await freshDatabase());
    await migratePostgres(target);
    // A table no other table depends on, checked after several empty ones.
    await target.insert(pgSchema.instanceSettings).values({ key: 'left', value: 'over' });
    const error = await copyToPostgres({ source: synchronousSqliteOf(ctx.db), target }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CopyRefusedError);
    expect((error as Error).message).toBe(
      'The PostgreSQL database is not empty: table "instance_settings" has rows. copy-to-postgres copies into an empty database only; nothing was copied.',
    );
    const counts = await postgresCounts(target);
    expect(counts).toEqual(Object.fromEntries(pairs.map((p) => [p.name, p.name === 'instance_settings' ? 1 : 0])));

    // A second copy over a first one is refused too, and leaves the first copy as it was.
    const second = open(await freshDatabase());
    await copyToPostgres({ source: synchronousSqliteOf(ctx.db), target: second });
    const before = await postgresRows(second);
    await expect(copyToPostgres({ source: synchronousSqliteOf(ctx.db), target: second })).rejects.toThrow('table "organizations" has rows');
    expect(await postgresRows(second)).toEqual(before);
    expect(sqliteConnectionOf(ctx.db).inTransaction).toBe(false);
  });

  it('a row PostgreSQL refuses half way rolls the whole copy back', async () => {
    const ctx = testCtxInFile();
    await seedInstallation(ctx);
    // A service of a project that does not exist: SQLite lets it in with foreign keys off,
    // PostgreSQL refuses it when the services table comes, after the others were copied.
    sqliteConnectionOf(ctx.db).pragma('foreign_keys = OFF');
    const now = iso(ctx.now);
    await ctx.db.insert(schema.services).values({ id: 's2', projectId: 'gone', name: 'orphan', serviceType: 'kafka', plan: 'x', createTime: now, updateTime: now });
    sqliteConnectionOf(ctx.db).pragma('foreign_keys = ON');
    const target = open(await freshDatabase());
    const error = (await copyToPostgres({ source: synchronousSqliteOf(ctx.db), target }).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      'Copying table "services" failed: insert or update on table "services" violates foreign key constraint "services_project_id_projects_id_fk" (Key (project_id)=(gone) is not present in table "projects".)',
    );
    expect(Object.values(await postgresCounts(target)).every((n) => n === 0)).toBe(true);
    expect(sqliteConnectionOf(ctx.db).inTransaction).toBe(false);
  });

  it('rolls back when a table does not read back equal, and says which', async () => {
    const ctx = testCtxInFile();
    await seedInstallation(ctx);
    const target = open(await freshDatabase());
    await migratePostgres(target);
    // Something on the server that changes rows as they come in (a trigger someone left there).
    await target.$client.query(`
      create function rename_org() returns trigger language plpgsql as $$ begin new.name := new.name || '!'; return new; end $$;
      create trigger rename_org before insert on organizations for each row execute function rename_org();`);
    const result = await copyToPostgres({ source: synchronousSqliteOf(ctx.db), target });
    expect(result.committed).toBe(false);
    expect(result.tables.filter((t) => !t.match).map((t) => t.table)).toEqual(['organizations']);
    const organizations = result.tables.find((t) => t.table === 'organizations')!;
    expect(organizations.targetRows).toBe(organizations.sourceRows);
    expect(organizations.targetChecksum).not.toBe(organizations.sourceChecksum);
    expect(Object.values(await postgresCounts(target)).every((n) => n === 0)).toBe(true);
  });

  it('copies one snapshot while the server keeps writing to the SQLite file', async () => {
    const ctx = testCtxInFile();
    const { acme } = await seedInstallation(ctx);
    const file = sqliteConnectionOf(ctx.db).name;
    const server = openAsyncDatabase(file);
    const before = (await first(ctx.db.select({ n: count() }).from(schema.auditEvents).limit(1)))!.n;
    const target = open(await freshDatabase());
    let writes = 0;
    let copying = true;
    // The snapshot is taken when the copy starts; then the "server", another connection, writes
    // audit events all through the copy.
    // Small batches: many awaits for the writer to slip into, and keys paged past (composite keys too).
    const copy = copyToPostgres({ source: synchronousSqliteOf(ctx.db), target, batchRows: 3 }).finally(() => (copying = false));
    while (copying) {
      await recordAudit({ db: server, now: ctx.now }, { event: 'auth.sign_in', organizationId: acme.id, details: { during: ++writes } });
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const result = await copy;
    sqliteConnectionOf(server).close();
    expect(writes).toBeGreaterThan(5);
    expect(result.committed).toBe(true);
    expect(result.tables.find((t) => t.table === 'audit_events')!.sourceRows).toBe(before);
    expect((await postgresCounts(target)).audit_events).toBe(before);
    const copied = await postgresRows(target);
    const source = await sqliteRows(ctx);
    for (const { name } of pairs.filter((p) => p.name !== 'audit_events')) expect({ name, rows: copied[name] }).toEqual({ name, rows: source[name] });
    expect(copied.memberships!.length).toBeGreaterThan(3);
    expect((await first(ctx.db.select({ n: count() }).from(schema.auditEvents).limit(1)))!.n).toBe(before + writes);
  });
});

describe('canonicalRow', () => {
  it('is the same text whatever the key order, and differs when a value does', () => {
    expect(canonicalRow({ b: 1, a: { y: [{ q: 1, p: null }], x: true } })).toBe(canonicalRow({ a: { x: true, y: [{ p: null, q: 1 }] }, b: 1 }));
    expect(canonicalRow({ a: true })).not.toBe(canonicalRow({ a: 1 }));
    expect(canonicalRow({ a: null })).not.toBe(canonicalRow({ a: 'null' }));
    expect(canonicalRow({ a: [1, 2] })).not.toBe(canonicalRow({ a: [2, 1] }));
  });
});

describe('maskPostgresUrl', () => {
  it.each([
    ['postgres://app:s3cr%40t@db.example.test:5432/portcullis', 'postgres://app:***@db.example.test:5432/portcullis'],
    ['postgresql://app@db.example.test/portcullis', 'postgresql://app@db.example.test/portcullis'],
    ['postgres://db.example.test/p?user=app&password=hunter2&sslmode=require', 'postgres://db.example.test/p?user=app&password=***&sslmode=require'],
    ['not a url', '(not a URL)'],
  ])('%s', (url, masked) => expect(maskPostgresUrl(url)).toBe(masked));

  it('lists the password as written and decoded, for scrubbing messages', () => {
    expect(postgresUrlSecrets('postgres://app:s3cr%40t@h/p?password=x')).toEqual(['s3cr%40t', 's3cr@t', 'x']);
    expect(postgresUrlSecrets('postgres://app@h/p')).toEqual([]);
  });
});
