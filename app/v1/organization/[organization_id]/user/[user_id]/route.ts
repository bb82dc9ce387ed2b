import { apiRoute, readJson } from '@/lib/api/handler';
import { getMember, removeMember, updateMember } from '@/lib/users/members';
import { memberToWire } from '@/lib/users/wire';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/user/{user_id}', {
  // GET /v1/organization/{organization_id}/user/{user_id}: the member object, not wrapped.
  GET: async ({ ctx, principal, membership, meta, params }) =>
    memberToWire(await getMember({ ctx, principal, membership, meta, userId: params.user_id })),

  // PATCH /v1/organization/{organization_id}/user/{user_id}: {is_super_admin?, state?, real_name?} → the member.
  PATCH: async ({ ctx, principal, membership, meta, request, params }) =>
    memberToWire(
      await updateMember({ ctx, principal, membership, meta, userId: params.user_id, input: await readJson(request) }),
    ),

  // DELETE /v1/organization/{organization_id}/user/{user_id}: removes the member from the organization.
  DELETE: async ({ ctx, principal, membership, meta, params }) => {
    const member = await removeMember({ ctx, principal, membership, meta, userId: params.user_id });
    return { message: `${member.user.email} removed from the organization` };
  },
});
