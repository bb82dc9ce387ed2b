import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { memberships, organizations, projects, type Organization, type Project } from '@/db/schema';
import { recordAudit, recordUserAudit, type AuditInput } from '@/lib/audit/record';
import { assertOrganizationAdmits, type Principal } from '@/lib/auth/gate';
import type { RequestMeta } from '@/lib/auth/sign-in';
import { iso, type Ctx } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { newProjectId } from '@/lib/ids';
import type { MembershipWithOrg } from '@/lib/orgs/memberships';
import { preparedPerDb } from '@/lib/prepared';
import { createProjectSchema, updateProjectSchema } from './schema';

// Projects: a name, a place (an organization, or none: standalone) and the services in it. A
// project in an organization belongs to it: its members read it, its super admins change it. A
// standalone project belongs to the user who made it, until they move it into an organization
// they are a super admin of. Who may reach a project at all is the request gate's decision
// (authorizeProject in lib/auth/gate.ts); these functions take its answer.

export type ProjectWithOrg = { project: Project; organization: Organization | null };

type Call = { ctx: Ctx; principal: Principal; meta: RequestMeta };

/**
 * The caller's hold on a project, as the gate settled it: the membership of the project's
 * organization, or null for the caller's own standalone project.
 */
export type ProjectAccess = ProjectWithOrg & { membership: MembershipWithOrg | null };

/** Where a project's events are recorded: its organization, or every organization of its creator. */
export function auditProject(
  call: Call,
  project: Project,
  input: Pick<AuditInput, 'event' | 'details'>,
  { except }: { except?: string | null } = {},
): void {
  const base = {
    ...input,
    actorUserId: call.principal.user.id,
    actorEmail: call.principal.user.email,
    ip: call.meta.ip,
    userAgent: call.meta.userAgent,
  };
  if (project.organizationId) {
    if (project.organizationId !== except) recordAudit(call.ctx, { ...base, organizationId: project.organizationId });
  } else {
    const ids = call.principal.memberships.map((m) => m.organization.id);
    const others = ids.filter((id) => id !== except);
    if (!except || others.length > 0) recordUserAudit(call.ctx, others, base);
  }
}

function findProject(ctx: Ctx, name: string): ProjectWithOrg | null {
  return (
    ctx.db
      .select({ project: projects, organization: organizations })
      .from(projects)
      .leftJoin(organizations, eq(organizations.id, projects.organizationId))
      .where(eq(projects.name, name))
      .get() ?? null
  );
}

/**
 * The project the gate let through, with the caller's membership: `membership` is the gate's
 * answer for the request's project scope. Checks again that it is the same project.
 */
