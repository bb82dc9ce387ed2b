import { deleteApplicationUser, getApplicationUser, updateApplicationUser } from '@/lib/application-users/manage';
import { applicationUserToWire } from '@/lib/application-users/wire';
import { apiRoute, readJson } from '@/lib/api/handler';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/application-users/{user_id}', {
  // GET /v1/organization/{organization_id}/application-users/{user_id}
  GET: async ({ ctx, membership, params }) =>
    applicationUserToWire(await getApplicationUser({ ctx, membership }, params.user_id)),

  // PATCH /v1/organization/{organization_id}/application-users/{user_id}
  PATCH: async ({ ctx, principal, membership, meta, request, params }) =>
    applicationUserToWire(
      await updateApplicationUser({ ctx, principal, membership, meta, userId: params.user_id, input: await readJson(request) }),
    ),

  // DELETE /v1/organization/{organization_id}/application-users/{user_id}: its tokens go with it.
  DELETE: async ({ ctx, principal, membership, meta, params }) => {
    const revoked = await deleteApplicationUser({ ctx, principal, membership, meta, userId: params.user_id });
    return { message: `Application user deleted with its ${revoked} tokens` };
  },
});
