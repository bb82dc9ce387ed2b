import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { bulkInsertUsersAndTokens, type BulkToken } from '@/db/bulk';
import { openAsyncDatabase, sqliteConnectionOf, synchronousSqliteOf, type AsyncDb } from '@/db/async';
import { openDatabase } from '@/db/client';
import { copyToPostgres } from '@/db/copy-to-postgres';
import { openPostgres } from '@/db/postgres';
import { authenticationMethods, externalIdentities, organizations, samlCertificates } from '@/db/schema';
import { iso, type Ctx } from '@/lib/context';
import { newAuthenticationMethodId, newRowId } from '@/lib/ids';
import { parseCertificate } from '@/lib/identity-providers/certificate';
import { generateSpKeyPair } from '@/lib/identity-providers/manage';
import { insertMembership, insertOrganization } from '@/lib/model/organizations';
import { insertUser } from '@/lib/model/users';
import { createToken } from '@/lib/tokens/create';
import { TOKEN_MARKER } from '@/lib/tokens/token';
import type { TestIdp } from '@/lib/testing/saml-idp';

// The databases `npm run bench` measures, seeded once on SQLite and copied into PostgreSQL with
// copy-to-postgres, so that both engines hold the same rows:
// - small: an organization with a 100-CIDR allowlist, its super admin with 10 tokens (one with
//   an allowlist of its own), a SAML identity provider, and a second user with 1,000 tokens for
//   the console page;
// - large: the same organization and super admin, plus 100,000 members with 10 tokens each.
// The large one takes minutes to make (25 s on SQLite, 3 min to copy into PostgreSQL), so both
// its forms are kept under bench/cache/ and made again only when what they are made from changes.

export type SmallSeed = {
  file: string;
  accountId: string;
  organizationId: string;
  /** The member with 1,000 tokens. */
  pageUserId: string;
  /** The super admin's personal token with its own allowlist. */
  apiToken: string;
  /** All 10 of the super admin's personal tokens (apiToken first): the gate figures send each in turn. */
  apiTokens: string[];
  /** Session tokens (the console's cookie) of the super admin and of the user with 1,000 tokens. */
  adminSession: string;
  pageUserSession: string;
  samlMethodId: string;
};

export type LargeSeed = {
  file: string;
  apiToken: string;
  /**
   * 10,000 of the members' tokens, one of every tenth member: the scale figure sends each in
   * turn, so that its lookups reach all over the tables and indexes as real traffic would, and
   * not one hot token whose pages stay in SQLite's cache.
   */
  sampleTokens: string[];
  tokens: number;
  users: number;
  bytes: number;
  /** How long seeding took when it was done (not this run's time when the seed came from the cache). */
  seconds: number;
  /** The seed came from bench/cache/. */
  cached: boolean;
};

/** 100 CIDRs for the organization, the one that admits 127.0.0.1 last, so all are checked. */
function organizationAllowlist(): string[] {
  const list = Array.from({ length: 99 }, (_, i) => (i % 2 ? `10.${i}.0.0/16` : `2001:db8:${i.toString(16)}::/48`));
  return [...list, '127.0.0.0/8'];
}

function session(ctx: Ctx, userId: string, description: string) {
  return createToken({
    ctx,
    input: { userId, kind: 'session', authMethod: 'password', description, createdManually: false, maxAgeSeconds: 86_400, extendWhenUsed: false },
  });
}

/** An organization with a 100-CIDR allowlist and a super admin with a token that has its own allowlist. */
async function seedBase(db: AsyncDb, passwordHash: string) {
  const ctx: Ctx = { db, now: new Date() };
  const organization = await insertOrganization(ctx, { name: 'Bench' });
  await db.update(organizations).set({ ipAllowlist: organizationAllowlist() }).where(eq(organizations.id, organization.id));
  const user = await insertUser(ctx, { email: 'bench@example.test', passwordHash });
  await insertMembership(ctx, { organizationId: organization.id, userId: user.id, isSuperAdmin: true });
  const { fullToken } = await createToken({
    ctx,
    input: {
      userId: user.id,
      kind: 'personal',
      authMethod: 'password',
      description: 'bench',
      createdManually: true,
      maxAgeSeconds: null,
      extendWhenUsed: false,
      ipAllowlist: ['192.0.2.0/24', '2001:db8::/32', '127.0.0.1/32'],
    },
  });
  return { organization, user, fullToken, ctx };
}

function fakeTokens(userId: string, count: number, now: string): (BulkToken & { secret: string })[] {
  return Array.from({ length: count }, () => {
    const secret = TOKEN_MARKER + randomBytes(32).toString('base64url');
    return {
      id: randomBytes(12).toString('hex'),
      userId,
      tokenHash: createHash('sha256').update(secret).digest('hex'),
      tokenPrefix: secret.slice(0, 16),
      createTime: now,
      secret,
    };
  });
}

