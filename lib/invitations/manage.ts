import { randomBytes } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { invitations, memberships, organizations, users, type Invitation, type Organization } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record';
import type { Principal } from '@/lib/auth/gate';
import { hashPassword } from '@/lib/auth/password';
import type { RequestMeta } from '@/lib/auth/sign-in';
import { iso, type Ctx } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { newTokenId } from '@/lib/ids';
import { assertSuperAdmin } from '@/lib/orgs/authorize';
import { insertMembership } from '@/lib/orgs/create';
import type { MembershipWithOrg } from '@/lib/orgs/memberships';
import { hashToken } from '@/lib/tokens/token';
import { insertUser } from '@/lib/users/create';
import { managingOrganizationForEmail } from '@/lib/domains/route';
import { acceptWithSignUpSchema, inviteSchema } from './schema';

// Invitations to join an organization. The link carries a random secret (only its hash is
// stored); whoever opens it must sign in or sign up as the invited address to join.

export const INVITATION_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

type AdminCall = { ctx: Ctx; principal: Principal; membership: MembershipWithOrg | null; meta: RequestMeta };

export type CreatedInvitation = { invitation: Invitation; link: string };

export function invitationLink(baseUrl: string, secret: string): string {
  return `${baseUrl.replace(/\/$/, '')}/invite/${secret}`;
}

function auditInvitation(ctx: Ctx, actor: { id: string | null; email: string }, meta: RequestMeta, organizationId: string, event: 'invitation.created' | 'invitation.cancelled' | 'invitation.accepted', email: string) {
  recordAudit(ctx, {
    event,
    organizationId,
    actorUserId: actor.id,
    actorEmail: actor.email,
    ip: meta.ip,
    userAgent: meta.userAgent,
    details: { user_email: email },
  });
}

/** Invites an address; a pending, unexpired invitation for it is a conflict, an expired one is replaced. */
export function inviteMember(call: AdminCall & { input: unknown; baseUrl: string }): CreatedInvitation {
  assertSuperAdmin(call.membership);
  const { user_email: email } = parseInput(inviteSchema, call.input);
  const organization = call.membership.organization;
  const now = iso(call.ctx.now);
  return call.ctx.db.transaction(() => {
    const member = call.ctx.db
      .select({ id: users.id })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.organizationId, organization.id), eq(users.email, email)))
      .get();
    if (member) throw new AppError('conflict', `${email} is already a member of this organization`);
    const existing = call.ctx.db
      .select()
      .from(invitations)
      .where(and(eq(invitations.organizationId, organization.id), eq(invitations.email, email)))
      .get();
    if (existing && existing.expiryTime > now) throw new AppError('conflict', `An invitation for ${email} already exists`);
    if (existing) call.ctx.db.delete(invitations).where(eq(invitations.id, existing.id)).run();

    const secret = randomBytes(32).toString('base64url');
    const invitation = call.ctx.db
      .insert(invitations)
      .values({
        id: newTokenId(),
        organizationId: organization.id,
        email,
        tokenHash: hashToken(secret),
        invitedByUserId: call.principal.user.id,
        invitedByEmail: call.principal.user.email,
        createTime: now,
        expiryTime: iso(new Date(call.ctx.now.getTime() + INVITATION_MAX_AGE_MS)),
      })
      .returning()
      .get();
    auditInvitation(call.ctx, call.principal.user, call.meta, organization.id, 'invitation.created', email);
    return { invitation, link: invitationLink(call.baseUrl, secret) };
  });
}

export function listInvitations(call: Pick<AdminCall, 'ctx' | 'membership'>): Invitation[] {
  assertSuperAdmin(call.membership);
  return call.ctx.db
    .select()
    .from(invitations)
    .where(eq(invitations.organizationId, call.membership.organization.id))
    .orderBy(asc(invitations.createTime), asc(invitations.email))
    .all();
}

