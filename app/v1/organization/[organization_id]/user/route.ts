import { apiRoute } from '@/lib/api/handler';
import { queryOf } from '@/lib/http/query';
import { listMembers } from '@/lib/users/members';
import { memberToWire } from '@/lib/users/wire';

// The organization's members, for its super admins (lib/users/members.ts checks). The gate has
// resolved `organization` from the path: a caller who is not a member got 404 there.

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/user', {
  // GET /v1/organization/{organization_id}/user?include_application_users=true|false
  GET: async ({ ctx, principal, membership, meta, request }) => ({
    users: (await listMembers({ ctx, principal, membership, meta, query: queryOf(request) })).map(memberToWire),
  }),
});
