import { createApplicationUser, listApplicationUsers } from '@/lib/application-users/manage';
import { applicationUserToWire } from '@/lib/application-users/wire';
import { apiRoute, readJson } from '@/lib/api/handler';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/application-users', {
  // POST /v1/organization/{organization_id}/application-users
  POST: async ({ ctx, principal, membership, meta, request }) =>
    applicationUserToWire(await createApplicationUser({ ctx, principal, membership, meta, input: await readJson(request) })),

  // GET /v1/organization/{organization_id}/application-users
  GET: async ({ ctx, membership }) => ({
    application_users: (await listApplicationUsers({ ctx, membership })).map(applicationUserToWire),
  }),
});
