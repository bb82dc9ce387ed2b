import { createApplicationUser, listApplicationUsers } from '@/lib/appusers/manage';
import { applicationUserToWire } from '@/lib/appusers/wire';
import { apiRoute, readJson } from '@/lib/http/api';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/application-users', {
  // POST /v1/organization/{organization_id}/application-users
  POST: async ({ ctx, principal, membership, meta, request }) =>
    applicationUserToWire(createApplicationUser({ ctx, principal, membership, meta, input: await readJson(request) })),

  // GET /v1/organization/{organization_id}/application-users
  GET: async ({ ctx, membership }) => ({
    application_users: listApplicationUsers({ ctx, membership }).map(applicationUserToWire),
  }),
});
