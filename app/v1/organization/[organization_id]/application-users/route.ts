import { createApplicationUser, listApplicationUsers } from '@/lib/appusers/manage';
import { applicationUserToWire } from '@/lib/appusers/wire';
import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';

// POST /v1/organization/{organization_id}/application-users
export const POST = authedRoute(async ({ ctx, principal, organization, meta, request }) =>
  applicationUserToWire(createApplicationUser({ ctx, principal, membership: organization, meta, input: await readJson(request) })),
);

// GET /v1/organization/{organization_id}/application-users
export const GET = authedRoute(async ({ ctx, organization }) => ({
  application_users: listApplicationUsers({ ctx, membership: organization }).map(applicationUserToWire),
}));

const notAllowed = methodNotAllowed(['GET', 'POST']);
export { notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
