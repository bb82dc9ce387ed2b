import { randomBytes, timingSafeEqual } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { type Invitation, type Organization, type User } from '@/db/schema';
import { invitations, memberships, organizations, users } from '@/db/tables';
import { hashPassword } from '@/lib/passwords/hash';
import { assertSuperAdmin, audit, type OrgCall, type Principal, type RequestMeta } from '@/lib/call';
import { type Ctx, inTransaction, iso } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { newTokenId } from '@/lib/ids';
import { insertMembership } from '@/lib/model/organizations';
import { hashToken } from '@/lib/tokens/token';
import { insertUser } from '@/lib/model/users';
import { managingOrganizationForEmail } from '@/lib/domains/route';
import { isEmailProven, markEmailProven } from '@/lib/model/proven';
import { acceptWithSignUpSchema, invitationActionSchema, inviteSchema } from './schema';
import { affectedRows, first, single } from '@/db/async';

// Invitations to join an organization. The link carries a random secret (only its hash is
// stored); whoever opens it must sign in or sign up as the invited address to join.
//
// Proven addresses (lib/model/proven.ts): a link that went out by mail and was never shown to
// the inviting admin (invitations.mailed_time, set by lib/invitations/send.ts) reaches only the
// owner of the address, so following it proves the address. A link the admin copied proves
// nothing: the admin could have finished the sign-up with a password of their choosing.

export const INVITATION_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

export type CreatedInvitation = { invitation: Invitation; link: string };

export function invitationLink(baseUrl: string, secret: string): string {
  return `${baseUrl.replace(/\/$/, '')}/invite/${secret}`;
}

/** Invites an address; a pending, unexpired invitation for it is a conflict, an expired one is replaced. */
export async function inviteMember(call: OrgCall & { input: unknown; baseUrl: string }): Promise<CreatedInvitation> {
  assertSuperAdmin(call.membership);
  const { user_email: email } = parseInput(inviteSchema, call.input);
  const organization = call.membership.organization;
  const now = iso(call.ctx.now);
  return await inTransaction(call, async (call) => {
    const member = await first(
      call.ctx.db
        .select({ id: users.id })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.organizationId, organization.id), eq(users.email, email)))
        .limit(1),
    );
    if (member) throw new AppError('conflict', `${email} is already a member of this organization`);
    const existing = await first(
      call.ctx.db
        .select()
        .from(invitations)
        .where(and(eq(invitations.organizationId, organization.id), eq(invitations.email, email)))
        .limit(1),
    );
    if (existing && existing.expiryTime > now) throw new AppError('conflict', `An invitation for ${email} already exists`);
    if (existing) await call.ctx.db.delete(invitations).where(eq(invitations.id, existing.id));

    const secret = randomBytes(32).toString('base64url');
    const invitation = await single(
      call.ctx.db
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
        .returning(),
    );
    await audit(call, 'invitation.created', { user_email: email }, organization.id);
    return { invitation, link: invitationLink(call.baseUrl, secret) };
  });
}

export async function listInvitations(call: Pick<OrgCall, 'ctx' | 'membership'>): Promise<Invitation[]> {
  assertSuperAdmin(call.membership);
  return await call.ctx.db
    .select()
    .from(invitations)
    .where(eq(invitations.organizationId, call.membership.organization.id))
    .orderBy(asc(invitations.createTime), asc(invitations.email));
}

export async function cancelInvitation(call: OrgCall & { email: string }): Promise<void> {
  assertSuperAdmin(call.membership);
  const email = call.email.trim().toLowerCase();
  const organizationId = call.membership.organization.id;
  await inTransaction(call, async (call) => {
    const changes = affectedRows(await call.ctx.db
      .delete(invitations)
      .where(and(eq(invitations.organizationId, organizationId), eq(invitations.email, email))));
    if (changes === 0) throw new AppError('not_found', `No invitation for ${email}`);
    await audit(call, 'invitation.cancelled', { user_email: email }, organizationId);
  });
}

export type OpenInvitation = { invitation: Invitation; organization: Organization };

/** The invitation a link names; 404 for an unknown link, 410 once it has expired. */
export async function findInvitationByLink(ctx: Ctx, secret: string): Promise<OpenInvitation> {
  const row = await first(
    ctx.db
      .select({ invitation: invitations, organization: organizations })
      .from(invitations)
      .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
      .where(eq(invitations.tokenHash, hashToken(secret)))
      .limit(1),
  );
  if (!row) throw new AppError('not_found', 'This invitation link is not valid: it may have been cancelled or used already');
  if (row.invitation.expiryTime <= iso(ctx.now)) {
    throw new AppError('gone', 'This invitation has expired: ask an admin of the organization for a new one');
  }
  return row;
}

/** The pending invitation of an address to an organization (the API's accept), with the same checks. */
export async function findInvitationFor(ctx: Ctx, organizationId: string, email: string): Promise<OpenInvitation> {
  const row = await first(
    ctx.db
      .select({ invitation: invitations, organization: organizations })
      .from(invitations)
      .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
      .where(and(eq(invitations.organizationId, organizationId), eq(invitations.email, email.trim().toLowerCase())))
      .limit(1),
  );
  if (!row) throw new AppError('not_found', `No invitation for ${email}`);
  if (row.invitation.expiryTime <= iso(ctx.now)) {
    throw new AppError('gone', 'This invitation has expired: ask an admin of the organization for a new one');
  }
  return row;
}

