import { and, asc, count, eq, inArray, isNotNull, max, ne } from 'drizzle-orm';
import { type Token, type User } from '@/db/schema';
import { authenticationMethods, externalIdentities, memberships, tokens, users } from '@/db/tables';
import { assertSuperAdmin, audit, type OrgCall } from '@/lib/call';
import { type Ctx, inTransaction, organizationLock } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { selectMembersWithCredentials } from '@/lib/model/memberships';
import { THIRD_PARTY_LABELS } from '@/lib/policy/policy';
import { listTokens } from '@/lib/tokens/manage';
import { listMembersQuerySchema, updateMemberSchema, userIdSchema } from './schema';
import { first } from '@/db/async';

// An organization's members, as its super admins see and manage them (Admin → Users and
// /v1/organization/{organization_id}/user/...). Every function first checks that the caller is a
// super admin of the organization the request resolved to, then acts on that organization
// only: a user id of another organization's member is "not found", whoever asks.

/** What every function here is given: the caller and the membership the gate resolved. */

export type Member = {
  user: Pick<User, 'id' | 'email' | 'realName' | 'state' | 'isApplicationUser' | 'lastActivityTime' | 'createTime' | 'managingOrganizationId' | 'emailVerifiedTime'>;
  isSuperAdmin: boolean;
  joinTime: string;
  /** Has a password to sign in with. */
  hasPassword: boolean;
  /** Has confirmed an authenticator app (TOTP): their password sign-ins ask for a code. */
  hasAuthenticatorApp: boolean;
};

/** The sign-in methods of a member, as the Users page lists them. */
export function signInMethodsOf(member: Member): string[] {
  const methods: string[] = [];
  if (member.hasPassword) methods.push('password');
  if (member.hasAuthenticatorApp) methods.push('authenticator app');
  return methods;
}

function selectMembers(ctx: Ctx) {
  return selectMembersWithCredentials(ctx, {
    user: {
      id: users.id,
      email: users.email,
      realName: users.realName,
      state: users.state,
      isApplicationUser: users.isApplicationUser,
      lastActivityTime: users.lastActivityTime,
      createTime: users.createTime,
      managingOrganizationId: users.managingOrganizationId,
      emailVerifiedTime: users.emailVerifiedTime,
    },
    isSuperAdmin: memberships.isSuperAdmin,
    joinTime: memberships.joinTime,
  });
}

type MemberRow = Awaited<ReturnType<ReturnType<typeof selectMembers>['all']>>[number];

function toMember({ passwordUserId, totpConfirmedTime, ...rest }: MemberRow): Member {
  return { ...rest, hasPassword: passwordUserId !== null, hasAuthenticatorApp: totpConfirmedTime !== null };
}

/** The organization's members by email; application users unless left out. */
export async function listMembers(call: OrgCall & { query?: unknown }): Promise<Member[]> {
  assertSuperAdmin(call.membership);
  const { include_application_users } = parseInput(listMembersQuerySchema, call.query ?? {});
  const organizationId = call.membership.organization.id;
  return (await selectMembers(call.ctx)
    .where(
      and(
        eq(memberships.organizationId, organizationId),
        include_application_users ? undefined : eq(users.isApplicationUser, false),
      ),
    )
    .orderBy(asc(users.email)))
    .map(toMember);
}

/** One member of the organization; 404 for anyone else, member of another organization or not. */
export async function findMember(ctx: Ctx, organizationId: string, userId: string): Promise<Member> {
  const row = await first(
    selectMembers(ctx)
      .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)))
      .limit(1),
  );
  if (!row) throw new AppError('not_found', `User ${userId} is not a member of this organization`);
  return toMember(row);
}

type MemberTarget = { organizationId: string; userId: string };

/** Whom a call about one member names: a user of the caller's organization (super admins only). */
function memberTarget(call: OrgCall & { userId: string }): MemberTarget {
  assertSuperAdmin(call.membership);
  return { organizationId: call.membership.organization.id, userId: parseInput(userIdSchema, call.userId) };
}

/**
 * Runs `change` on the member inside one transaction, handing it the call whose ctx is the
 * transaction's: the last-super-admin guard's count and the write must both go through it. Then
 * two admins demoting or removing each other at once cannot both pass the guard: on SQLite the
 * transactions run one after the other; on PostgreSQL (several instances) SERIALIZABLE aborts
 * one of two that read each other's row before writing, and its retry sees the other's change.
 * Through the outer call instead, the count and the write would run on other pooled connections,
 * outside the transaction, and both admins could be demoted. The organization's lock makes many
 * changes at once (five admins demoting each other took up to five of the five attempts) wait
 * their turn instead of aborting each other.
 */
async function changeMember<T>(call: OrgCall, { organizationId, userId }: MemberTarget, change: (member: Member, call: OrgCall) => Promise<T>): Promise<T> {
  return await inTransaction(call, async (call) => await change(await findMember(call.ctx, organizationId, userId), call), organizationLock(organizationId));
}

export async function getMember(call: OrgCall & { userId: string }): Promise<Member> {
  const { organizationId, userId } = memberTarget(call);
  return await findMember(call.ctx, organizationId, userId);
}

