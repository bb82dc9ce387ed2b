import { and, count, desc, eq } from 'drizzle-orm';
import { type Token, type User } from '@/db/schema';
import { memberships, tokens, users } from '@/db/tables';
import { assertSuperAdmin, audit, type OrgCall } from '@/lib/call';
import { type Ctx, inTransaction, iso } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { newUserId } from '@/lib/ids';
import { insertMembership } from '@/lib/model/organizations';
import { createRequestedToken, type CreatedToken } from '@/lib/tokens/create';
import { assertWithinCallerToken, requestedLimits } from '@/lib/tokens/manage';
import { createTokenSchema } from '@/lib/tokens/schema';
import { createApplicationUserSchema, updateApplicationUserSchema } from './schema';
import { first, single } from '@/db/async';

// Application users belong to one organization and act only through their tokens: they have
// no password and cannot sign in. Their tokens meet IP allowlists (the organization's and their
// own) but never the policy's sign-in methods or personal token settings. Super admins only.

export type ApplicationUser = { user: User; isSuperAdmin: boolean; joinTime: string };

/** Application users get an address no mail server answers: it names them, it is not a mailbox. */
const applicationEmail = (userId: string) => `${userId}@application-users.invalid`;

export async function listApplicationUsers(call: Pick<OrgCall, 'ctx' | 'membership'>): Promise<ApplicationUser[]> {
  assertSuperAdmin(call.membership);
  return await call.ctx.db
    .select({ user: users, isSuperAdmin: memberships.isSuperAdmin, joinTime: memberships.joinTime })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, call.membership.organization.id), eq(users.isApplicationUser, true)))
    .orderBy(users.realName, users.id);
}

/** One application user of the caller's organization; 404 for any other id. */
export async function getApplicationUser(call: Pick<OrgCall, 'ctx' | 'membership'>, userId: string): Promise<ApplicationUser> {
  assertSuperAdmin(call.membership);
  const row = await first(
    call.ctx.db
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
      .limit(1),
  );
  if (!row) throw new AppError('not_found', `Application user ${userId} not found`);
  return row;
}

export async function createApplicationUser(call: OrgCall & { input: unknown }): Promise<ApplicationUser> {
  assertSuperAdmin(call.membership);
  const { name, is_super_admin } = parseInput(createApplicationUserSchema, call.input);
  const organizationId = call.membership.organization.id;
  return await inTransaction(call, async (call) => {
    const id = newUserId();
    const user = await single(
      call.ctx.db
        .insert(users)
        .values({ id, email: applicationEmail(id), realName: name, isApplicationUser: true, createTime: iso(call.ctx.now) })
        .returning(),
    );
    await insertMembership(call.ctx, { organizationId, userId: id, isSuperAdmin: is_super_admin });
    await audit(call, 'application_user.created', { user_id: id, name, is_super_admin }, organizationId);
    return await getApplicationUser(call, id);
  });
}

export async function updateApplicationUser(call: OrgCall & { userId: string; input: unknown }): Promise<ApplicationUser> {
  const before = await getApplicationUser(call, call.userId);
  const patch = parseInput(updateApplicationUserSchema, call.input);
  const organizationId = call.membership!.organization.id;
  return await inTransaction(call, async (call) => {
    if (patch.name !== undefined) await call.ctx.db.update(users).set({ realName: patch.name }).where(eq(users.id, call.userId));
    if (patch.is_super_admin !== undefined) {
      await call.ctx.db
        .update(memberships)
        .set({ isSuperAdmin: patch.is_super_admin })
        .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, call.userId)));
    }
    await audit(call, 'application_user.updated', {
        user_id: call.userId,
        old: { name: before.user.realName, is_super_admin: before.isSuperAdmin },
        new: { name: patch.name ?? before.user.realName, is_super_admin: patch.is_super_admin ?? before.isSuperAdmin },
      }, organizationId);
    return await getApplicationUser(call, call.userId);
  });
}

export async function countApplicationTokens(ctx: Ctx, userId: string): Promise<number> {
  return (await first(ctx.db.select({ n: count() }).from(tokens).where(eq(tokens.userId, userId)).limit(1)))!.n;
}

/** Deletes the application user; its tokens go with it. Returns how many tokens that was. */
export async function deleteApplicationUser(call: OrgCall & { userId: string }): Promise<number> {
  const { user } = await getApplicationUser(call, call.userId);
  const organizationId = call.membership!.organization.id;
  return await inTransaction(call, async (call) => {
    const revoked = await countApplicationTokens(call.ctx, user.id);
    // Tokens and memberships go by the foreign keys' ON DELETE CASCADE.
    await call.ctx.db.delete(users).where(eq(users.id, user.id));
    await audit(call, 'application_user.deleted', { user_id: user.id, name: user.realName, tokens_revoked: revoked }, organizationId);
    return revoked;
  });
}

/** A token of the application user. Application tokens cannot be changed after creation. */
export async function createApplicationToken(call: OrgCall & { userId: string; input: unknown }): Promise<CreatedToken> {
  const { user } = await getApplicationUser(call, call.userId);
  const input = parseInput(createTokenSchema, call.input);
  // The admin's own token is the parent: a scoped or fenced admin token cannot mint a wider
  // application token (lib/tokens/narrowing.ts). Sessions may create any.
  await assertWithinCallerToken(call.ctx, call.principal, requestedLimits(input), (details) =>
    audit(call, 'token.creation_refused', { application_user_id: user.id, ...details }, call.membership!.organization.id),
  );
  return await inTransaction(call, async (call) => {
    const created = await createRequestedToken(call.ctx, { userId: user.id, kind: 'application', authMethod: 'application' }, input);
    await audit(call, 'token.created', {
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

export async function listApplicationTokens(call: Pick<OrgCall, 'ctx' | 'membership'>, userId: string): Promise<Token[]> {
  await getApplicationUser(call, userId);
  return await call.ctx.db.select().from(tokens).where(eq(tokens.userId, userId)).orderBy(desc(tokens.createTime), desc(tokens.id));
}

export async function revokeApplicationToken(call: OrgCall & { userId: string; prefix: string }): Promise<Token> {
  await getApplicationUser(call, call.userId);
  return await inTransaction(call, async (call) => {
    const token = await first(
      call.ctx.db
        .select()
        .from(tokens)
        .where(and(eq(tokens.userId, call.userId), eq(tokens.tokenPrefix, call.prefix)))
        .limit(1),
    );
    if (!token) throw new AppError('not_found', `Token ${call.prefix} not found`);
    await call.ctx.db.delete(tokens).where(eq(tokens.id, token.id));
    await audit(call, 'token.revoked', { application_user_id: call.userId, token_prefix: token.tokenPrefix, description: token.description }, call.membership!.organization.id);
    return token;
  });
}
