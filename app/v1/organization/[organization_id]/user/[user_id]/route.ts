import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';
import { pathSegment } from '@/lib/http/path';
import { getMember, removeMember, updateMember } from '@/lib/orgs/members';
import { memberToWire } from '@/lib/orgs/wire';

// GET /v1/organization/{organization_id}/user/{user_id}: the member object, not wrapped.
export const GET = authedRoute(async ({ ctx, principal, organization, meta, request }) =>
  memberToWire(getMember({ ctx, principal, membership: organization, meta, userId: pathSegment(request, -1) })),
);

// PATCH /v1/organization/{organization_id}/user/{user_id}: {is_super_admin?, state?, real_name?} → the member.
export const PATCH = authedRoute(async ({ ctx, principal, organization, meta, request }) =>
  memberToWire(
    updateMember({ ctx, principal, membership: organization, meta, userId: pathSegment(request, -1), input: await readJson(request) }),
  ),
);

// DELETE /v1/organization/{organization_id}/user/{user_id}: removes the member from the organization.
export const DELETE = authedRoute(async ({ ctx, principal, organization, meta, request }) => {
  const member = removeMember({ ctx, principal, membership: organization, meta, userId: pathSegment(request, -1) });
  return { message: `${member.user.email} removed from the organization` };
});

const notAllowed = methodNotAllowed(['GET', 'PATCH', 'DELETE']);
export { notAllowed as POST, notAllowed as PUT };
