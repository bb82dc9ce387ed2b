import { apiRoute } from '@/lib/api/handler';
import { resetMemberTwoFactor, twoFactorResetMessage } from '@/lib/users/member-two-factor';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/user/{user_id}/two-factor', {
  // DELETE /v1/organization/{organization_id}/user/{user_id}/two-factor (ours): removes the
  // member's authenticator app and recovery codes. Needs the `authentication` scope (write).
  DELETE: async ({ ctx, principal, membership, meta, params }) => {
    const result = await resetMemberTwoFactor({ ctx, principal, membership, meta, userId: params.user_id });
    return { message: twoFactorResetMessage(result), enrollment_required: result.enrollmentRequired };
  },
});
