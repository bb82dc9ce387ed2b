import { eq, is, Table } from 'drizzle-orm';
import { single } from '@/db/async';
import type { AuditEvent, Organization, User } from '@/db/schema';
import * as tables from '@/db/tables';
import { auditEvents, organizations, users } from '@/db/tables';
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

export async function seedOrganization(ctx: Ctx, input: { name?: string; ipAllowlist?: string[] } = {}): Promise<Organization> {
  const organization = await insertOrganization(ctx, { name: input.name ?? `Org ${next()}` });
  if (!input.ipAllowlist?.length) return organization;
  return await single(
    ctx.db
      .update(organizations)
      .set({ ipAllowlist: input.ipAllowlist })
      .where(eq(organizations.id, organization.id))
      .returning(),
  );
}

export async function seedUser(
  ctx: Ctx,
  input: { email?: string; passwordHash?: string; state?: User['state']; tokenValidityBegin?: string | null; emailProven?: boolean } = {},
): Promise<User> {
  const user = await insertUser(ctx, { email: input.email ?? `user${next()}@example.test`, passwordHash: input.passwordHash, emailProven: input.emailProven });
  if (input.state === undefined && input.tokenValidityBegin === undefined) return user;
  return await single(
    ctx.db
      .update(users)
      .set({ state: input.state ?? user.state, tokenValidityBegin: input.tokenValidityBegin ?? null })
      .where(eq(users.id, user.id))
      .returning(),
  );
}

/** Adds the user to the organization, joined at `joinTime` (default: now). */
export async function seedMembership(
  ctx: Ctx,
  input: { organizationId: string; userId: string; isSuperAdmin?: boolean; joinTime?: Date },
): Promise<void> {
  await insertMembership(
    { ...ctx, now: input.joinTime ?? ctx.now },
    { organizationId: input.organizationId, userId: input.userId, isSuperAdmin: input.isSuperAdmin ?? false },
  );
}

/** A token through createToken, with defaults of a manually created personal token that never expires. */
export async function seedToken(ctx: Ctx, userId: string, input: Partial<Omit<CreateTokenInput, 'userId'>> = {}): Promise<CreatedToken> {
  return await createToken({
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

export async function listAuditEvents(ctx: Ctx): Promise<AuditEvent[]> {
  return await ctx.db.select().from(auditEvents).orderBy(auditEvents.id);
}

/** Every row of every table, as JSON text: for asserting that a secret is stored nowhere. */
export async function dumpDatabase(ctx: Ctx): Promise<string> {
  // Every table of the schema (the running engine's, through db/tables.ts), not the catalogue.
  const all = Object.entries(tables).flatMap(([name, table]: [string, unknown]) => (is(table, Table) ? [[name, table] as const] : []));
  return JSON.stringify(Object.fromEntries(await Promise.all(all.map(async ([name, table]) => [name, await ctx.db.select().from(table as typeof users)]))));
}