export function cancelInvitation(call: AdminCall & { email: string }): void {
  assertSuperAdmin(call.membership);
  const email = call.email.trim().toLowerCase();
  const organizationId = call.membership.organization.id;
  call.ctx.db.transaction(() => {
    const { changes } = call.ctx.db
      .delete(invitations)
      .where(and(eq(invitations.organizationId, organizationId), eq(invitations.email, email)))
      .run();
    if (changes === 0) throw new AppError('not_found', `No invitation for ${email}`);
    auditInvitation(call.ctx, call.principal.user, call.meta, organizationId, 'invitation.cancelled', email);
  });
}

export type OpenInvitation = { invitation: Invitation; organization: Organization };

/** The invitation a link names; 404 for an unknown link, 410 once it has expired. */
export function findInvitationByLink(ctx: Ctx, secret: string): OpenInvitation {
  const row = ctx.db
    .select({ invitation: invitations, organization: organizations })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .where(eq(invitations.tokenHash, hashToken(secret)))
    .get();
  if (!row) throw new AppError('not_found', 'This invitation link is not valid: it may have been cancelled or used already');
  if (row.invitation.expiryTime <= iso(ctx.now)) {
    throw new AppError('gone', 'This invitation has expired: ask an admin of the organization for a new one');
  }
  return row;
}

/** The pending invitation of an address to an organization (the API's accept), with the same checks. */
export function findInvitationFor(ctx: Ctx, organizationId: string, email: string): OpenInvitation {
  const row = ctx.db
    .select({ invitation: invitations, organization: organizations })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .where(and(eq(invitations.organizationId, organizationId), eq(invitations.email, email.trim().toLowerCase())))
    .get();
  if (!row) throw new AppError('not_found', `No invitation for ${email}`);
  if (row.invitation.expiryTime <= iso(ctx.now)) {
    throw new AppError('gone', 'This invitation has expired: ask an admin of the organization for a new one');
  }
  return row;
}

function join(ctx: Ctx, open: OpenInvitation, user: { id: string; email: string }, meta: RequestMeta): void {
  const already = ctx.db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.organizationId, open.organization.id), eq(memberships.userId, user.id)))
    .get();
  if (!already) insertMembership(ctx, { organizationId: open.organization.id, userId: user.id, isSuperAdmin: false });
  ctx.db.delete(invitations).where(eq(invitations.id, open.invitation.id)).run();
  auditInvitation(ctx, user, meta, open.organization.id, 'invitation.accepted', open.invitation.email);
}

/** A signed-in user accepts: only the invited address may. */
export function acceptInvitation({ ctx, principal, open, meta }: { ctx: Ctx; principal: Principal; open: OpenInvitation; meta: RequestMeta }): Organization {
  if (principal.user.email !== open.invitation.email) {
    throw new AppError('forbidden', `This invitation is for ${open.invitation.email}, and you are signed in as ${principal.user.email}`);
  }
  ctx.db.transaction(() => join(ctx, open, principal.user, meta));
  return open.organization;
}

/** A new person accepts: their account is created with the password they chose, and joins. */
export async function acceptWithSignUp({ ctx, secret, input, meta }: { ctx: Ctx; secret: string; input: unknown; meta: RequestMeta }) {
  const { password, real_name } = parseInput(acceptWithSignUpSchema, input);
  const open = findInvitationByLink(ctx, secret);
  const passwordHash = await hashPassword(password);
  return ctx.db.transaction(() => {
    // Checked again inside the transaction: the invitation may have been used meanwhile.
    const still = findInvitationByLink(ctx, secret);
    if (ctx.db.select({ id: users.id }).from(users).where(eq(users.email, still.invitation.email)).get()) {
      throw new AppError('conflict', `An account for ${still.invitation.email} exists already: sign in to accept`);
    }
    const email = open.invitation.email;
    // Managed from the start when the organization that verified the address's domain says so.
    const user = insertUser(ctx, { email, realName: real_name, passwordHash, managingOrganizationId: managingOrganizationForEmail(ctx, email) });
    join(ctx, still, user, meta);
    return { user, organization: still.organization };
  });
}