/**
 * Active super admins other than `userId` who can sign in to the console. Application users do
 * not count: an organization whose only super admin is a machine has no one to manage it.
 */
async function otherActiveSuperAdmins(ctx: Ctx, organizationId: string, userId: string): Promise<number> {
  return (await first(
    ctx.db
      .select({ n: count() })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(
        and(
          eq(memberships.organizationId, organizationId),
          eq(memberships.isSuperAdmin, true),
          ne(memberships.userId, userId),
          eq(users.state, 'active'),
          eq(users.isApplicationUser, false),
        ),
      )
      .limit(1),
  ))!.n;
}

/** The lockout guard: the organization always keeps a super admin who can sign in and manage it. */
async function assertNotLastSuperAdmin(ctx: Ctx, organizationId: string, member: Member, change: string): Promise<void> {
  if (!member.isSuperAdmin) return;
  if (await otherActiveSuperAdmins(ctx, organizationId, member.user.id) > 0) return;
  throw new AppError(
    'conflict',
    `${member.user.email} is the last active super admin of this organization and cannot be ${change}: make another member super admin first`,
  );
}

async function organizationsOf(ctx: Ctx, userId: string): Promise<number> {
  return (await first(ctx.db.select({ n: count() }).from(memberships).where(eq(memberships.userId, userId)).limit(1)))!.n;
}

/**
 * Whose account it is. Changes to the account itself (its state, its name, its two-factor
 * authentication) reach every organization the person belongs to, so an organization makes
 * them only where the account is its alone: the person belongs to no other organization, or
 * this organization manages them (a verified domain of its own holds their address, the way
 * Okta or GitHub Enterprise own their managed accounts). Anyone else is refused with a 409
 * that says why; their membership here (role, removal) stays this organization's to change.
 * One rule for Admin → Users, the member's page and the API.
 */
export async function assertAccountIsOurs(ctx: Ctx, organizationId: string, member: Member, what: string, instead: string): Promise<void> {
  const refusal = await accountRefusal(ctx, organizationId, member, what);
  if (refusal) throw new AppError('conflict', `${refusal} ${instead}`);
}

/** The refusal of assertAccountIsOurs without its hint, or null: the member's page says it before anyone clicks. */
export async function accountRefusal(ctx: Ctx, organizationId: string, member: Member, what: string): Promise<string | null> {
  if (member.user.managingOrganizationId === organizationId) return null;
  if (await organizationsOf(ctx, member.user.id) <= 1) return null;
  return `${member.user.email} also belongs to other organizations and is not managed by this one: ${what} not this organization's alone to change.`;
}

/** How many organizations other than this one the member belongs to (shown on their page). */
export async function otherOrganizationsOf(ctx: Ctx, userId: string): Promise<number> {
  return await organizationsOf(ctx, userId) - 1;
}

/**
 * PATCH: super admin on or off, deactivate or reactivate, the real name. Only the fields given
 * change; the change is audited with its old and new values.
 */
export async function updateMember(call: OrgCall & { userId: string; input: unknown }): Promise<Member> {
  const target = memberTarget(call);
  const { organizationId, userId } = target;
  const input = parseInput(updateMemberSchema, call.input);

  return await changeMember(call, target, async (member, call) => {
    const { ctx } = call;
    const old: Record<string, unknown> = {};
    const next: Record<string, unknown> = {};

    if (input.is_super_admin !== undefined && input.is_super_admin !== member.isSuperAdmin) {
      if (!input.is_super_admin) await assertNotLastSuperAdmin(ctx, organizationId, member, 'demoted');
      old.is_super_admin = member.isSuperAdmin;
      next.is_super_admin = input.is_super_admin;
    }
    const stateChanges = input.state !== undefined && input.state !== member.user.state;
    const nameChanges = input.real_name !== undefined && input.real_name !== member.user.realName;
    if (stateChanges && input.state === 'deactivated') {
      await assertNotLastSuperAdmin(ctx, organizationId, member, 'deactivated');
      if (member.user.id === call.principal.user.id) {
        throw new AppError('conflict', 'You cannot deactivate yourself: ask another super admin');
      }
    }
    // The state and name are the user's own, across organizations: deactivating someone here
    // must not lock them out of another organization whose admins did not decide it, unless
    // this organization manages them (assertAccountIsOurs).
    if (stateChanges || nameChanges) {
      await assertAccountIsOurs(ctx, organizationId, member, 'their state and name are', 'Remove them from this organization instead.');
    }
    if (stateChanges) {
      old.state = member.user.state;
      next.state = input.state;
    }
    if (nameChanges) {
      old.real_name = member.user.realName;
      next.real_name = input.real_name;
    }
    if (Object.keys(next).length === 0) return member;

    if (next.is_super_admin !== undefined) {
      await ctx.db
        .update(memberships)
        .set({ isSuperAdmin: input.is_super_admin })
        .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)));
    }
    if (stateChanges || nameChanges) {
      await ctx.db
        .update(users)
        .set({ ...(stateChanges ? { state: input.state } : {}), ...(nameChanges ? { realName: input.real_name } : {}) })
        .where(eq(users.id, userId));
    }
    await audit(call, 'member.updated', { user_id: userId, user_email: member.user.email, old, new: next }, organizationId);
    return await findMember(ctx, organizationId, userId);
  });
}

