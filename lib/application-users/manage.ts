import { and, count, desc, eq } from 'drizzle-orm';
import { memberships, tokens, users, type Token, type User } from '@/db/schema';
import { assertSuperAdmin, audit, type OrgCall } from '@/lib/call';
import { iso, type Ctx } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { newUserId } from '@/lib/ids';
import { insertMembership } from '@/lib/model/organizations';
import { createRequestedToken, type CreatedToken } from '@/lib/tokens/create';
import { assertWithinCallerToken, requestedLimits } from '@/lib/tokens/manage';
import { createTokenSchema } from '@/lib/tokens/schema';
import { createApplicationUserSchema, updateApplicationUserSchema } from './schema';

// Application users belong to one organization and act only through their tokens: they have
// no password and cannot sign in. Their tokens meet IP allowlists (the organization's and their
// own) but never the policy's sign-in methods or personal token settings. Super admins only.

export type ApplicationUser = { user: User; isSuperAdmin: boolean; joinTime: string };

/** Application users get an address no mail server answers: it names them, it is not a mailbox. */
const applicationEmail = (userId: string) => `${userId}@application-users.invalid`;

export function listApplicationUsers(call: Pick<OrgCall, 'ctx' | 'membership'>): ApplicationUser[] {
  assertSuperAdmin(call.membership);
  return call.ctx.db
    .select({ user: users, isSuperAdmin: memberships.isSuperAdmin, joinTime: memberships.joinTime })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, call.membership.organization.id), eq(users.isApplicationUser, true)))
    .orderBy(users.realName, users.id)
    .all();
}

/** One application user of the caller's organization; 404 for any other id. */
export function getApplicationUser(call: Pick<OrgCall, 'ctx' | 'membership'>, userId: string): ApplicationUser {
  assertSuperAdmin(call.membership);
  const row = call.ctx.db
    .select({ user: users, isSuperAdmin: memberships.isSuperAdmin, joinTime: memberships.joinTime })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.organizationId, call.membership.organization.id),
        eq(users.id, userId),
        eq(users.isApplicationUser, true),
      ),
    )
    .get();
  if (!row) throw new AppError('not_found', `Application user ${userId} not found`);
  return row;
}

export function createApplicationUser(call: OrgCall & { input: unknown }): ApplicationUser {
  assertSuperAdmin(call.membership);
  const { name, is_super_admin } = parseInput(createApplicationUserSchema, call.input);
  const organizationId = call.membership.organization.id;
  return call.ctx.db.transaction(() => {
    const id = newUserId();
    const user = call.ctx.db
      .insert(users)
      .values({ id, email: applicationEmail(id), realName: name, isApplicationUser: true, createTime: iso(call.ctx.now) })
      .returning()
      .get();
    insertMembership(call.ctx, { organizationId, userId: id, isSuperAdmin: is_super_admin });
    audit(call, 'application_user.created', { user_id: id, name, is_super_admin }, organizationId);
    return getApplicationUser(call, id);
  });
}

export function updateApplicationUser(call: OrgCall & { userId: string; input: unknown }): ApplicationUser {
  const before = getApplicationUser(call, call.userId);
  const patch = parseInput(updateApplicationUserSchema, call.input);
  const organizationId = call.membership!.organization.id;
  return call.ctx.db.transaction(() => {
    if (patch.name !== undefined) call.ctx.db.update(users).set({ realName: patch.name }).where(eq(users.id, call.userId)).run();
    if (patch.is_super_admin !== undefined) {
      call.ctx.db
        .update(memberships)
        .set({ isSuperAdmin: patch.is_super_admin })
        .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, call.userId)))
        .run();
    }
    audit(call, 'application_user.updated', {
        user_id: call.userId,
        old: { name: before.user.realName, is_super_admin: before.isSuperAdmin },
        new: { name: patch.name ?? before.user.realName, is_super_admin: patch.is_super_admin ?? before.isSuperAdmin },
      }, organizationId);
    return getApplicationUser(call, call.userId);
  });
}

export function countApplicationTokens(ctx: Ctx, userId: string): number {
  return ctx.db.select({ n: count() }).from(tokens).where(eq(tokens.userId, userId)).get()!.n;
}

/** Deletes the application user; its tokens go with it. Returns how many tokens that was. */
export function deleteApplicationUser(call: OrgCall & { userId: string }): number {
  const { user } = getApplicationUser(call, call.userId);
  const organizationId = call.membership!.organization.id;
  return call.ctx.db.transaction(() => {
    const revoked = countApplicationTokens(call.ctx, user.id);
    // Tokens and memberships go by the foreign keys' ON DELETE CASCADE.
    call.ctx.db.delete(users).where(eq(users.id, user.id)).run();
    audit(call, 'application_user.deleted', { user_id: user.id, name: user.realName, tokens_revoked: revoked }, organizationId);
    return revoked;
  });
}

/** A token of the application user. Application tokens cannot be changed after creation. */
export function createApplicationToken(call: OrgCall & { userId: string; input: unknown }): CreatedToken {
  const { user } = getApplicationUser(call, call.userId);
  const input = parseInput(createTokenSchema, call.input);
  // The admin's own token is the parent: a scoped or fenced admin token cannot mint a wider
  // application token (lib/tokens/narrowing.ts). Sessions may create any.
  assertWithinCallerToken(call.ctx, call.principal, requestedLimits(input), (details) =>
    audit(call, 'token.creation_refused', { application_user_id: user.id, ...details }, call.membership!.organization.id),
  );
  return call.ctx.db.transaction(() => {
    const created = createRequestedToken(call.ctx, { userId: user.id, kind: 'application', authMethod: 'application' }, input);
    audit(call, 'token.created', {
        application_user_id: user.id,
        token_prefix: created.token.tokenPrefix,
        description: created.token.description,
        max_age_seconds: created.token.maxAgeSeconds,
        ip_allowlist: created.token.ipAllowlist,
        scopes: created.token.scopes,
      }, call.membership!.organization.id);
    return created;
  });
}

export function listApplicationTokens(call: Pick<OrgCall, 'ctx' | 'membership'>, userId: string): Token[] {
  getApplicationUser(call, userId);
  return call.ctx.db.select().from(tokens).where(eq(tokens.userId, userId)).orderBy(desc(tokens.createTime), desc(tokens.id)).all();
}

export function revokeApplicationToken(call: OrgCall & { userId: string; prefix: string }): Token {
  getApplicationUser(call, call.userId);
  return call.ctx.db.transaction(() => {
    const token = call.ctx.db
      .select()
      .from(tokens)
      .where(and(eq(tokens.userId, call.userId), eq(tokens.tokenPrefix, call.prefix)))
      .get();
    if (!token) throw new AppError('not_found', `Token ${call.prefix} not found`);
    call.ctx.db.delete(tokens).where(eq(tokens.id, token.id)).run();
    audit(call, 'token.revoked', { application_user_id: call.userId, token_prefix: token.tokenPrefix, description: token.description }, call.membership!.organization.id);
    return token;
  });
}
