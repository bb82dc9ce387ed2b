import { eq } from 'drizzle-orm';
import { totpCredentials } from '@/db/tables';
import { recordAudit } from '@/lib/audit/record';
import { TOTP_PERIOD_SECONDS } from '@/lib/two-factor/totp';
import { recoveryCodesLeft } from '@/lib/two-factor/status';
import { deleteTwoFactorEnrollment } from '@/lib/two-factor/reset';
import { assertSuperAdmin, type MembershipWithOrg, type OrgCall } from '@/lib/call';
import { type Ctx, inTransaction, iso } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { accountRefusal, findMember, type Member } from './members';
import { userIdSchema } from './schema';
import { first } from '@/db/async';

// "Reset two-factor authentication" on a member's page (Admin → Users → a member) and
// DELETE /v1/organization/{organization_id}/user/{user_id}/two-factor. A super admin removes a
// member's authenticator and recovery codes, for someone who lost their phone and their codes.
// The removal itself is lib/two-factor/reset.ts (shared with the operator's recovery
// command); this file adds who may do it, to whom, and the audit event.

/** What the member would see afterwards, for the page's and the API's answer. */
export type TwoFactorResetResult = {
  member: Member;
  /** Whether a confirmed authenticator was removed (false: only a setup that was never finished). */
  wasEnabled: boolean;
  /** This organization requires 2FA: the member's next password sign-in can only set up a new authenticator. */
  enrollmentRequired: boolean;
};

/** A member's authenticator app as their page shows it. Nothing secret is read. */
export type MemberTwoFactor = {
  /** A confirmed authenticator: password sign-ins ask for its code. */
  enabled: boolean;
  /** When it was confirmed. */
  since: string | null;
  /** A setup started and never confirmed with a first code. */
  pendingSetup: boolean;
  /** The start of the last time step whose code was accepted (sign-in, or confirming the setup). */
  lastUsedTime: string | null;
  recoveryCodesLeft: number;
};

export async function memberTwoFactor(ctx: Ctx, userId: string): Promise<MemberTwoFactor> {
  const credential = await first(
    ctx.db
      .select({ confirmedTime: totpCredentials.confirmedTime, lastUsedStep: totpCredentials.lastUsedStep })
      .from(totpCredentials)
      .where(eq(totpCredentials.userId, userId))
      .limit(1),
  );
  const enabled = !!credential?.confirmedTime;
  const left = enabled ? await recoveryCodesLeft(ctx, userId) : 0;
  const step = enabled ? credential.lastUsedStep : null;
  return {
    enabled,
    since: credential?.confirmedTime ?? null,
    pendingSetup: !!credential && !enabled,
    lastUsedTime: step === null ? null : iso(new Date(step * TOTP_PERIOD_SECONDS * 1000)),
    recoveryCodesLeft: left,
  };
}

const WHAT = 'their two-factor authentication is';
const INSTEAD =
  'They can turn it off themselves under Profile → Authentication with a code or a recovery code, or the operator of this server can remove it.';

/**
 * Why this member's two-factor authentication cannot be reset by the caller, or null when it
 * can. Checked by the reset itself and shown on the member's page before anyone clicks.
 */
export async function twoFactorResetRefusal(
  ctx: Ctx,
  { membership, callerId, member }: { membership: MembershipWithOrg; callerId: string; member: Member },
): Promise<AppError | null> {
  const email = member.user.email;
  if (member.user.isApplicationUser) {
    return new AppError('conflict', `${email} is an application user: application users sign in with tokens only and have no two-factor authentication.`);
  }
  // A stolen session of an admin must not take away the admin's own second factor without a
  // code: turning one's own 2FA off asks for a code (Profile → Authentication).
  if (member.user.id === callerId) {
    return new AppError('conflict', 'To turn off your own two-factor authentication, use Profile → Authentication: it asks for a code or a recovery code.');
  }
  const refusal = await accountRefusal(ctx, membership.organization.id, member, WHAT);
  if (refusal) return new AppError('conflict', `${refusal} ${INSTEAD}`);
  const status = await memberTwoFactor(ctx, member.user.id);
  if (!status.enabled && !status.pendingSetup) {
    return new AppError('conflict', `${email} has no two-factor authentication to reset.`);
  }
  return null;
}

/**
 * Removes the member's authenticator app and recovery codes. Super admins of the organization
 * only (403); members of other organizations are not found (404), whoever asks; the rule of
 * lib/users/members.ts: assertAccountIsOurs applies (409). The member's sessions and tokens
 * stay (the page revokes them one by one); where this organization requires 2FA, their
 * password sessions are held back until they set up a new authenticator, and so is their next
 * password sign-in. Audited in this organization's log as `member.two_factor_reset`, with the
 * admin as the actor.
 */
export async function resetMemberTwoFactor(call: OrgCall & { userId: string }): Promise<TwoFactorResetResult> {
  assertSuperAdmin(call.membership);
  const membership = call.membership;
  const userId = parseInput(userIdSchema, call.userId);
  const { ctx, principal, meta } = call;
  const organizationId = membership.organization.id;
  return await inTransaction(ctx, async (ctx) => {
      const member = await findMember(ctx, organizationId, userId);
      const refusal = await twoFactorResetRefusal(ctx, { membership, callerId: principal.user.id, member });
      if (refusal) throw refusal;
      const before = await memberTwoFactor(ctx, member.user.id);
      await deleteTwoFactorEnrollment(ctx, member.user.id);
      const enrollmentRequired = membership.organization.twoFactorRequired;
      await recordAudit(ctx, {
        event: 'member.two_factor_reset',
        organizationId,
        actorUserId: principal.user.id,
        actorEmail: principal.user.email,
        ip: meta.ip,
        userAgent: meta.userAgent,
        details: {
          user_id: member.user.id,
          user_email: member.user.email,
          reset_by: principal.user.email,
          was_enabled: before.enabled,
          recovery_codes_left: before.recoveryCodesLeft,
          enrollment_required: enrollmentRequired,
        },
      });
      return { member: { ...member, hasAuthenticatorApp: false }, wasEnabled: before.enabled, enrollmentRequired };
    },
    // Immediate: the rule's membership count and the deletion happen under one write lock.
  );
}

/** The sentence the page and the API answer with. */
export function twoFactorResetMessage({ member, wasEnabled, enrollmentRequired }: TwoFactorResetResult): string {
  const email = member.user.email;
  const done = wasEnabled
    ? `Two-factor authentication of ${email} was reset: their authenticator app and recovery codes no longer work.`
    : `The unfinished authenticator setup of ${email} was removed.`;
  const next = enrollmentRequired
    ? 'This organization requires two-factor authentication: they must set up an authenticator at their next password sign-in.'
    : 'This organization does not require two-factor authentication: they sign in with their password alone until they set up an authenticator again.';
  return `${done} ${next}`;
}
