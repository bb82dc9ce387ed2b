import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';
import { pathSegment } from '@/lib/http/path';
import { acceptInvitationThroughApi, cancelInvitation } from '@/lib/invitations/manage';

// DELETE /v1/organization/{organization_id}/invitation/{user_email}: cancel (super admins).
export const DELETE = authedRoute(async ({ ctx, principal, organization, meta, request }) => {
  cancelInvitation({ ctx, principal, membership: organization, meta, email: pathSegment(request, -1) });
  return { message: 'Invitation cancelled' };
});

// POST /v1/organization/{organization_id}/invitation/{user_email}: {"action": "accept", "invite_secret"?}, by the invited user.
export const POST = authedRoute(async ({ ctx, principal, meta, request }) => {
  const organization = acceptInvitationThroughApi({
    ctx,
    principal,
    meta,
    organizationId: pathSegment(request, -3),
    email: pathSegment(request, -1),
    input: await readJson(request),
  });
  return { message: `You are now a member of ${organization.name}` };
});

const notAllowed = methodNotAllowed(['POST', 'DELETE']);
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH };
