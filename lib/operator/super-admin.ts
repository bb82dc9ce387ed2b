import { and, eq } from 'drizzle-orm';
import { type Organization, type User } from '@/db/schema';
import { memberships } from '@/db/tables';
import { recordOperatorAudit } from '@/lib/audit/record';
import { type Ctx, inTransaction } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { insertMembership } from '@/lib/model/organizations';
import type { OperatorCall, OperatorOutcome, OperatorPreview } from './call';
import { findOrganization, findUser, organizationLabel, userLabel } from './resolve';
import { superAdminInputSchema } from './schema';
import { first } from '@/db/async';

// npm run admin -- make-super-admin <user> <organization>: the way back in when no super admin
// of an organization can (or will) manage it, as Keycloak's bootstrap-admin command is. The user
// must already exist and be a person who can sign in; one who is not a member yet joins.

type Plan = { user: User; organization: Organization; change: 'none' | 'promote' | 'add' };

async function plan(ctx: Ctx, input: unknown): Promise<Plan> {
  const { user: userRef, organization: orgRef } = parseInput(superAdminInputSchema, input);
  const user = await findUser(ctx, userRef);
  const organization = await findOrganization(ctx, orgRef);
  if (user.isApplicationUser) {
    throw new AppError('conflict', `${userLabel(user)} is an application user, which cannot sign in to the console: name a person`);
  }
  if (user.state === 'deactivated') {
    throw new AppError('conflict', `${userLabel(user)} is deactivated and cannot sign in: name an active user`);
  }
  const membership = await first(
    ctx.db
      .select()
      .from(memberships)
      .where(and(eq(memberships.organizationId, organization.id), eq(memberships.userId, user.id)))
      .limit(1),
  );
  return { user, organization, change: !membership ? 'add' : membership.isSuperAdmin ? 'none' : 'promote' };
}

export async function previewGrantSuperAdmin({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<OperatorPreview> {
  const { user, organization, change } = await plan(ctx, input);
  const who = userLabel(user);
  const where = organizationLabel(organization);
  if (change === 'none') return { lines: [`${who} is already a super admin of ${where}: nothing to change.`], question: null };
  return {
    lines: [
      change === 'add'
        ? `${who} is not a member of ${where}: they will be added to it as a super admin.`
        : `${who} is a member of ${where}: they will become a super admin.`,
    ],
    question: `Make ${user.email} a super admin of ${where}?`,
  };
}

export async function grantSuperAdmin({ ctx, operator, input }: OperatorCall): Promise<OperatorOutcome> {
  return await inTransaction(ctx, async (ctx) => {
      const { user, organization, change } = await plan(ctx, input);
      const who = userLabel(user);
      const where = organizationLabel(organization);
      if (change === 'none') return { changed: false, lines: [`${who} is already a super admin of ${where}: nothing changed.`] };
      if (change === 'add') await insertMembership(ctx, { organizationId: organization.id, userId: user.id, isSuperAdmin: true });
      else {
        await ctx.db
          .update(memberships)
          .set({ isSuperAdmin: true })
          .where(and(eq(memberships.organizationId, organization.id), eq(memberships.userId, user.id)));
      }
      await recordOperatorAudit(ctx, [organization.id], operator, {
        event: 'operator.super_admin_granted',
        details: {
          user_id: user.id,
          user_email: user.email,
          added_as_member: change === 'add',
          old: { is_super_admin: change === 'add' ? null : false },
          new: { is_super_admin: true },
        },
      });
      return {
        changed: true,
        lines: [change === 'add' ? `Added ${who} to ${where} as a super admin.` : `Made ${who} a super admin of ${where}.`],
      };
    },
  );
}