/** The member with 1,000 tokens, whose page the bench opens. */
const PAGE_USER_ID = 'ubenchpage';

const second = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** An enabled identity provider of the organization, IdP-initiated sign-in allowed, with `userId` linked to it. */
async function seedIdentityProvider(db: AsyncDb, organizationId: string, userId: string, idp: TestIdp) {
  const ctx: Ctx = { db, now: new Date() };
  const id = newAuthenticationMethodId();
  const sp = await generateSpKeyPair(id);
  const parsed = parseCertificate(idp.certificate, ctx.now);
  if (!parsed.ok) throw new Error(parsed.reason);
  const now = iso(ctx.now);
  await db
    .insert(authenticationMethods)
    .values({ id, organizationId, name: 'Bench IdP', type: 'saml', enabled: true, samlIdpUrl: 'http://127.0.0.1:9/sso', samlEntityId: idp.entityId, samlIdpLoginAllowed: true, spPrivateKey: sp.privateKey, spCertificate: sp.certificate, createTime: now, updateTime: now });
  const { pem, subject, issuer, notBefore, notAfter } = parsed.certificate;
  await db.insert(samlCertificates).values({ id: newRowId(), methodId: id, pem, subject, issuer, notBefore, notAfter, createTime: now });
  await db.insert(externalIdentities).values({ id: newRowId(), userId, provider: `saml:${id}`, subject: 'bench@example.test', email: 'bench@example.test', createTime: now });
  return id;
}

export async function seedSmall(file: string, passwordHash: string, idp: TestIdp): Promise<SmallSeed> {
  const db = openAsyncDatabase(file);
  const base = await seedBase(db, passwordHash);
  const samlMethodId = await seedIdentityProvider(db, base.organization.id, base.user.id, idp);
  const now = second();
  bulkInsertUsersAndTokens(synchronousSqliteOf(db), base.organization.id, [
    { user: { id: PAGE_USER_ID, email: 'page@example.test', createTime: now }, tokens: fakeTokens(PAGE_USER_ID, 1000, now) },
  ]);
  // Nine more tokens of the super admin: "10 tokens in the database" for the small case.
  const apiTokens = [base.fullToken];
  for (let i = 0; i < 9; i++) {
    const { fullToken } = await createToken({
      ctx: base.ctx,
      input: { userId: base.user.id, kind: 'personal', authMethod: 'password', description: `extra ${i}`, createdManually: true, maxAgeSeconds: null, extendWhenUsed: false },
    });
    apiTokens.push(fullToken);
  }
  const pageUserSession = (await session({ db, now: new Date() }, PAGE_USER_ID, 'bench page')).fullToken;
  const adminSession = (await session({ db, now: new Date() }, base.user.id, 'bench admin')).fullToken;
  sqliteConnectionOf(db).pragma('wal_checkpoint(TRUNCATE)');
  sqliteConnectionOf(db).close();
  return { file, accountId: base.organization.accountId, organizationId: base.organization.id, pageUserId: PAGE_USER_ID, apiToken: base.fullToken, apiTokens, adminSession, pageUserSession, samlMethodId };
}

async function seedLarge(file: string, passwordHash: string, users: number, tokensPerUser: number): Promise<LargeSeed> {
  const db = openAsyncDatabase(file);
  const base = await seedBase(db, passwordHash);
  const started = Date.now();
  const now = second();
  const sampleTokens: string[] = [];
  for (let batch = 0; batch < users; batch += 5000) {
    const rows = Array.from({ length: Math.min(5000, users - batch) }, (_, i) => {
      const id = `ub${(batch + i).toString(36).padStart(8, '0')}`;
      const tokens = fakeTokens(id, tokensPerUser, now);
      if ((batch + i) % 10 === 0) sampleTokens.push(tokens[(batch + i) % tokensPerUser]!.secret);
      return { user: { id, email: `${id}@example.test`, createTime: now }, tokens };
    });
    bulkInsertUsersAndTokens(synchronousSqliteOf(db), base.organization.id, rows);
  }
  const connection = sqliteConnectionOf(db);
  connection.pragma('wal_checkpoint(TRUNCATE)');
  const tokens = (connection.prepare('SELECT count(*) AS n FROM tokens').get() as { n: number }).n;
  connection.close();
  return { file, apiToken: base.fullToken, sampleTokens, tokens, users: users + 1, bytes: fs.statSync(file).size, seconds: Math.round((Date.now() - started) / 1000), cached: false };
}

/**
 * What a cached seed is made from: the migrations of both engines, this file, the bulk insert,
 * and the size asked for. Any change makes another key, and the seed is made again.
 */
