import { apiRoute, readJson } from '@/lib/api/handler';
import { acceptInvitationThroughApi, cancelInvitation } from '@/lib/invitations/manage';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/invitation/{user_email}', {
  // DELETE /v1/organization/{organization_id}/invitation/{user_email}: cancel (super admins).
  DELETE: async ({ ctx, principal, membership, meta, params }) => {
    await cancelInvitation({ ctx, principal, membership, meta, email: params.user_email });
    return { message: 'Invitation cancelled' };
  },

  // POST /v1/organization/{organization_id}/invitation/{user_email}: {"action": "accept", "invite_secret"?}, by the invited user.
  POST: async ({ ctx, principal, meta, request, params }) => {
    const organization = await acceptInvitationThroughApi({
      ctx,
      principal,
      meta,
      organizationId: params.organization_id,
      email: params.user_email,
      input: await readJson(request),
    });
    return { message: `You are now a member of ${organization.name}` };
  },
});
