import 'server-only';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { gate, type GateResult } from '@/lib/auth/gate';
import { sessionTokenFromCookies } from '@/lib/auth/session';
import { pendingTwoFactorEnrollment, TWO_FACTOR_ENROLLMENT_PATH } from '@/lib/two-factor/status';
import type { MembershipWithOrg, OrgCall } from '@/lib/call';
import { liveCtx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { requestMeta } from '@/lib/api/handler';
import { CURRENT_ORG_COOKIE } from '@/lib/organizations/current';

/** The call of a console page or server action (lib/call.ts OrgCall), with what the gate found. */
export type ConsoleSession = GateResult & OrgCall & {
  /** The organizations that wait for this password session to set up two-factor authentication. */
  pendingTwoFactor: MembershipWithOrg[] | null;
};

/**
 * The gate for console pages and server actions, run once per request (React's cache).
 * `ownResources` for Profile pages and their actions (see RequestScope in lib/auth/gate.ts). A dead
 * session goes to sign-in; a refusal (IP allowlist) throws, and the error page shows it. A session
 * that must set up two-factor authentication first goes to the enrollment page, unless
 * `duringTwoFactorEnrollment` says the caller serves that page (or checks for itself, as
 * consoleAction does).
 */
export const requireConsole = cache(async (ownResources: boolean = false, duringTwoFactorEnrollment: boolean = false): Promise<ConsoleSession> => {
  const [cookieStore, headerStore] = await Promise.all([cookies(), headers()]);
  const ctx = liveCtx();
  const meta = requestMeta(headerStore);
  const cookieToken = sessionTokenFromCookies((name) => cookieStore.get(name)?.value);
  if (!cookieToken) redirect('/signin');
  try {
    const result = await gate({
      ctx,
      input: {
        authorization: null,
        cookieToken,
        ...meta,
        scope: { kind: 'console', preferredOrganizationId: cookieStore.get(CURRENT_ORG_COOKIE)?.value ?? null, ownResources },
      },
    });
    const pendingTwoFactor = await pendingTwoFactorEnrollment(ctx, result.principal, result.governing);
    if (pendingTwoFactor && !duringTwoFactorEnrollment) redirect(TWO_FACTOR_ENROLLMENT_PATH);
    return { ...result, ctx, meta, pendingTwoFactor };
  } catch (error) {
    if (error instanceof AppError && error.status === 401) redirect('/signin');
    throw error;
  }
});
