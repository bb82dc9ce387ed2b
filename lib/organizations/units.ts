import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import { type OrganizationUnit } from '@/db/schema';
import { organizations, organizationUnits, projects } from '@/db/tables';
import { assertOrganizationAdmits } from '@/lib/auth/gate';
import { assertSuperAdmin, audit, type Call, type MembershipWithOrg, type Principal } from '@/lib/call';
import { type Ctx, inTransaction, iso } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { newAccountId } from '@/lib/ids';
import { findUnit } from '@/lib/model/units';
import { updateRow } from '@/lib/model/rows';
import { updateAccountSchema } from './schema';
import { first, single } from '@/db/async';

// Organizational units (seed 001: a project moves to "an organization or unit"): one level
// below an organization, holding projects. A unit is an account of the Aiven API whose
// parent_account_id is its organization's account. It has no members, policy, IP allowlist or
// identity providers of its own: its organization's apply to it and to its projects, and only
// that organization's super admins create, rename, delete and fill it. A project in a unit keeps
// the organization as its organizationId (lib/projects/manage.ts), so every check that finds a
// project's organization (the request gate among them) finds the unit's organization.

/** A unit as its organization's member sees it: the unit and their membership of its organization. */
export type UnitWithOrg = { unit: OrganizationUnit; membership: MembershipWithOrg };

/** A unit with the number of projects it holds, for lists. */
export type UnitSummary = OrganizationUnit & { projectCount: number };

/**
 * What an account id names for this caller: one of their organizations, or a unit of one
 * (`unit` set, `membership` its organization's). Null for an id nobody has and for another
 * organization's account or unit alike, so that other tenants' ids cannot be probed.
 */
export async function resolveAccount(
  ctx: Ctx,
  principal: Principal,
  accountId: string,
): Promise<{ membership: MembershipWithOrg; unit: OrganizationUnit | null } | null> {
  const membership = principal.memberships.find((m) => m.organization.accountId === accountId);
  if (membership) return { membership, unit: null };
  const unit = await findUnit(ctx, accountId);
  const parent = unit ? principal.memberships.find((m) => m.organization.id === unit.organizationId) : undefined;
  return unit && parent ? { membership: parent, unit } : null;
}

/** The units of an organization, by name, each with its project count. */
export async function listUnits(ctx: Ctx, organizationId: string): Promise<UnitSummary[]> {
  return await listUnitsOf(ctx, [organizationId]);
}

/** The units of several organizations (GET /v1/account lists those of each of the caller's). */
export async function listUnitsOf(ctx: Ctx, organizationIds: string[]): Promise<UnitSummary[]> {
  if (organizationIds.length === 0) return [];
  return await ctx.db
    .select({
      id: organizationUnits.id,
      organizationId: organizationUnits.organizationId,
      name: organizationUnits.name,
      createTime: organizationUnits.createTime,
      updateTime: organizationUnits.updateTime,
      projectCount: count(projects.id),
    })
    .from(organizationUnits)
    .leftJoin(projects, eq(projects.unitId, organizationUnits.id))
    .where(inArray(organizationUnits.organizationId, organizationIds))
    .groupBy(organizationUnits.id)
    .orderBy(asc(sql`lower(${organizationUnits.name})`), asc(organizationUnits.id));
}

/** A unit of the organization being worked in (the console's actions), or 404. */
export async function unitOfOrganization(ctx: Ctx, membership: MembershipWithOrg, unitId: string): Promise<UnitWithOrg> {
  const unit = await findUnit(ctx, unitId);
  // Another organization's unit answers as one that does not exist.
  if (!unit || unit.organizationId !== membership.organization.id) throw new AppError('not_found', `Unit ${unitId} not found`);
  return { unit, membership };
}

/** Names are unique within an organization, ignoring case: the "move to" list must tell them apart. */
async function assertNameFree(ctx: Ctx, organizationId: string, name: string, except?: string): Promise<void> {
  const taken = (await ctx.db
    .select({ id: organizationUnits.id })
    .from(organizationUnits)
    .where(and(eq(organizationUnits.organizationId, organizationId), sql`lower(${organizationUnits.name}) = lower(${name})`)))
    .some((row) => row.id !== except);
  if (taken) throw new AppError('conflict', `Unit "${name}" already exists in this organization`, { account_name: [`Unit "${name}" already exists`] });
}

