import { eq } from 'drizzle-orm';
import { authenticationMethods, externalIdentities, totpCredentials, users, type User } from '@/db/schema';
import { authenticate } from '@/lib/auth/gate';
import type { OrgCall, Principal, RequestMeta } from '@/lib/call';
import { iso, type Ctx } from '@/lib/context';
import { listMemberships } from '@/lib/model/memberships';
import type { CreateTokenInput } from '@/lib/tokens/create';
import { seedMembership, seedOrganization, seedToken, seedUser } from './seed';

// Builders for tests that need members, their calls and their /v1 sign-ins, on top of ./seed.ts.

export const TEST_META = { ip: '192.0.2.10', userAgent: 'vitest' } as const;

/** The request meta of the tests that call as a /v1 client would. */
export const API_META = { ip: '203.0.113.5', userAgent: 'vitest' } as const;

/** The principal the gate would resolve for the user, signed in with a fresh token. */
export function principalOf(ctx: Ctx, userId: string): Principal {
  const user = ctx.db.select().from(users).where(eq(users.id, userId)).get()!;
  return { user, token: seedToken(ctx, userId).token, memberships: listMemberships(ctx, userId) };
}

/**
 * The user signs in over /v1: a fresh token (seedToken with `token`) presented in the
 * Authorization header from `meta`, and the principal the gate resolves for it.
 */
export function apiSignIn(ctx: Ctx, userId: string, meta: RequestMeta, token: Partial<Omit<CreateTokenInput, 'userId'>> = {}) {
  const { fullToken } = seedToken(ctx, userId, token);
  const principal: Principal = authenticate({ ctx, input: { authorization: `aivenv1 ${fullToken}`, cookieToken: null, ...meta } });
  return { fullToken, principal };
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

/**
 * An organization with a super admin; more members are added with `addMember`. The admin has a
 * placeholder password unless `adminPasswordHash: null` (signs in only through an IdP or a token);
 * `superAdmin: false` seeds a plain member in the admin's place, for refusal tests.
 */
export function seedOrganizationWithAdmin(
  ctx: Ctx,
  { name, adminEmail, adminPasswordHash, superAdmin = true }: { name?: string; adminEmail?: string; adminPasswordHash?: string | null; superAdmin?: boolean } = {},
) {
  const organization = seedOrganization(ctx, { name });
  const admin = addMember(ctx, organization.id, { email: adminEmail, isSuperAdmin: superAdmin, passwordHash: adminPasswordHash });
  return { organization, admin };
}

/** A member of the organization; `passwordHash: null` leaves them without a password. */
export function addMember(
  ctx: Ctx,
  organizationId: string,
  { email, isSuperAdmin = false, passwordHash = 'not-a-real-hash' }: { email?: string; isSuperAdmin?: boolean; passwordHash?: string | null } = {},
): User {
  const user = seedUser(ctx, { email, passwordHash: passwordHash ?? undefined });
  seedMembership(ctx, { organizationId, userId: user.id, isSuperAdmin });
  return user;
}

/** Acme-like set-up of the member tests: a super admin (admin@) and a member (bob@), and the admin's call. */
export function seedAdminAndBob(ctx: Ctx) {
  const { organization, admin } = seedOrganizationWithAdmin(ctx, { adminEmail: 'admin@example.test' });
  const bob = addMember(ctx, organization.id, { email: 'bob@example.test' });
  return { ctx, organization, admin, bob, call: callAs(ctx, admin.id, organization.id) };
}

/**
 * Adds a SAML identity provider "Okta" (id amOkta) to the organization and links the user to it
 * (as `samlSubject`) and to a third-party provider (`thirdParty`, last used 2026-02-28 09:00).
 */
export function seedLinkedIdentities(
  ctx: Ctx,
  organizationId: string,
  user: User,
  { thirdParty, samlSubject }: { thirdParty: { provider: string; subject: string }; samlSubject: string },
) {
  const now = iso(ctx.now);
  ctx.db
    .insert(authenticationMethods)
    .values({ id: 'amOkta', organizationId, name: 'Okta', type: 'saml', spPrivateKey: 'x', spCertificate: 'x', createTime: now, updateTime: now })
    .run();
  ctx.db
    .insert(externalIdentities)
    .values([
      { id: 'i1', userId: user.id, provider: thirdParty.provider, subject: thirdParty.subject, email: user.email, createTime: now, lastUsedTime: '2026-02-28T09:00:00Z' },
      { id: 'i2', userId: user.id, provider: 'saml:amOkta', subject: samlSubject, createTime: now },
    ])
    .run();
}