function seedKey(root: string, parameters: object): string {
  const hash = createHash('sha256').update(JSON.stringify(parameters));
  const files = ['db/migrations', 'db/migrations-pg'].flatMap((dir) =>
    fs.readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' }).map((name) => path.join(dir, name)),
  );
  for (const file of [...files, 'scripts/bench/seed.ts', 'db/bulk.ts'].sort()) {
    const full = path.join(root, file);
    if (fs.statSync(full).isFile()) hash.update(file).update(fs.readFileSync(full));
  }
  return hash.digest('hex').slice(0, 16);
}

/** Removes the cache's files of other keys: one large seed is 360 MB on SQLite. */
function dropOtherSeeds(cacheDir: string, keep: string) {
  for (const name of fs.readdirSync(cacheDir)) {
    if (name.startsWith('large-') && !name.startsWith(`large-${keep}`)) fs.rmSync(path.join(cacheDir, name), { force: true });
  }
}

/**
 * The large SQLite seed from `cacheDir`, made there first when it is missing or stale. Its
 * token never expires, so a cached seed stays usable; callers copy the file before serving it.
 */
export async function cachedLargeSeed(root: string, cacheDir: string, passwordHash: string, users: number, tokensPerUser: number): Promise<LargeSeed> {
  fs.mkdirSync(cacheDir, { recursive: true });
  const key = seedKey(root, { users, tokensPerUser });
  const file = path.join(cacheDir, `large-${key}.db`);
  const about = `${file}.json`;
  if (fs.existsSync(file) && fs.existsSync(about)) {
    return { ...(JSON.parse(fs.readFileSync(about, 'utf8')) as Omit<LargeSeed, 'file' | 'cached'>), file, cached: true };
  }
  dropOtherSeeds(cacheDir, key);
  // Made under another name and renamed when complete: a run killed halfway leaves no seed that looks whole.
  const making = path.join(cacheDir, `large-${key}.making.db`);
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(making + suffix, { force: true });
  const seed = await seedLarge(making, passwordHash, users, tokensPerUser);
  fs.renameSync(making, file);
  // JSON leaves out the undefined fields: the file's place and `cached` are decided when read.
  fs.writeFileSync(about, `${JSON.stringify({ ...seed, file: undefined, cached: undefined }, null, 2)}\n`);
  return { ...seed, file };
}

/** `url` with another database name: the large database beside the cluster's own. */
function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Debian's PostgreSQL programs (pg_dump, pg_restore), the newest installed. */
function postgresBin(name: string): string {
  const versions = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b)) : [];
  const found = versions.map((v) => path.join('/usr/lib/postgresql', v, 'bin', name)).filter((f) => fs.existsSync(f)).at(-1);
  if (!found) throw new Error(`${name} not found under /usr/lib/postgresql`);
  return found;
}

async function createDatabase(url: string, name: string) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
}

/**
 * Copies a seeded SQLite file into the database at `url` (created when `create`), with
 * copy-to-postgres, which also checks every table's rows against the source, then VACUUM
 * ANALYZE, so that autovacuum does not wake up in the middle of a measurement. With `dump`, a
 * pg_dump file of the result: restored from when it exists (seconds rather than minutes for a
 * million tokens), written after the copy when it does not.
 */
export async function copyIntoPostgres(file: string, url: string, { create, dump }: { create?: string; dump?: string } = {}): Promise<{ url: string; seconds: number; restored: boolean }> {
  const started = Date.now();
  const target = create ? withDatabase(url, create) : url;
  if (create) await createDatabase(url, create);
  const restored = dump !== undefined && fs.existsSync(dump);
  if (restored) {
    execFileSync(postgresBin('pg_restore'), ['--no-owner', '--jobs=2', `--dbname=${target}`, dump], { stdio: ['ignore', 'ignore', 'inherit'] });
  } else {
    const source = openDatabase(file);
    const postgres = openPostgres(target);
    try {
      // A token row has 19 columns: 2,500 rows a statement stay under PostgreSQL's 65,535 parameters.
      const result = await copyToPostgres({ source, target: postgres, batchRows: 2500 });
      if (!result.committed) throw new Error(`copy of ${path.basename(file)} into PostgreSQL was not committed: ${JSON.stringify(result.tables.filter((t) => !t.match))}`);
    } finally {
      source.$client.close();
      await postgres.$client.end();
    }
    if (dump) {
      const making = `${dump}.making`;
      execFileSync(postgresBin('pg_dump'), ['--format=custom', '--compress=1', `--file=${making}`, target], { stdio: ['ignore', 'ignore', 'inherit'] });
      fs.renameSync(making, dump);
    }
  }
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  try {
    await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
  return { url: target, seconds: Math.round((Date.now() - started) / 1000), restored };
}