/** A fresh account id that no organization or unit has (ids are looked up in both tables). */
async function freshAccountId(ctx: Ctx): Promise<string> {
  for (;;) {
    const id = newAccountId();
    const inOrgs = (await first(ctx.db.select({ n: count() }).from(organizations).where(eq(organizations.accountId, id)).limit(1)))!.n;
    if (inOrgs === 0 && !await findUnit(ctx, id)) return id;
  }
}

/**
 * POST /v1/account with parent_account_id: a unit under that organization. Only its super admins
 * may, under its policy and IP allowlist. A parent that is itself a unit is 400 (units are one
 * level deep); a parent the caller does not belong to is 404, as an unknown one is.
 */
export async function createUnit(call: Call & { parentAccountId: string; name: string }): Promise<UnitWithOrg> {
  const { ctx, principal, parentAccountId } = call;
  const parent = await resolveAccount(ctx, principal, parentAccountId);
  if (!parent) throw new AppError('not_found', `Account ${parentAccountId} not found`);
  const { membership } = parent;
  if (parent.unit) {
    throw new AppError(
      'bad_request',
      `Account ${parentAccountId} is an organizational unit; units are one level deep: give the account_id of its organization "${membership.organization.name}" (${membership.organization.accountId}) as parent_account_id`,
      { parent_account_id: ['Units are one level deep: choose an organization, not a unit'] },
    );
  }
  if (!membership.isSuperAdmin) {
    throw new AppError('forbidden', `Only super admins of organization "${membership.organization.name}" may create units in it`);
  }
  assertOrganizationAdmits(membership, principal, call.meta.ip);
  return await inTransaction(ctx, async (ctx) => {
    await assertNameFree(ctx, membership.organization.id, call.name);
    const now = iso(ctx.now);
    const unit = await single(
      ctx.db
        .insert(organizationUnits)
        .values({ id: await freshAccountId(ctx), organizationId: membership.organization.id, name: call.name, createTime: now, updateTime: now })
        .returning(),
    );
    await audit({ ...call, ctx }, 'unit.created', { unit_id: unit.id, unit_name: unit.name }, membership.organization.id);
    return { unit, membership };
  });
}

/** PUT /v1/account/{unit_id} {account_name}, or Admin → Units → Rename: its organization's super admins. */
export async function updateUnit(call: Call & { target: UnitWithOrg; input: unknown }): Promise<UnitWithOrg> {
  assertSuperAdmin(call.target.membership);
  const input = parseInput(updateAccountSchema, call.input);
  const old = call.target.unit;
  if (input.account_name === old.name) return call.target;
  return await inTransaction(call, async (call) => {
    await assertNameFree(call.ctx, old.organizationId, input.account_name, old.id);
    const unit = await updateRow(call.ctx, organizationUnits, old.id, { name: input.account_name });
    await audit(call, 'unit.updated', { unit_id: unit.id, unit_name: unit.name, old: { name: old.name }, new: { name: unit.name } }, old.organizationId);
    return { ...call.target, unit };
  });
}

/**
 * DELETE /v1/account/{unit_id}, or Admin → Units → Delete: its organization's super admins.
 * Refused while it holds projects, as deleting an organization is: moving them silently would
 * change who reads them in a way nobody chose.
 */
export async function deleteUnit(call: Call & { target: UnitWithOrg }): Promise<void> {
  assertSuperAdmin(call.target.membership);
  const { unit } = call.target;
  await inTransaction(call, async (call) => {
    const held = (await first(call.ctx.db.select({ n: count() }).from(projects).where(eq(projects.unitId, unit.id)).limit(1)))!.n;
    if (held > 0) {
      throw new AppError(
        'conflict',
        `Unit "${unit.name}" still holds ${held} project(s): move them to the organization or another unit, or delete them, first`,
      );
    }
    await call.ctx.db.delete(organizationUnits).where(eq(organizationUnits.id, unit.id));
    await audit(call, 'unit.deleted', { unit_id: unit.id, unit_name: unit.name }, unit.organizationId);
  });
}
