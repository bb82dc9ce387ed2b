'use server';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { consoleAction } from '@/app/_lib/action';
import { SESSION_COOKIE_NAMES, signOut } from '@/lib/auth/session';
import { liveCtx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { CURRENT_ORG_COOKIE } from '@/lib/orgs/current';

export async function signOutAction() {
  const result = await consoleAction(z.object({}), async (_input, session) => {
    signOut({ ctx: liveCtx(), principal: session.principal, meta: session.meta });
    // Signing out stays possible while two-factor enrollment is pending.
  }, { duringTwoFactorEnrollment: true })({});
  const store = await cookies();
  for (const name of SESSION_COOKIE_NAMES) store.delete(name);
  if (result.ok) redirect('/signin');
  return result;
}

const switchSchema = z.object({ organizationId: z.string().min(1).max(64) });

export const switchOrganizationAction = consoleAction(switchSchema, async ({ organizationId }, session) => {
  if (!session.principal.memberships.some((m) => m.organization.id === organizationId)) {
    throw new AppError('not_found', 'You are not a member of that organization');
  }
  (await cookies()).set(CURRENT_ORG_COOKIE, organizationId, { httpOnly: true, sameSite: 'lax', path: '/' });
});
