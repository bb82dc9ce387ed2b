import { apiRoute } from '@/lib/api/handler';
import { organizationToWire } from '@/lib/organizations/wire';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organizations', {
  // GET /v1/organizations: the organizations the caller belongs to.
  GET: async ({ principal }) => ({
    organizations: principal.memberships.map((m) => organizationToWire(m.organization)),
  }),
});
