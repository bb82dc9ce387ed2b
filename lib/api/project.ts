import type { AuthedApiCall } from '@/lib/api/handler';
import { projectAccess, type ProjectAccess } from '@/lib/projects/manage';

/**
 * The project of a /v1/project/{project}/... request, as the gate let it through (the gate ran
 * its project scope: the organization's members, or the creator of a standalone project).
 */
export async function projectOfCall({ ctx, principal, membership, params }: AuthedApiCall<{ readonly project: string }>): Promise<ProjectAccess> {
  return await projectAccess(ctx, principal, params.project, membership);
}
