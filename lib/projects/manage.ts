import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { type Organization, type OrganizationUnit, type Project } from '@/db/schema';
import { memberships, organizations, organizationUnits, projects } from '@/db/tables';
import type { AuditEventName } from '@/lib/audit/record';
import { assertOrganizationAdmits } from '@/lib/auth/gate';
import { audit, type Call, type MembershipWithOrg, type Principal } from '@/lib/call';
import { type Ctx, inTransaction, iso } from '@/lib/context';
import { updateRow } from '@/lib/model/rows';
import { AppError, parseInput } from '@/lib/errors';
import { newProjectId } from '@/lib/ids';
import { resolveAccount } from '@/lib/organizations/units';
import { preparedPerDb } from '@/lib/prepared';
import { createProjectSchema, updateProjectSchema } from './schema';
import { first, single } from '@/db/async';

// Projects: a name, a place (an organization, or none: standalone) and the services in it. A
// project in an organization belongs to it: its members read it, its super admins change it. A
// standalone project belongs to the user who made it, until they move it into an organization
// they are a super admin of. Who may reach a project at all is the request gate's decision
// (authorizeProject in lib/auth/gate.ts); these functions take its answer.
//
// A project may sit in an organizational unit of its organization (lib/organizations/units.ts): then
// unitId names the unit and organizationId stays the unit's organization. Every rule above reads
// organizationId, so a project in a unit is governed exactly as one at the organization's level.
// Only the functions here write unitId, and always together with organizationId.

export type ProjectWithOrg = { project: Project; organization: Organization | null; unit: OrganizationUnit | null };

/**
 * The caller's hold on a project, as the gate settled it: the membership of the project's
 * organization, or null for the caller's own standalone project.
 */
export type ProjectAccess = ProjectWithOrg & { membership: MembershipWithOrg | null };

/** Where a project's events are recorded: its organization, or every organization of its creator. */
export async function auditProject(
  call: Call,
  project: Project,
  { event, details }: { event: AuditEventName; details?: Record<string, unknown> },
  { except }: { except?: string | null } = {},
): Promise<void> {
  if (project.organizationId) {
    if (project.organizationId !== except) await audit(call, event, details, project.organizationId);
  } else {
    const others = call.principal.memberships.map((m) => m.organization.id).filter((id) => id !== except);
    if (!except || others.length > 0) await audit(call, event, details, others);
  }
}

async function findProject(ctx: Ctx, name: string): Promise<ProjectWithOrg | null> {
  return (
    await first(
      ctx.db
        .select({ project: projects, organization: organizations, unit: organizationUnits })
        .from(projects)
        .leftJoin(organizations, eq(organizations.id, projects.organizationId))
        .leftJoin(organizationUnits, eq(organizationUnits.id, projects.unitId))
        .where(eq(projects.name, name))
        .limit(1),
    ) ?? null
  );
}

/**
 * The project the gate let through, with the caller's membership: `membership` is the gate's
 * answer for the request's project scope. Checks again that it is the same project.
 */
export async function projectAccess(ctx: Ctx, principal: Principal, name: string, membership: MembershipWithOrg | null): Promise<ProjectAccess> {
  const found = await findProject(ctx, name);
  const notFound = new AppError('not_found', `Project ${name} not found`);
  if (!found) throw notFound;
  if (found.project.organizationId === null) {
    if (found.project.createdByUserId !== principal.user.id) throw notFound;
    return { ...found, membership: null };
  }
  if (membership?.organization.id !== found.project.organizationId) throw notFound;
  return { ...found, membership };
}

/** Whether the caller may change the project: its organization's super admin, or the creator of a standalone one. */
export function mayChangeProject(access: ProjectAccess): boolean {
  return !access.membership || access.membership.isSuperAdmin;
}

/** Throws 403 unless the caller may change the project (mayChangeProject). */
export function assertMayChangeProject(access: ProjectAccess): void {
  if (!mayChangeProject(access) && access.membership) {
    throw new AppError('forbidden', `Only super admins of organization "${access.membership.organization.name}" may change project ${access.project.name}`);
  }
}

/** Every project the caller reaches: those of their organizations and their own standalone ones. */
export async function listProjects({ ctx, principal, organizationId }: { ctx: Ctx; principal: Principal; organizationId?: string }): Promise<ProjectWithOrg[]> {
  const orgIds = organizationId
    ? principal.memberships.filter((m) => m.organization.id === organizationId).map((m) => m.organization.id)
    : principal.memberships.map((m) => m.organization.id);
  const own = and(isNull(projects.organizationId), eq(projects.createdByUserId, principal.user.id));
  return await ctx.db
    .select({ project: projects, organization: organizations, unit: organizationUnits })
    .from(projects)
    .leftJoin(organizations, eq(organizations.id, projects.organizationId))
    .leftJoin(organizationUnits, eq(organizationUnits.id, projects.unitId))
    .where(orgIds.length ? or(inArray(projects.organizationId, orgIds), own) : own)
    .orderBy(asc(projects.name));
}

/**
 * The names of the projects listProjects gives a user (those of their organizations and their
 * own standalone ones), as one prepared query: GET /v1/me lists them on every call, which avn
 * makes often, so it should not build its SQL each time.
 */
const projectNamesOfUser = preparedPerDb((db) =>
  db
    .select({ name: projects.name })
    .from(projects)
    .where(
      or(
        inArray(
          projects.organizationId,
          db.select({ id: memberships.organizationId }).from(memberships).where(eq(memberships.userId, sql.placeholder('userId'))),
        ),
        and(isNull(projects.organizationId), eq(projects.createdByUserId, sql.placeholder('userId'))),
      ),
    )
    .orderBy(asc(projects.name))
    .prepare(),
);

