import 'server-only';
import { notFound } from 'next/navigation';
import { authorizeProject } from '@/lib/auth/gate';
import { pendingTwoFactorEnrollment, twoFactorEnrollmentError } from '@/lib/two-factor/status';
import { liveCtx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { findProjectOwner } from '@/lib/model/projects';
import { projectAccess, type ProjectAccess } from '@/lib/projects/manage';
import type { ConsoleSession } from './session';

/**
 * A project for a console page or action, under the same rule as the API's project scope
 * (authorizeProject): its organization's members under its policy and allowlist, or the creator
 * of a standalone project under all of theirs. The console's own gate checked only the
 * organization being worked in, so a project of another organization is checked here, its
 * two-factor requirement included.
 */
export async function consoleProjectAccess(session: ConsoleSession, name: string): Promise<ProjectAccess> {
  const ctx = liveCtx();
  const membership = authorizeProject(session.principal, name, await findProjectOwner(ctx, name), session.meta.ip);
  const governing = membership ? [membership] : session.principal.memberships;
  const pending = await pendingTwoFactorEnrollment(ctx, session.principal, governing);
  if (pending) throw twoFactorEnrollmentError(pending, 'console');
  return await projectAccess(ctx, session.principal, name, membership);
}

/** As consoleProjectAccess, for pages: a project the user may not reach is a 404 page. */
export async function pageProjectAccess(session: ConsoleSession, name: string): Promise<ProjectAccess> {
  try {
    return await consoleProjectAccess(session, name);
  } catch (error) {
    if (error instanceof AppError && error.status === 404) notFound();
    throw error;
  }
}
