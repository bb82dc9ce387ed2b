import { parseInput } from '@/lib/errors';
import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';
import { pathSegment } from '@/lib/http/path';
import { acceptInvitation, cancelInvitation, findInvitationFor } from '@/lib/invitations/manage';
import { invitationActionSchema } from '@/lib/invitations/schema';

// DELETE /v1/organization/{organization_id}/invitation/{user_email}: cancel (super admins).
export const DELETE = authedRoute(async ({ ctx, principal, organization, meta, request }) => {
  cancelInvitation({ ctx, principal, membership: organization, meta, email: pathSegment(request, -1) });
  return { message: 'Invitation cancelled' };
});

// POST /v1/organization/{organization_id}/invitation/{user_email}: {"action": "accept"}, by the invited user.
export const POST = authedRoute(async ({ ctx, principal, meta, request }) => {
  parseInput(invitationActionSchema, await readJson(request));
  const open = findInvitationFor(ctx, pathSegment(request, -3), pathSegment(request, -1));
  const organization = acceptInvitation({ ctx, principal, open, meta });
  return { message: `You are now a member of ${organization.name}` };
});

const notAllowed = methodNotAllowed(['POST', 'DELETE']);
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH };
