import { count, eq } from 'drizzle-orm';
import { organizations, projects, type Organization } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import type { Principal } from '@/lib/auth/gate';
import type { RequestMeta } from '@/lib/auth/sign-in';
import { iso, type Ctx } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { assertSuperAdmin } from './authorize';
import { insertMembership, insertOrganization } from './create';
import type { MembershipWithOrg } from './memberships';
import { createAccountSchema, updateAccountSchema } from './schema';

// Organizations through upstream's older "account" routes (/v1/account, which avn's
// organization commands use) and the newer /v1/organizations ones.

type Call = { ctx: Ctx; principal: Principal; meta: RequestMeta };

function audit(call: Call, organizationId: string | null, event: 'organization.created' | 'organization.updated' | 'organization.deleted', details: Record<string, unknown>) {
  recordAudit(call.ctx, {
    event,
    organizationId,
    details,
    actorUserId: call.principal.user.id,
    actorEmail: call.principal.user.email,
    ip: call.meta.ip,
    userAgent: call.meta.userAgent,
  });
}

/** POST /v1/account: a new organization whose super admin is the caller. */
export function createAccount(call: Call & { input: unknown }): MembershipWithOrg {
  const input = parseInput(createAccountSchema, call.input);
  // Application users belong to the organization that made them and act only for it.
  if (call.principal.user.isApplicationUser) throw new AppError('forbidden', 'Application users cannot create organizations');
  return call.ctx.db.transaction(() => {
    const organization = insertOrganization(call.ctx, { name: input.account_name });
    insertMembership(call.ctx, { organizationId: organization.id, userId: call.principal.user.id, isSuperAdmin: true });
    audit(call, organization.id, 'organization.created', { organization_name: organization.name, account_id: organization.accountId });
    return { organization, isSuperAdmin: true, joinTime: iso(call.ctx.now) };
  });
}

/** PUT /v1/account/{account_id}: renames it (super admins). */
export function updateAccount(call: Call & { membership: MembershipWithOrg | null; input: unknown }): MembershipWithOrg {
  assertSuperAdmin(call.membership);
  const input = parseInput(updateAccountSchema, call.input);
  const old = call.membership.organization;
  if (input.account_name === old.name) return call.membership;
  return call.ctx.db.transaction(() => {
    const organization = call.ctx.db
      .update(organizations)
      .set({ name: input.account_name, updateTime: iso(call.ctx.now) })
      .where(eq(organizations.id, old.id))
      .returning()
      .get();
    audit(call, organization.id, 'organization.updated', { old: { name: old.name }, new: { name: organization.name } });
    return { ...call.membership!, organization };
  });
}

/**
 * DELETE /v1/account/{account_id} (super admins). Refused while projects are in it: they would go
 * with it. Its audit log goes with it too; the deletion is recorded without an organization.
 */
export function deleteAccount(call: Call & { membership: MembershipWithOrg | null }): void {
  assertSuperAdmin(call.membership);
  const organization: Organization = call.membership.organization;
  call.ctx.db.transaction(() => {
    const projectCount = call.ctx.db.select({ n: count() }).from(projects).where(eq(projects.organizationId, organization.id)).get()!.n;
    // With no organization left, first-run setup would open again to anyone who finds it.
    if (call.ctx.db.select({ n: count() }).from(organizations).get()!.n <= 1) {
      throw new AppError('conflict', `Organization "${organization.name}" is the last one on this installation and cannot be deleted`);
    }
    if (projectCount > 0) {
      throw new AppError('conflict', `Organization "${organization.name}" still has ${projectCount} project(s): move or delete them first`);
    }
    call.ctx.db.delete(organizations).where(eq(organizations.id, organization.id)).run();
    audit(call, null, 'organization.deleted', {
      organization_id: organization.id,
      account_id: organization.accountId,
      organization_name: organization.name,
    });
  });
}