export async function projectNamesOf(ctx: Ctx, userId: string): Promise<string[]> {
  return (await projectNamesOfUser(ctx.db)
    .execute({ userId }))
    .map((row) => row.name);
}

/**
 * Where account_id puts a project: an organization, or a unit of one (`unit` set). Either way
 * the caller must be a super admin of that organization, under its policy and allowlist: a unit
 * has no admins or rules of its own.
 */
async function destinationOf(call: Call, accountId: string): Promise<{ membership: MembershipWithOrg; unit: OrganizationUnit | null }> {
  const target = await resolveAccount(call.ctx, call.principal, accountId);
  // Not a member, another organization's unit and no such account answer alike.
  if (!target) throw new AppError('not_found', `Account ${accountId} not found`);
  const { membership } = target;
  if (!membership.isSuperAdmin) {
    throw new AppError('forbidden', `Only super admins of organization "${membership.organization.name}" may put projects in it`);
  }
  assertOrganizationAdmits(membership, call.principal, call.meta.ip);
  return target;
}

async function assertNameFree(ctx: Ctx, name: string): Promise<void> {
  if (await first(ctx.db.select({ id: projects.id }).from(projects).where(eq(projects.name, name)).limit(1))) {
    throw new AppError('conflict', `Project ${name} already exists`, { project: [`Project ${name} already exists`] });
  }
}

/** POST /v1/project: in an organization (account_id, its super admins) or standalone. */
export async function createProject(call: Call & { input: unknown }): Promise<ProjectWithOrg> {
  const input = parseInput(createProjectSchema, call.input);
  const target = input.account_id ? await destinationOf(call, input.account_id) : null;
  const membership = target?.membership ?? null;
  // Application users belong to one organization; a project of theirs must be in it.
  if (!membership && call.principal.user.isApplicationUser) {
    throw new AppError('bad_request', 'Application users create projects in their organization: give account_id');
  }
  return await inTransaction(call, async (call) => {
    await assertNameFree(call.ctx, input.project);
    const now = iso(call.ctx.now);
    const project = await single(
      call.ctx.db
        .insert(projects)
        .values({
          id: newProjectId(),
          name: input.project,
          organizationId: membership?.organization.id ?? null,
          unitId: target?.unit?.id ?? null,
          createdByUserId: call.principal.user.id,
          cloud: input.cloud ?? '',
          techEmails: (input.tech_emails ?? []).map((t) => t.email),
          createTime: now,
          updateTime: now,
        })
        .returning(),
    );
    await auditProject(call, project, {
      event: 'project.created',
      details: { project: project.name, organization_id: project.organizationId, ...(project.unitId ? { unit_id: project.unitId, unit_name: target!.unit!.name } : {}) },
    });
    return { project, organization: membership?.organization ?? null, unit: target?.unit ?? null };
  });
}

/**
 * PUT /v1/project/{project}: project_name renames (super admins of its organization, or the
 * creator of a standalone project); account_id moves it into an organization or a unit of one,
 * which only a super admin of that organization may do (and, from another organization, a super
 * admin of that one too). Naming the organization's own account takes a project out of its unit.
 */
export async function updateProject(call: Call & { access: ProjectAccess; input: unknown }): Promise<ProjectWithOrg> {
  const input = parseInput(updateProjectSchema, call.input);
  const { access } = call;
  assertMayChangeProject(access);
  const target = input.account_id ? await destinationOf(call, input.account_id) : null;
  return await inTransaction(call, async (call) => {
    const old = access.project;
    const changes: Partial<Project> = {};
    if (input.project_name !== undefined && input.project_name !== old.name) {
      await assertNameFree(call.ctx, input.project_name);
      changes.name = input.project_name;
    }
    if (target && target.membership.organization.id !== old.organizationId) changes.organizationId = target.membership.organization.id;
    if (target && (target.unit?.id ?? null) !== old.unitId) changes.unitId = target.unit?.id ?? null;
    if (input.cloud !== undefined && input.cloud !== old.cloud) changes.cloud = input.cloud;
    if (Object.keys(changes).length === 0) return { project: old, organization: access.organization, unit: access.unit };
    const project = await updateRow(call.ctx, projects, old.id, changes);
    const oldValues = { project_name: old.name, organization_id: old.organizationId, unit_id: old.unitId, cloud: old.cloud };
    const newValues = { project_name: project.name, organization_id: project.organizationId, unit_id: project.unitId, cloud: project.cloud };
    const keys = (Object.keys(newValues) as (keyof typeof newValues)[]).filter((k) => oldValues[k] !== newValues[k]);
    const details = {
      project: project.name,
      ...(project.unitId && changes.unitId !== undefined ? { unit_name: target!.unit!.name } : {}),
      old: Object.fromEntries(keys.map((k) => [k, oldValues[k]])),
      new: Object.fromEntries(keys.map((k) => [k, newValues[k]])),
    };
    const event = changes.organizationId || changes.unitId !== undefined ? 'project.moved' : 'project.updated';
    // A move is told to the organization it left (or its creator's) and the one it joined.
    if (changes.organizationId) await auditProject(call, old, { event, details }, { except: changes.organizationId });
    await auditProject(call, project, { event, details });
    return { project, organization: target?.membership.organization ?? access.organization, unit: target ? target.unit : access.unit };
  });
}
