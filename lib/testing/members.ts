import { eq } from 'drizzle-orm';
import { totpCredentials, users, type User } from '@/db/schema';
import type { OrgCall, Principal } from '@/lib/call';
import { iso, type Ctx } from '@/lib/context';
import { listMemberships } from '@/lib/model/memberships';
import { seedMembership, seedOrganization, seedToken, seedUser } from './seed';

// Builders for tests of member management and the audit log, on top of ./seed.ts.

export const TEST_META = { ip: '192.0.2.10', userAgent: 'vitest' } as const;

/** The principal the gate would resolve for the user, signed in with a fresh token. */
export function principalOf(ctx: Ctx, userId: string): Principal {
  const user = ctx.db.select().from(users).where(eq(users.id, userId)).get()!;
  return { user, token: seedToken(ctx, userId).token, memberships: listMemberships(ctx, userId) };
}

/** What a route or action passes to lib/users/members.ts for this user acting in this organization. */
export function callAs(ctx: Ctx, userId: string, organizationId: string): OrgCall {
  const principal = principalOf(ctx, userId);
  const membership = principal.memberships.find((m) => m.organization.id === organizationId) ?? null;
  return { ctx, principal, membership, meta: TEST_META };
}

export function setUserFields(ctx: Ctx, userId: string, fields: Partial<Pick<User, 'isApplicationUser' | 'lastActivityTime' | 'realName' | 'state' | 'managingOrganizationId'>>) {
  ctx.db.update(users).set(fields).where(eq(users.id, userId)).run();
}

/** An authenticator app for the user, confirmed (2FA on) unless `confirmed` is false. */
export function seedTotp(ctx: Ctx, userId: string, { confirmed = true }: { confirmed?: boolean } = {}) {
  ctx.db
    .insert(totpCredentials)
    .values({ userId, secret: 'JBSWY3DPEHPK3PXP', confirmedTime: confirmed ? iso(ctx.now) : null, createTime: iso(ctx.now) })
    .run();
}

/** An organization with a super admin; more members are added with `addMember`. */
export function seedOrganizationWithAdmin(ctx: Ctx, { name, adminEmail }: { name?: string; adminEmail?: string } = {}) {
  const organization = seedOrganization(ctx, { name });
  const admin = addMember(ctx, organization.id, { email: adminEmail, isSuperAdmin: true });
  return { organization, admin };
}

export function addMember(
  ctx: Ctx,
  organizationId: string,
  { email, isSuperAdmin = false, passwordHash = 'not-a-real-hash' }: { email?: string; isSuperAdmin?: boolean; passwordHash?: string } = {},
): User {
  const user = seedUser(ctx, { email, passwordHash });
  seedMembership(ctx, { organizationId, userId: user.id, isSuperAdmin });
  return user;
}
