import { authorizeProject } from '@/lib/auth/gate';
import type { RequestMeta } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { findProjectOwner } from '@/lib/model/projects';
import { projectAccess } from '@/lib/projects/manage';
import { apiSignIn } from './members';
import { seedMembership, seedUser } from './seed';

// Callers of the project and organization-unit tests, on top of ./seed.ts and ./members.ts.

/**
 * A new user, member of each organization in `orgs` (super admin where said), signed in over /v1
 * with a personal token (`fullToken`) from `meta`: their principal, the call lib functions take, and `access`,
 * what the gate would hand the route for /v1/project/{name}.
 */
export async function projectCaller(ctx: Ctx, orgs: { id: string; superAdmin: boolean }[], meta: RequestMeta) {
  const user = await seedUser(ctx);
  for (const o of orgs) await seedMembership(ctx, { organizationId: o.id, userId: user.id, isSuperAdmin: o.superAdmin });
  const { fullToken, principal } = await apiSignIn(ctx, user.id, meta);
  const call = { ctx, principal, meta };
  const access = async (name: string) => await projectAccess(ctx, principal, name, authorizeProject(principal, name, await findProjectOwner(ctx, name), meta.ip));
  return { user, principal, call, access, fullToken };
}
