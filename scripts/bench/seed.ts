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

export type SmallSeed = {
  file: string;
  accountId: string;
  organizationId: string;
  /** The member with 1,000 tokens. */
  pageUserId: string;
  /** The super admin's personal token with its own allowlist: what the gate figures send. */
  apiToken: string;
  /** Session tokens (the console's cookie) of the super admin and of the user with 1,000 tokens. */
  adminSession: string;
  pageUserSession: string;
  samlMethodId: string;
};

export type LargeSeed = { file: string; apiToken: string; tokens: number; users: number; bytes: number; seconds: number };

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

function fakeTokens(userId: string, count: number, now: string): BulkToken[] {
  return Array.from({ length: count }, () => {
    const secret = TOKEN_MARKER + randomBytes(32).toString('base64url');
    return {
      id: randomBytes(12).toString('hex'),
      userId,
      tokenHash: createHash('sha256').update(secret).digest('hex'),
      tokenPrefix: secret.slice(0, 16),
      createTime: now,
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
  for (let i = 0; i < 9; i++) {
    await createToken({
      ctx: base.ctx,
      input: { userId: base.user.id, kind: 'personal', authMethod: 'password', description: `extra ${i}`, createdManually: true, maxAgeSeconds: null, extendWhenUsed: false },
    });
  }
  const pageUserSession = (await session({ db, now: new Date() }, PAGE_USER_ID, 'bench page')).fullToken;
  const adminSession = (await session({ db, now: new Date() }, base.user.id, 'bench admin')).fullToken;
  sqliteConnectionOf(db).pragma('wal_checkpoint(TRUNCATE)');
  sqliteConnectionOf(db).close();
  return { file, accountId: base.organization.accountId, organizationId: base.organization.id, pageUserId: PAGE_USER_ID, apiToken: base.fullToken, adminSession, pageUserSession, samlMethodId };
}

export async function seedLarge(file: string, passwordHash: string, users: number, tokensPerUser: number): Promise<LargeSeed> {
  const db = openAsyncDatabase(file);
  const base = await seedBase(db, passwordHash);
  const started = Date.now();
  const now = second();
  for (let batch = 0; batch < users; batch += 5000) {
    const rows = Array.from({ length: Math.min(5000, users - batch) }, (_, i) => {
      const id = `ub${(batch + i).toString(36).padStart(8, '0')}`;
      return { user: { id, email: `${id}@example.test`, createTime: now }, tokens: fakeTokens(id, tokensPerUser, now) };
    });
    bulkInsertUsersAndTokens(synchronousSqliteOf(db), base.organization.id, rows);
  }
  const connection = sqliteConnectionOf(db);
  connection.pragma('wal_checkpoint(TRUNCATE)');
  const tokens = (connection.prepare('SELECT count(*) AS n FROM tokens').get() as { n: number }).n;
  connection.close();
  return { file, apiToken: base.fullToken, tokens, users: users + 1, bytes: fs.statSync(file).size, seconds: Math.round((Date.now() - started) / 1000) };
}

/** `url` with another database name: the large database beside the cluster's own. */
function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/**
 * Copies a seeded SQLite file into the database at `url` (created when `create`), with
 * copy-to-postgres, which also checks every table's rows against the source, then VACUUM
 * ANALYZE, so that autovacuum does not wake up in the middle of a measurement.
 */
export async function copyIntoPostgres(file: string, url: string, create?: string): Promise<{ url: string; seconds: number }> {
  const started = Date.now();
  const target = create ? withDatabase(url, create) : url;
  if (create) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${create}`);
    } finally {
      await admin.end();
    }
  }
  const source = openDatabase(file);
  const postgres = openPostgres(target);
  try {
    // A token row has 19 columns: 2,500 rows a statement stay under PostgreSQL's 65,535 parameters.
    const result = await copyToPostgres({ source, target: postgres, batchRows: 2500 });
    if (!result.committed) throw new Error(`copy of ${path.basename(file)} into PostgreSQL was not committed: ${JSON.stringify(result.tables.filter((t) => !t.match))}`);
    await postgres.$client.query('VACUUM ANALYZE');
  } finally {
    source.$client.close();
    await postgres.$client.end();
  }
  return { url: target, seconds: Math.round((Date.now() - started) / 1000) };
}
