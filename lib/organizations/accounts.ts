import { and, count, eq, inArray } from 'drizzle-orm';
import { type Organization } from '@/db/schema';
import { authenticationMethods, externalIdentities, memberships, organizations, projects, tokens, users } from '@/db/tables';
import { assertSuperAdmin, audit, type Call, type MembershipWithOrg, type OrgCall } from '@/lib/call';
import { type Ctx, inTransaction, iso } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { insertMembership, insertOrganization } from '@/lib/model/organizations';
import { updateRow } from '@/lib/model/rows';
import { createAccountSchema, updateAccountSchema } from './schema';
import { createUnit, type UnitWithOrg } from './units';
import { affectedRows, first } from '@/db/async';

// Organizations through upstream's older "account" routes (/v1/account, which avn's
// organization commands use) and the newer /v1/organizations ones.

/**
 * POST /v1/account: a new organization whose super admin is the caller; with parent_account_id,
 * an organizational unit under that organization (lib/organizations/units.ts).
 */
export async function createAccount(call: Call & { input: unknown }): Promise<MembershipWithOrg | UnitWithOrg> {
  const input = parseInput(createAccountSchema, call.input);
  if (input.parent_account_id) return await createUnit({ ...call, parentAccountId: input.parent_account_id, name: input.account_name });
  // Application users belong to the organization that made them and act only for it.
  if (call.principal.user.isApplicationUser) throw new AppError('forbidden', 'Application users cannot create organizations');
  return await inTransaction(call, async (call) => {
    const organization = await insertOrganization(call.ctx, { name: input.account_name });
    await insertMembership(call.ctx, { organizationId: organization.id, userId: call.principal.user.id, isSuperAdmin: true });
    await audit(call, 'organization.created', { organization_name: organization.name, account_id: organization.accountId }, organization.id);
    return { organization, isSuperAdmin: true, joinTime: iso(call.ctx.now) };
  });
}

/** PUT /v1/account/{account_id}: renames it (super admins). */
export async function updateAccount(call: OrgCall & { input: unknown }): Promise<MembershipWithOrg> {
  assertSuperAdmin(call.membership);
  const input = parseInput(updateAccountSchema, call.input);
  const old = call.membership.organization;
  if (input.account_name === old.name) return call.membership;
  return await inTransaction(call, async (call) => {
    const organization = await updateRow(call.ctx, organizations, old.id, { name: input.account_name });
    await audit(call, 'organization.updated', { old: { name: old.name }, new: { name: organization.name } }, organization.id);
    return { ...call.membership!, organization };
  });
}

/**
 * What goes with an organization beyond its own rows (which go by the foreign keys): the sessions
 * and personal tokens that anyone signed in for through its identity providers (their sign-ins
 * can no longer be vouched for), the links to those providers, and its application users with
 * their tokens (they act only for the organization; left over, their tokens would live on as a
 * user of no organization). Returns the counts for the audit log.
 */
async function endWhatBelongsTo(ctx: Ctx, organizationId: string) {
  const methodIds = (await ctx.db
    .select({ id: authenticationMethods.id })
    .from(authenticationMethods)
    .where(eq(authenticationMethods.organizationId, organizationId)))
    .map((m) => m.id);
  const providers = methodIds.map((id) => `saml:${id}`);
  const throughIdp = async (kind: 'session' | 'personal') =>
    providers.length === 0 ? 0 : affectedRows(await ctx.db.delete(tokens).where(and(inArray(tokens.authMethod, providers), eq(tokens.kind, kind))));
  const sessions = await throughIdp('session');
  const personalTokens = await throughIdp('personal');
  if (providers.length > 0) await ctx.db.delete(externalIdentities).where(inArray(externalIdentities.provider, providers));

  const applicationUserIds = (await ctx.db
    .select({ id: users.id })
    .from(users)
    .innerJoin(memberships, eq(memberships.userId, users.id))
    .where(and(eq(memberships.organizationId, organizationId), eq(users.isApplicationUser, true))))
    .map((u) => u.id);
  let applicationTokens = 0;
  if (applicationUserIds.length > 0) {
    applicationTokens = affectedRows(await ctx.db.delete(tokens).where(inArray(tokens.userId, applicationUserIds)));
    // Memberships go by the foreign keys' ON DELETE CASCADE.
    await ctx.db.delete(users).where(inArray(users.id, applicationUserIds));
  }
  // Its managed users stay, unmanaged (what the schema's ON DELETE SET NULL says; the SQLite
  // column, added by migration 0002, has no action, so it is done here for both engines).
  const managedUsersReleased = affectedRows(await ctx.db
    .update(users)
    .set({ managingOrganizationId: null })
    .where(eq(users.managingOrganizationId, organizationId)));
  return {
    managed_users_released: managedUsersReleased,
    sessions_ended: sessions,
    personal_tokens_revoked: personalTokens,
    application_users_deleted: applicationUserIds.length,
    application_tokens_revoked: applicationTokens,
  };
}

/**
 * DELETE /v1/account/{account_id} (super admins). Refused while projects are in it: they would go
 * with it. Its audit log goes with it too; the deletion is recorded without an organization.
 */
export async function deleteAccount(call: OrgCall): Promise<void> {
  assertSuperAdmin(call.membership);
  const organization: Organization = call.membership.organization;
  await inTransaction(call, async (call) => {
    const projectCount = (await first(call.ctx.db.select({ n: count() }).from(projects).where(eq(projects.organizationId, organization.id)).limit(1)))!.n;
    // With no organization left, first-run setup would open again to anyone who finds it.
    if ((await first(call.ctx.db.select({ n: count() }).from(organizations).limit(1)))!.n <= 1) {
      throw new AppError('conflict', `Organization "${organization.name}" is the last one on this installation and cannot be deleted`);
    }
    if (projectCount > 0) {
      throw new AppError('conflict', `Organization "${organization.name}" still has ${projectCount} project(s): move or delete them first`);
    }
    const ended = await endWhatBelongsTo(call.ctx, organization.id);
    await call.ctx.db.delete(organizations).where(eq(organizations.id, organization.id));
    await audit(call, 'organization.deleted', {
      organization_id: organization.id,
      account_id: organization.accountId,
      organization_name: organization.name,
      ...ended,
    }, null);
  });
}
