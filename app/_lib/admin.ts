import 'server-only';
import { forbidden } from 'next/navigation';
import { assertSuperAdmin, type MembershipWithOrg } from '@/lib/call';
import { AppError } from '@/lib/errors';
import { requireConsole, type ConsoleSession } from './session';

export type AdminSession = ConsoleSession & { membership: MembershipWithOrg };

/**
 * The gate for Admin pages: a super admin of the organization the user is working in, or a 403
 * page (app/(console)/admin/forbidden.tsx). Their server actions check again in lib/, through
 * the same assertSuperAdmin.
 */
export async function requireSuperAdmin(): Promise<AdminSession> {
  const session = await requireConsole();
  try {
    assertSuperAdmin(session.membership);
  } catch (error) {
    if (error instanceof AppError && error.status === 403) forbidden();
    throw error;
  }
  return { ...session, membership: session.membership };
}