export function projectAccess(ctx: Ctx, principal: Principal, name: string, membership: MembershipWithOrg | null): ProjectAccess {
  const found = findProject(ctx, name);
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
export function listProjects({ ctx, principal, organizationId }: { ctx: Ctx; principal: Principal; organizationId?: string }): ProjectWithOrg[] {
  const orgIds = organizationId
    ? principal.memberships.filter((m) => m.organization.id === organizationId).map((m) => m.organization.id)
    : principal.memberships.map((m) => m.organization.id);
  const own = and(isNull(projects.organizationId), eq(projects.createdByUserId, principal.user.id));
  return ctx.db
    .select({ project: projects, organization: organizations })
    .from(projects)
    .leftJoin(organizations, eq(organizations.id, projects.organizationId))
    .where(orgIds.length ? or(inArray(projects.organizationId, orgIds), own) : own)
    .orderBy(asc(projects.name))
    .all();
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

export function projectNamesOf(ctx: Ctx, userId: string): string[] {
  return projectNamesOfUser(ctx.db)
    .all({ userId })
    .map((row) => row.name);
}

/** The membership of the organization with this account id, which the caller must be a super admin of. */
function superAdminMembershipOf(call: Call, accountId: string): MembershipWithOrg {
  const membership = call.principal.memberships.find((m) => m.organization.accountId === accountId);
  // Not a member and no such account answer alike.
  if (!membership) throw new AppError('not_found', `Account ${accountId} not found`);
  if (!membership.isSuperAdmin) {
    throw new AppError('forbidden', `Only super admins of organization "${membership.organization.name}" may put projects in it`);
  }
  assertOrganizationAdmits(membership, call.principal, call.meta.ip);
  return membership;
}

function assertNameFree(ctx: Ctx, name: string): void {
  if (ctx.db.select({ id: projects.id }).from(projects).where(eq(projects.name, name)).get()) {
    throw new AppError('conflict', `Project ${name} already exists`, { project: [`Project ${name} already exists`] });
  }
}

/** POST /v1/project: in an organization (account_id, its super admins) or standalone. */
export function createProject(call: Call & { input: unknown }): ProjectWithOrg {
  const input = parseInput(createProjectSchema, call.input);
  const membership = input.account_id ? superAdminMembershipOf(call, input.account_id) : null;
  // Application users belong to one organization; a project of theirs must be in it.
  if (!membership && call.principal.user.isApplicationUser) {
    throw new AppError('bad_request', 'Application users create projects in their organization: give account_id');
  }
  return call.ctx.db.transaction(() => {
    assertNameFree(call.ctx, input.project);
    const now = iso(call.ctx.now);
    const project = call.ctx.db
      .insert(projects)
      .values({
        id: newProjectId(),
        name: input.project,
        organizationId: membership?.organization.id ?? null,
        createdByUserId: call.principal.user.id,
        cloud: input.cloud ?? '',
        techEmails: (input.tech_emails ?? []).map((t) => t.email),
        createTime: now,
        updateTime: now,
      })
      .returning()
      .get();
    auditProject(call, project, {
      event: 'project.created',
      details: { project: project.name, organization_id: project.organizationId },
    });
    return { project, organization: membership?.organization ?? null };
  });
}

/**
 * PUT /v1/project/{project}: project_name renames (super admins of its organization, or the
 * creator of a standalone project); account_id moves it into an organization, which only a super
 * admin of that organization may do (and, from another organization, a super admin of that one too).
 */
export function updateProject(call: Call & { access: ProjectAccess; input: unknown }): ProjectWithOrg {
  const input = parseInput(updateProjectSchema, call.input);
  const { access } = call;
  assertMayChangeProject(access);
  const target = input.account_id ? superAdminMembershipOf(call, input.account_id) : null;
  return call.ctx.db.transaction(() => {
    const old = access.project;
    const changes: Partial<Project> = {};
    if (input.project_name !== undefined && input.project_name !== old.name) {
      assertNameFree(call.ctx, input.project_name);
      changes.name = input.project_name;
    }
    if (target && target.organization.id !== old.organizationId) changes.organizationId = target.organization.id;
    if (input.cloud !== undefined && input.cloud !== old.cloud) changes.cloud = input.cloud;
    if (Object.keys(changes).length === 0) return { project: old, organization: access.organization };
    const project = call.ctx.db
      .update(projects)
      .set({ ...changes, updateTime: iso(call.ctx.now) })
      .where(eq(projects.id, old.id))
      .returning()
      .get();
    const oldValues = { project_name: old.name, organization_id: old.organizationId, cloud: old.cloud };
    const newValues = { project_name: project.name, organization_id: project.organizationId, cloud: project.cloud };
    const keys = (Object.keys(newValues) as (keyof typeof newValues)[]).filter((k) => oldValues[k] !== newValues[k]);
    const details = {
      project: project.name,
      old: Object.fromEntries(keys.map((k) => [k, oldValues[k]])),
      new: Object.fromEntries(keys.map((k) => [k, newValues[k]])),
    };
    const event = changes.organizationId ? 'project.moved' : 'project.updated';
    // A move is told to the organization it left (or its creator's) and the one it joined.
    if (changes.organizationId) auditProject(call, old, { event, details }, { except: changes.organizationId });
    auditProject(call, project, { event, details });
    return { project, organization: target?.organization ?? access.organization };
  });
}
