'use server';

import { cookies } from 'next/headers';
import { z } from 'zod';
import { consoleAction } from '@/app/_lib/action';
import { AppError } from '@/lib/errors';
import { CURRENT_ORG_COOKIE } from '@/lib/organizations/current';

// Signing out is POST /signout (app/signout/route.ts), not a server action: proxy.ts lets that
// one path through the policies and allowlists.

const switchSchema = z.object({ organizationId: z.string().min(1).max(64) });

export const switchOrganizationAction = consoleAction(switchSchema, async ({ organizationId }, session) => {
  if (!session.principal.memberships.some((m) => m.organization.id === organizationId)) {
    throw new AppError('not_found', 'You are not a member of that organization');
  }
  (await cookies()).set(CURRENT_ORG_COOKIE, organizationId, { httpOnly: true, sameSite: 'lax', path: '/' });
});
