import type { AuthedApiCall } from '@/lib/http/api';
import { pathSegment } from '@/lib/http/path';
import { projectAccess, type ProjectAccess } from '@/lib/projects/manage';

/**
 * The project of a /v1/project/{project}/... request, as the gate let it through (the gate ran
 * its project scope: the organization's members, or the creator of a standalone project).
 */
export function projectOfCall({ ctx, principal, organization, request }: AuthedApiCall): ProjectAccess {
  return projectAccess(ctx, principal, pathSegment(request, 2), organization);
}
