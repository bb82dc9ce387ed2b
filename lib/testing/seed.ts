import { eq, sql } from 'drizzle-orm';
import { auditEvents, organizations, users, type AuditEvent, type Organization, type User } from '@/db/schema';
import type { Ctx } from '@/lib/context';
import { insertMembership, insertOrganization } from '@/lib/model/organizations';
import { createToken, type CreatedToken, type CreateTokenInput } from '@/lib/tokens/create';
import { insertUser } from '@/lib/model/users';
import { onTestFinished } from 'vitest';
import { createTestDb, createTestDbFile } from './db';

// Small builders for DB tests, on the lib/ insert functions. Passwords are not hashed here:
// argon2 is slow, so a test that needs one hashes it (once) and passes the hash in.

/** A whole-second time, so values survive the second-precision ISO strings the database stores. */
export const T0 = new Date('2026-03-01T12:00:00.000Z');

/** A fresh database and a fixed "now"; tests move time with `advance`. */
export function testCtx(now: Date = T0): Ctx {
  return { db: createTestDb(), now: new Date(now) };
}

/**
 * Like testCtx, on a database file of its own (WAL mode, as the server runs it) that is deleted
 * when the test ends: for code that opens the file again. Call it inside a test.
 */
export function testCtxInFile(now: Date = T0): Ctx {
  const { db, remove } = createTestDbFile();
  onTestFinished(remove);
  return { db, now: new Date(now) };
}

export function advance(ctx: Ctx, ms: number): void {
  ctx.now = new Date(ctx.now.getTime() + ms);
}

let counter = 0;
const next = () => ++counter;

export function seedOrganization(ctx: Ctx, input: { name?: string; ipAllowlist?: string[] } = {}): Organization {
  const organization = insertOrganization(ctx, { name: input.name ?? `Org ${next()}` });
  if (!input.ipAllowlist?.length) return organization;
  return ctx.db
    .update(organizations)
    .set({ ipAllowlist: input.ipAllowlist })
    .where(eq(organizations.id, organization.id))
    .returning()
    .get();
}

export function seedUser(
  ctx: Ctx,
  input: { email?: string; passwordHash?: string; state?: User['state']; tokenValidityBegin?: string | null; emailProven?: boolean } = {},
): User {
  const user = insertUser(ctx, { email: input.email ?? `user${next()}@example.test`, passwordHash: input.passwordHash, emailProven: input.emailProven });
  if (input.state === undefined && input.tokenValidityBegin === undefined) return user;
  return ctx.db
    .update(users)
    .set({ state: input.state ?? user.state, tokenValidityBegin: input.tokenValidityBegin ?? null })
    .where(eq(users.id, user.id))
    .returning()
    .get();
}

/** Adds the user to the organization, joined at `joinTime` (default: now). */
export function seedMembership(
  ctx: Ctx,
  input: { organizationId: string; userId: string; isSuperAdmin?: boolean; joinTime?: Date },
): void {
  insertMembership(
    { ...ctx, now: input.joinTime ?? ctx.now },
    { organizationId: input.organizationId, userId: input.userId, isSuperAdmin: input.isSuperAdmin ?? false },
  );
}

/** A token through createToken, with defaults of a manually created personal token that never expires. */
export function seedToken(ctx: Ctx, userId: string, input: Partial<Omit<CreateTokenInput, 'userId'>> = {}): CreatedToken {
  return createToken({
    ctx,
    input: {
      userId,
      kind: 'personal',
      authMethod: 'password',
      description: 'test token',
      createdManually: true,
      maxAgeSeconds: null,
      extendWhenUsed: false,
      ...input,
    },
  });
}

export function listAuditEvents(ctx: Ctx): AuditEvent[] {
  return ctx.db.select().from(auditEvents).orderBy(auditEvents.id).all();
}

/** Every row of every table, as JSON text: for asserting that a secret is stored nowhere. */
export function dumpDatabase(ctx: Ctx): string {
  const tables = ctx.db.all<{ name: string }>(sql`select name from sqlite_master where type = 'table'`);
  return JSON.stringify(
    Object.fromEntries(tables.map(({ name }) => [name, ctx.db.all(sql.raw(`select * from "${name.replace(/"/g, '""')}"`))])),
  );
}
