import { authedRoute, methodNotAllowed } from '@/lib/http/api';
import { organizationToWire } from '@/lib/orgs/wire';

// GET /v1/organizations: the organizations the caller belongs to.
export const GET = authedRoute(async ({ principal }) => ({
  organizations: principal.memberships.map((m) => organizationToWire(m.organization)),
}));

const notAllowed = methodNotAllowed(['GET']);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
