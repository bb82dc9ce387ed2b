import { AppError } from '@/lib/errors';
import { apiRoute } from '@/lib/api/handler';
import { organizationToWire } from '@/lib/organizations/wire';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}', {
  // GET /v1/organization/{organization_id}: the organization, not wrapped (members; 404 otherwise).
  GET: async ({ membership }) => {
    if (!membership) throw new AppError('not_found', 'Organization not found');
    return organizationToWire(membership.organization);
  },
});
