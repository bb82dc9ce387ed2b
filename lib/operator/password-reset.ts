import { eq } from 'drizzle-orm';
import { type User } from '@/db/schema';
import { passwordCredentials, totpCredentials } from '@/db/tables';
import { recordOperatorAudit } from '@/lib/audit/record';
import type { Ctx } from '@/lib/context';
import type { Env } from '@/lib/env';
import { AppError, parseInput } from '@/lib/errors';
import { listMemberships } from '@/lib/model/memberships';
import { issuePasswordReset } from '@/lib/passwords/reset';
import type { OperatorCall, OperatorOutcome, OperatorPreview } from './call';
import { findUser, userLabel } from './resolve';
import { userInputSchema } from './schema';
import { first } from '@/db/async';

// npm run admin -- reset-password <user>: GitLab's `gitlab-rake "gitlab:password:reset"`, except
// that the operator never sees or chooses a password. It prints a one-time link (the same link
// a person's "Forgot password?" mails, valid for one hour, only its hash stored) for the operator
// to hand over; the person chooses the password on the reset page. Second factors stay.

async function plan(ctx: Ctx, input: unknown): Promise<User> {
  const user = await findUser(ctx, parseInput(userInputSchema, input).user);
  if (user.isApplicationUser) {
    throw new AppError('conflict', `${userLabel(user)} is an application user: it has no password, only application tokens`);
  }
  if (user.state === 'deactivated') {
    throw new AppError('conflict', `${userLabel(user)} is deactivated: a new password would not let them sign in`);
  }
  return user;
}

async function notes(ctx: Ctx, user: User, env: Env): Promise<string[]> {
  const lines: string[] = [];
  const hasPassword = await first(ctx.db.select().from(passwordCredentials).where(eq(passwordCredentials.userId, user.id)).limit(1)) !== undefined;
  lines.push(hasPassword ? 'Their current password works until the link is used.' : `${user.email} has no password yet: the link sets one.`);
  const totp = await first(ctx.db.select().from(totpCredentials).where(eq(totpCredentials.userId, user.id)).limit(1));
  if (totp?.confirmedTime) lines.push('Their two-factor authentication stays: the next sign-in still asks for a code (remove-2fa removes it).');
  const orgs = (await listMemberships(ctx, user.id)).map((m) => m.organization);
  if (orgs.length > 0 && orgs.every((o) => !o.passwordAuthEnabled)) {
    lines.push(`None of their organizations allows password sign-in (${orgs.map((o) => o.name).join(', ')}): unlock-organization turns it back on.`);
  }
  if (!env.PUBLIC_URL) lines.push('PUBLIC_URL is not set here: the link starts with the default address. Set it as the server has it.');
  return lines;
}

export async function previewPasswordReset({ ctx, input, env = process.env }: { ctx: Ctx; input: unknown; env?: Env }): Promise<OperatorPreview> {
  const user = await plan(ctx, input);
  return {
    lines: [
      `A one-time link to set a new password for ${userLabel(user)} will be printed here.`,
      'It works once, for one hour, and replaces any unused earlier link.',
      ...await notes(ctx, user, env),
    ],
    question: `Issue a password reset link for ${user.email}?`,
  };
}

export async function issueOperatorPasswordReset({ ctx, operator, input }: OperatorCall): Promise<OperatorOutcome> {
  const user = await plan(ctx, input);
  const { link, expiryTime } = await issuePasswordReset(ctx, { userId: user.id, requestedBy: 'operator' });
  // The link's secret goes to the operator's screen only: neither it nor the link is recorded.
  await recordOperatorAudit(
    ctx,
    (await listMemberships(ctx, user.id)).map((m) => m.organization.id),
    operator,
    { event: 'operator.password_reset_issued', details: { user_id: user.id, user_email: user.email, expiry_time: expiryTime } },
  );
  return {
    changed: true,
    lines: [
      `Password reset link for ${userLabel(user)}, valid once until ${expiryTime} (UTC):`,
      '',
      `  ${link}`,
      '',
      'Hand it to them over a channel you trust. It is not stored and cannot be shown again (run this again for a new one).',
    ],
  };
}
