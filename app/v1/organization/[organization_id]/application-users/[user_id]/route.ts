import { deleteApplicationUser, getApplicationUser, updateApplicationUser } from '@/lib/appusers/manage';
import { applicationUserToWire } from '@/lib/appusers/wire';
import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';
import { pathSegment } from '@/lib/http/path';

// GET /v1/organization/{organization_id}/application-users/{user_id}
export const GET = authedRoute(async ({ ctx, organization, request }) =>
  applicationUserToWire(getApplicationUser({ ctx, membership: organization }, pathSegment(request, -1))),
);

// PATCH /v1/organization/{organization_id}/application-users/{user_id}
export const PATCH = authedRoute(async ({ ctx, principal, organization, meta, request }) =>
  applicationUserToWire(
    updateApplicationUser({ ctx, principal, membership: organization, meta, userId: pathSegment(request, -1), input: await readJson(request) }),
  ),
);

// DELETE /v1/organization/{organization_id}/application-users/{user_id}: its tokens go with it.
export const DELETE = authedRoute(async ({ ctx, principal, organization, meta, request }) => {
  const revoked = deleteApplicationUser({ ctx, principal, membership: organization, meta, userId: pathSegment(request, -1) });
  return { message: `Application user deleted with its ${revoked} tokens` };
});

const notAllowed = methodNotAllowed(['GET', 'PATCH', 'DELETE']);
export { notAllowed as POST, notAllowed as PUT };
