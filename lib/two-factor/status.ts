import { and, count, eq, isNotNull, isNull } from 'drizzle-orm';
import { type TokenKind } from '@/db/schema';
import { recoveryCodes, totpCredentials } from '@/db/tables';
import type { MembershipWithOrg, Principal } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { first } from '@/db/async';

// Whether a request must wait for two-factor enrollment: organizations.two_factor_required
// makes a password session of a user without a confirmed authenticator good for nothing but
// setting one up. The request gate (lib/auth/gate.ts) decides who is asking; this runs right
// after it in proxy.ts, requireConsole (console pages and server actions) and authedRoute (/v1);
// the /v1 routes such a session may still call are marked in lib/http/routes.ts (logout).

/** The one console page such a session may open: Profile → Authentication, where it enrolls. */
export const TWO_FACTOR_ENROLLMENT_PATH = '/profile/authentication';

/**
 * The decision, as a pure function. Only password sessions are held back: the policy governs
 * password logins (SSO and third-party providers have their own second factors), and personal
 * and application tokens are not sign-ins at all: they are governed by the token settings.
 */
export function twoFactorEnrollmentRequired({
  policyRequires,
  tokenKind,
  authMethod,
  enrolled,
}: {
  /** Whether any of the user's organizations requires two-factor authentication. */
  policyRequires: boolean;
  tokenKind: TokenKind;
  authMethod: string;
  /** Whether the user has a confirmed authenticator. */
  enrolled: boolean;
}): boolean {
  return policyRequires && tokenKind === 'session' && authMethod === 'password' && !enrolled;
}

/**
 * The organizations among those given that require two-factor authentication. Callers give
 * the organizations governing the request: an organization's own resources answer to its own
 * policy, and the person's own resources (Profile, personal tokens) to every organization's.
 */
export function organizationsRequiringTwoFactor(memberships: readonly MembershipWithOrg[]): MembershipWithOrg[] {
  return memberships.filter((m) => m.organization.twoFactorRequired);
}

export async function hasConfirmedTotp(ctx: Ctx, userId: string): Promise<boolean> {
  return !!await first(
    ctx.db
      .select({ userId: totpCredentials.userId })
      .from(totpCredentials)
      .where(and(eq(totpCredentials.userId, userId), isNotNull(totpCredentials.confirmedTime)))
      .limit(1),
  );
}

/**
 * The organizations waiting for this principal to enroll, or null when nothing waits. Looks
 * at the database only for password sessions of users under such a policy.
 */
export async function pendingTwoFactorEnrollment(
  ctx: Ctx,
  principal: Principal,
  governing: readonly MembershipWithOrg[] = principal.memberships,
): Promise<MembershipWithOrg[] | null> {
  // Each organization's policy governs its own resources: only the organizations governing
  // this request (the gate's `governing`) can hold it back.
  const requiring = organizationsRequiringTwoFactor(governing);
  const { kind, authMethod } = principal.token;
  // Cheap checks first: most requests end here without a query.
  if (!twoFactorEnrollmentRequired({ policyRequires: requiring.length > 0, tokenKind: kind, authMethod, enrolled: false })) {
    return null;
  }
  return await hasConfirmedTotp(ctx, principal.user.id) ? null : requiring;
}

/** The refusal of a request that waits for enrollment (403), naming who requires it. */
export function twoFactorEnrollmentError(requiring: readonly MembershipWithOrg[], surface: 'console' | 'api'): AppError {
  const names = requiring.map((m) => `"${m.organization.name}"`);
  const who =
    names.length === 1 ? `Organization ${names[0]} requires` : `Organizations ${names.slice(0, -1).join(', ')} and ${names.at(-1)} require`;
  const next =
    surface === 'api'
      ? 'Set up an authenticator in the console under Profile → Authentication, then sign in again with a code.'
      : 'Set up an authenticator to continue.';
  return new AppError('two_factor_enrollment_required', `${who} two-factor authentication for password sign-ins. ${next}`);
}

/** Throws the refusal if the principal must enroll first. */
export async function assertNoPendingTwoFactorEnrollment(
  ctx: Ctx,
  principal: Principal,
  surface: 'console' | 'api',
  governing: readonly MembershipWithOrg[] = principal.memberships,
): Promise<void> {
  const requiring = await pendingTwoFactorEnrollment(ctx, principal, governing);
  if (requiring) throw twoFactorEnrollmentError(requiring, surface);
}

export type TwoFactorStatus = {
  enabled: boolean;
  /** When the authenticator was confirmed. */
  since: string | null;
  recoveryCodesLeft: number;
};

/** What Profile → Authentication shows. */
/** How many of the user's recovery codes are still unused. */
export async function recoveryCodesLeft(ctx: Ctx, userId: string): Promise<number> {
  return (await first(
    ctx.db
      .select({ n: count() })
      .from(recoveryCodes)
      .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedTime)))
      .limit(1),
  ))!.n;
}

export async function twoFactorStatus(ctx: Ctx, userId: string): Promise<TwoFactorStatus> {
  const credential = await first(
    ctx.db
      .select({ confirmedTime: totpCredentials.confirmedTime })
      .from(totpCredentials)
      .where(eq(totpCredentials.userId, userId))
      .limit(1),
  );
  const since = credential?.confirmedTime ?? null;
  return { enabled: since !== null, since, recoveryCodesLeft: since ? await recoveryCodesLeft(ctx, userId) : 0 };
}