/**
 * Removes the user from this organization: the membership goes, nothing else. The user, their
 * tokens and their other organizations stay as they are.
 */
export async function removeMember(call: OrgCall & { userId: string }): Promise<Member> {
  const target = memberTarget(call);
  const { organizationId, userId } = target;
  return await changeMember(call, target, async (member, call) => {
    const { ctx } = call;
    await assertNotLastSuperAdmin(ctx, organizationId, member, 'removed');
    await ctx.db
      .delete(memberships)
      .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)));
    await audit(call, 'member.removed', { user_id: userId, user_email: member.user.email, was_super_admin: member.isSuperAdmin }, organizationId);
    return member;
  });
}

/** A member's tokens and sessions, newest first. */
export async function listMemberTokens(call: OrgCall & { userId: string }): Promise<Token[]> {
  const member = await getMember(call);
  return await listTokens(call.ctx, member.user.id);
}

/** Revokes one of a member's tokens, named by its prefix (never by a full token: admins do not hold those). */
export async function revokeMemberToken(call: OrgCall & { userId: string; prefix: string }): Promise<Token> {
  const { organizationId, userId } = memberTarget(call);
  const { ctx } = call;
  return await inTransaction(ctx, async (ctx) => {
    const member = await findMember(ctx, organizationId, userId);
    const token = await first(
      ctx.db
        .select()
        .from(tokens)
        .where(and(eq(tokens.userId, member.user.id), eq(tokens.tokenPrefix, call.prefix)))
        .limit(1),
    );
    if (!token) throw new AppError('not_found', `Token ${call.prefix} of ${member.user.email} not found`);
    await ctx.db.delete(tokens).where(eq(tokens.id, token.id));
    await audit({ ...call, ctx }, 'member.token_revoked', {
        user_id: member.user.id,
        user_email: member.user.email,
        token_prefix: token.tokenPrefix,
        kind: token.kind,
        description: token.description,
      }, organizationId);
    return token;
  });
}

export type MemberAuthenticationMethod = {
  member: Member;
  /** "internal" for the password (upstream's name for its own login), else the provider's kind. */
  type: 'internal' | 'saml' | 'google' | 'microsoft' | 'github';
  name: string;
  twoFactorEnabled: boolean;
  lastUsedTime: string | null;
  /** The identity provider (authentication_method_id) of a SAML identity. */
  methodId: string | null;
  /** Who the member is at the provider (its subject); the email for the password. */
  remoteProviderId: string;
};

/** The ways a member signs in: their password, and each identity linked to them (third-party or SAML). */
export async function listMemberAuthenticationMethods(call: OrgCall & { userId: string }): Promise<MemberAuthenticationMethod[]> {
  const member = await getMember(call);
  const { db } = call.ctx;
  const methods: MemberAuthenticationMethod[] = [];
  if (member.hasPassword) {
    const lastUsed = await first(
      db
        .select({ time: max(tokens.lastUsedTime) })
        .from(tokens)
        .where(and(eq(tokens.userId, member.user.id), eq(tokens.authMethod, 'password'), isNotNull(tokens.lastUsedTime)))
        .limit(1),
    );
    methods.push({
      member,
      type: 'internal',
      name: 'Password',
      twoFactorEnabled: member.hasAuthenticatorApp,
      lastUsedTime: lastUsed?.time ?? null,
      methodId: null,
      remoteProviderId: member.user.email,
    });
  }
  const identities = await db
    .select({ provider: externalIdentities.provider, subject: externalIdentities.subject, lastUsedTime: externalIdentities.lastUsedTime })
    .from(externalIdentities)
    .where(eq(externalIdentities.userId, member.user.id))
    .orderBy(asc(externalIdentities.createTime));
  const samlIds = identities.filter((i) => i.provider.startsWith('saml:')).map((i) => i.provider.slice('saml:'.length));
  const idpNames = new Map(
    samlIds.length
      ? (await db
          .select({ id: authenticationMethods.id, name: authenticationMethods.name })
          .from(authenticationMethods)
          .where(inArray(authenticationMethods.id, samlIds)))
          .map((m) => [m.id, m.name] as const)
      : [],
  );
  for (const identity of identities) {
    const common = { member, twoFactorEnabled: false, lastUsedTime: identity.lastUsedTime, remoteProviderId: identity.subject };
    if (identity.provider.startsWith('saml:')) {
      const methodId = identity.provider.slice('saml:'.length);
      methods.push({ ...common, type: 'saml', name: idpNames.get(methodId) ?? 'SAML identity provider', methodId });
    } else if (identity.provider in THIRD_PARTY_LABELS) {
      const type = identity.provider as keyof typeof THIRD_PARTY_LABELS;
      methods.push({ ...common, type, name: THIRD_PARTY_LABELS[type], methodId: null });
    }
  }
  return methods;
}
