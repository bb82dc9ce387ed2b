import { eq } from 'drizzle-orm';
import { type User } from '@/db/schema';
import { totpCredentials } from '@/db/tables';
import { recordOperatorAudit } from '@/lib/audit/record';
import { recoveryCodesLeft } from '@/lib/two-factor/status';
import { removeTwoFactor } from '@/lib/two-factor/reset';
import type { Ctx } from '@/lib/context';
import { parseInput } from '@/lib/errors';
import { listMemberships } from '@/lib/model/memberships';
import type { OperatorCall, OperatorOutcome, OperatorPreview } from './call';
import { findUser, userLabel } from './resolve';
import { userInputSchema } from './schema';
import { first } from '@/db/async';

// npm run admin -- remove-2fa <user>: for a person who lost their authenticator and recovery
// codes, when no super admin can reset it from the member's page (they are the one locked out,
// or the person belongs to other organizations). Removes the authenticator and every recovery
// code; where an organization requires 2FA, their next password sign-in enrolls again.

async function enrollment(ctx: Ctx, user: User) {
  const totp = await first(ctx.db.select().from(totpCredentials).where(eq(totpCredentials.userId, user.id)).limit(1));
  return { totp, codesLeft: await recoveryCodesLeft(ctx, user.id) };
}

async function requiringOrganizations(ctx: Ctx, user: User): Promise<string[]> {
  return (await listMemberships(ctx, user.id))
    .filter((m) => m.organization.twoFactorRequired)
    .map((m) => m.organization.name);
}

export async function previewRemoveTwoFactor({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<OperatorPreview> {
  const user = await findUser(ctx, parseInput(userInputSchema, input).user);
  const { totp, codesLeft } = await enrollment(ctx, user);
  if (!totp && codesLeft === 0) return { lines: [`${userLabel(user)} has no two-factor authentication: nothing to change.`], question: null };
  const requiring = await requiringOrganizations(ctx, user);
  return {
    lines: [
      `${userLabel(user)} has ${
        totp?.confirmedTime ? `an authenticator app (since ${totp.confirmedTime})` : totp ? 'an authenticator app not yet confirmed' : 'no authenticator app'
      } and ${codesLeft} unused recovery code${codesLeft === 1 ? '' : 's'}: all of it will be removed.`,
      requiring.length > 0
        ? `Required by ${requiring.join(', ')}: their next password sign-in can only set up a new authenticator.`
        : 'Their password sign-ins will no longer ask for a code.',
    ],
    question: `Remove the two-factor authentication of ${user.email}?`,
  };
}

export async function operatorRemoveTwoFactor({ ctx, operator, input }: OperatorCall): Promise<OperatorOutcome> {
  const user = await findUser(ctx, parseInput(userInputSchema, input).user);
  const before = await enrollment(ctx, user);
  const { removed } = await removeTwoFactor(ctx, { userId: user.id });
  if (!removed) return { changed: false, lines: [`${userLabel(user)} has no two-factor authentication: nothing changed.`] };
  await recordOperatorAudit(
    ctx,
    (await listMemberships(ctx, user.id)).map((m) => m.organization.id),
    operator,
    {
      event: 'operator.two_factor_removed',
      details: {
        user_id: user.id,
        user_email: user.email,
        had_authenticator: before.totp?.confirmedTime ? 'confirmed' : before.totp ? 'unconfirmed' : 'none',
        recovery_codes_removed: before.codesLeft,
      },
    },
  );
  const requiring = await requiringOrganizations(ctx, user);
  return {
    changed: true,
    lines: [
      `Removed the two-factor authentication of ${userLabel(user)}.`,
      ...(requiring.length > 0 ? [`${requiring.join(', ')} require${requiring.length === 1 ? 's' : ''} 2FA: their next password sign-in sets up a new authenticator.`] : []),
    ],
  };
}
