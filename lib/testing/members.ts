import { eq } from 'drizzle-orm';
import { type User } from '@/db/schema';
import { authenticationMethods, externalIdentities, totpCredentials, users } from '@/db/tables';
import { authenticate } from '@/lib/auth/gate';
import type { OrgCall, Principal, RequestMeta } from '@/lib/call';
import { iso, type Ctx } from '@/lib/context';
import { listMemberships } from '@/lib/model/memberships';
import type { CreateTokenInput } from '@/lib/tokens/create';
import { seedMembership, seedOrganization, seedToken, seedUser } from './seed';
import { first } from '@/db/async';

// Builders for tests that need members, their calls and their /v1 sign-ins, on top of ./seed.ts.

export const TEST_META = { ip: '192.0.2.10', userAgent: 'vitest' } as const;

/** The request meta of the tests that call as a /v1 client would. */
export const API_META = { ip: '203.0.113.5', userAgent: 'vitest' } as const;

/** The principal the gate would resolve for the user, signed in with a fresh token. */
export async function principalOf(ctx: Ctx, userId: string): Promise<Principal> {
  const user = (await first(ctx.db.select().from(users).where(eq(users.id, userId)).limit(1)))!;
  return { user, token: (await seedToken(ctx, userId)).token, memberships: await listMemberships(ctx, userId) };
}

/**
 * The user signs in over /v1: a fresh token (seedToken with `token`) presented in the
 * Authorization header from `meta`, and the principal the gate resolves for it.
 */
export async function apiSignIn(ctx: Ctx, userId: string, meta: RequestMeta, token: Partial<Omit<CreateTokenInput, 'userId'>> = {}) {
  const { fullToken } = await seedToken(ctx, userId, token);
  const principal: Principal = await authenticate({ ctx, input: { authorization: `aivenv1 ${fullToken}`, cookieToken: null, ...meta } });
  return { fullToken, principal };
}

/** What a route or action passes to lib/users/members.ts for this user acting in this organization. */
export async function callAs(ctx: Ctx, userId: string, organizationId: string): Promise<OrgCall> {
  const principal = await principalOf(ctx, userId);
  const membership = principal.memberships.find((m) => m.organization.id === organizationId) ?? null;
  return { ctx, principal, membership, meta: TEST_META };
}

export async function setUserFields(ctx: Ctx, userId: string, fields: Partial<Pick<User, 'isApplicationUser' | 'lastActivityTime' | 'realName' | 'state' | 'managingOrganizationId'>>) {
  await ctx.db.update(users).set(fields).where(eq(users.id, userId));
}

/** An authenticator app for the user, confirmed (2FA on) unless `confirmed` is false. */
export async function seedTotp(ctx: Ctx, userId: string, { confirmed = true }: { confirmed?: boolean } = {}) {
  await ctx.db
    .insert(totpCredentials)
    .values({ userId, secret: 'JBSWY3DPEHPK3PXP', confirmedTime: confirmed ? iso(ctx.now) : null, createTime: iso(ctx.now) });
}

/**
 * An organization with a super admin; more members are added with `addMember`. The admin has a
 * placeholder password unless `adminPasswordHash: null` (signs in only through an IdP or a token);
 * `superAdmin: false` seeds a plain member in the admin's place, for refusal tests.
 */
export async function seedOrganizationWithAdmin(
  ctx: Ctx,
  { name, adminEmail, adminPasswordHash, superAdmin = true }: { name?: string; adminEmail?: string; adminPasswordHash?: string | null; superAdmin?: boolean } = {},
) {
  const organization = await seedOrganization(ctx, { name });
  const admin = await addMember(ctx, organization.id, { email: adminEmail, isSuperAdmin: superAdmin, passwordHash: adminPasswordHash });
  return { organization, admin };
}

/** A member of the organization; `passwordHash: null` leaves them without a password. */
export async function addMember(
  ctx: Ctx,
  organizationId: string,
  { email, isSuperAdmin = false, passwordHash = 'not-a-real-hash' }: { email?: string; isSuperAdmin?: boolean; passwordHash?: string | null } = {},
): Promise<User> {
  const user = await seedUser(ctx, { email, passwordHash: passwordHash ?? undefined });
  await seedMembership(ctx, { organizationId, userId: user.id, isSuperAdmin });
  return user;
}

/** Acme-like set-up of the member tests: a super admin (admin@) and a member (bob@), and the admin's call. */
export async function seedAdminAndBob(ctx: Ctx) {
  const { organization, admin } = await seedOrganizationWithAdmin(ctx, { adminEmail: 'admin@example.test' });
  const bob = await addMember(ctx, organization.id, { email: 'bob@example.test' });
  return { ctx, organization, admin, bob, call: await callAs(ctx, admin.id, organization.id) };
}

/**
 * Adds a SAML identity provider "Okta" (id amOkta) to the organization and links the user to it
 * (as `samlSubject`) and to a third-party provider (`thirdParty`, last used 2026-02-28 09:00).
 */
export async function seedLinkedIdentities(
  ctx: Ctx,
  organizationId: string,
  user: User,
  { thirdParty, samlSubject }: { thirdParty: { provider: string; subject: string }; samlSubject: string },
) {
  const now = iso(ctx.now);
  await ctx.db
    .insert(authenticationMethods)
    .values({ id: 'amOkta', organizationId, name: 'Okta', type: 'saml', spPrivateKey: 'x', spCertificate: 'x', createTime: now, updateTime: now });
  await ctx.db
    .insert(externalIdentities)
    .values([
      { id: 'i1', userId: user.id, provider: thirdParty.provider, subject: thirdParty.subject, email: user.email, createTime: now, lastUsedTime: '2026-02-28T09:00:00Z' },
      { id: 'i2', userId: user.id, provider: 'saml:amOkta', subject: samlSubject, createTime: now },
    ]);
}