/**
 * Joins the organization and uses the invitation up. `throughLink`: the person presented the
 * link's secret, so a mailed invitation proves their address (after the membership, so that the
 * new organization's audit log has it too).
 */
async function join(ctx: Ctx, open: OpenInvitation, user: User, meta: RequestMeta, throughLink: boolean): Promise<void> {
  // Used up first, in this transaction: the caller found the invitation before it began, and an
  // accept or a cancel that committed since (on this instance or another) has removed it. Then
  // this one joins nobody and records nothing, as it would have, run after the other.
  const used = await ctx.db.delete(invitations).where(eq(invitations.id, open.invitation.id)).returning({ id: invitations.id });
  if (used.length === 0) {
    throw new AppError('not_found', `The invitation for ${open.invitation.email} is no longer open: it was cancelled or used already`);
  }
  const already = await first(
    ctx.db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.organizationId, open.organization.id), eq(memberships.userId, user.id)))
      .limit(1),
  );
  if (!already) await insertMembership(ctx, { organizationId: open.organization.id, userId: user.id, isSuperAdmin: false });
  // The person who joins is the actor (a new account has no memberships before this one).
  await audit({ ctx, meta, principal: { user, memberships: [] } }, 'invitation.accepted', { user_email: open.invitation.email }, open.organization.id);
  if (throughLink && open.invitation.mailedTime !== null) {
    await markEmailProven(ctx, { userId: user.id, email: open.invitation.email, how: 'mailed_link', meta, details: { organization_id: open.organization.id } });
  }
}

function assertInvitee(principal: Principal, open: OpenInvitation): void {
  if (principal.user.email !== open.invitation.email) {
    throw new AppError('forbidden', `This invitation is for ${open.invitation.email}, and you are signed in as ${principal.user.email}`);
  }
}

/**
 * A signed-in user accepts: only the invited address may. `throughLink`: they opened the link
 * (or gave its secret), which proves their address when the invitation was mailed.
 */
export async function acceptInvitation({
  ctx,
  principal,
  open,
  meta,
  throughLink,
}: {
  ctx: Ctx;
  principal: Principal;
  open: OpenInvitation;
  meta: RequestMeta;
  throughLink: boolean;
}): Promise<Organization> {
  assertInvitee(principal, open);
  await inTransaction(ctx, (ctx) => join(ctx, open, principal.user, meta, throughLink));
  return open.organization;
}

/** Whether `secret` is the secret of the invitation's link (compared by hash, in constant time). */
function isSecretOf(secret: string, invitation: Invitation): boolean {
  const given = Buffer.from(hashToken(secret), 'hex');
  const stored = Buffer.from(invitation.tokenHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/**
 * POST /v1/organization/{org}/invitation/{user_email} with {"action": "accept"}: the invited
 * address accepts through the API. Without the link's secret only a caller whose own address is
 * proven may: an account made for an address nobody proved (say, by an admin who copied an
 * invitation link) must not collect every other organization's invitation of that address.
 */
export async function acceptInvitationThroughApi({
  ctx,
  principal,
  meta,
  organizationId,
  email,
  input,
}: {
  ctx: Ctx;
  principal: Principal;
  meta: RequestMeta;
  organizationId: string;
  email: string;
  input: unknown;
}): Promise<Organization> {
  const { invite_secret: secret } = parseInput(invitationActionSchema, input);
  const open = await findInvitationFor(ctx, organizationId, email);
  assertInvitee(principal, open);
  if (secret !== undefined) {
    if (!isSecretOf(secret, open.invitation)) {
      throw new AppError('forbidden', 'invite_secret does not match this invitation: give the secret at the end of the invitation link (/invite/<secret>)');
    }
  } else if (!isEmailProven(principal.user)) {
    throw new AppError(
      'forbidden',
      `${principal.user.email} is not a proven address yet, so accepting needs "invite_secret": the secret at the end of the invitation link (/invite/<secret>)`,
    );
  }
  return await acceptInvitation({ ctx, principal, open, meta, throughLink: secret !== undefined });
}

/**
 * A new person accepts through the link: their account is created with the password they chose,
 * and joins; its address is proven when the link came by mail.
 */
export async function acceptWithSignUp({ ctx, secret, input, meta }: { ctx: Ctx; secret: string; input: unknown; meta: RequestMeta }) {
  const { password, real_name } = parseInput(acceptWithSignUpSchema, input);
  const open = await findInvitationByLink(ctx, secret);
  const passwordHash = await hashPassword(password);
  return await inTransaction(ctx, async (ctx) => {
    // Checked again inside the transaction: the invitation may have been used meanwhile.
    const still = await findInvitationByLink(ctx, secret);
    if (await first(ctx.db.select({ id: users.id }).from(users).where(eq(users.email, still.invitation.email)).limit(1))) {
      throw new AppError('conflict', `An account for ${still.invitation.email} exists already: sign in to accept`);
    }
    const email = open.invitation.email;
    // Managed from the start when the organization that verified the address's domain says so.
    const user = await insertUser(ctx, { email, realName: real_name, passwordHash, managingOrganizationId: await managingOrganizationForEmail(ctx, email) });
    // Proven only when the invitation was mailed and its link never shown to the admin; an
    // account made from a copied link stays unproven (the admin may have made it).
    await join(ctx, still, user, meta, true);
    return { user: (await first(ctx.db.select().from(users).where(eq(users.id, user.id)).limit(1)))!, organization: still.organization };
  });
}
