import { auditEvents, memberships, organizations, users, type AuditEvent, type Organization, type User } from '@/db/schema';
import { iso, type Ctx } from '@/lib/context';
import { newAccountId, newOrganizationId, newUserId } from '@/lib/ids';
import { createToken, type CreatedToken, type CreateTokenInput } from '@/lib/tokens/create';
import { createTestDb } from './db';

// Small builders for DB tests. They insert rows directly where lib/ has no function for it yet
// (organizations, users, memberships) and go through lib/ where it does (tokens). Passwords are
// not hashed here: argon2 is slow, so a test that needs one hashes it (once) and passes the hash.

/** A whole-second time, so values survive the second-precision ISO strings the database stores. */
export const T0 = new Date('2026-03-01T12:00:00.000Z');

/** A fresh database and a fixed "now"; tests move time with `advance`. */
export function testCtx(now: Date = T0): Ctx {
  return { db: createTestDb(), now: new Date(now) };
}

export function advance(ctx: Ctx, ms: number): void {
  ctx.now = new Date(ctx.now.getTime() + ms);
}

let counter = 0;
const next = () => ++counter;

export function seedOrganization(ctx: Ctx, input: { name?: string; ipAllowlist?: string[] } = {}): Organization {
  const now = iso(ctx.now);
  return ctx.db
    .insert(organizations)
    .values({
      id: newOrganizationId(),
      accountId: newAccountId(),
      name: input.name ?? `Org ${next()}`,
      ipAllowlist: input.ipAllowlist ?? [],
      createTime: now,
      updateTime: now,
    })
    .returning()
    .get();
}

export function seedUser(
  ctx: Ctx,
  input: { email?: string; state?: User['state']; tokenValidityBegin?: string | null } = {},
): User {
  return ctx.db
    .insert(users)
    .values({
      id: newUserId(),
      email: input.email ?? `user${next()}@example.test`,
      state: input.state ?? 'active',
      tokenValidityBegin: input.tokenValidityBegin ?? null,
      createTime: iso(ctx.now),
    })
    .returning()
    .get();
}

export function seedMembership(
  ctx: Ctx,
  input: { organizationId: string; userId: string; isSuperAdmin?: boolean; joinTime?: Date },
): void {
  ctx.db
    .insert(memberships)
    .values({
      organizationId: input.organizationId,
      userId: input.userId,
      isSuperAdmin: input.isSuperAdmin ?? false,
      joinTime: iso(input.joinTime ?? ctx.now),
    })
    .run();
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
