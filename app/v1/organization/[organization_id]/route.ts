import { AppError } from '@/lib/errors';
import { authedRoute, methodNotAllowed } from '@/lib/http/api';
import { organizationToWire } from '@/lib/orgs/wire';

// GET /v1/organization/{organization_id}: the organization, not wrapped (members; 404 otherwise).
export const GET = authedRoute(async ({ organization }) => {
  if (!organization) throw new AppError('not_found', 'Organization not found');
  return organizationToWire(organization.organization);
});

const notAllowed = methodNotAllowed(['GET']);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
