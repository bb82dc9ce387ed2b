import { authedRoute, methodNotAllowed } from '@/lib/http/api';
import { pathSegment } from '@/lib/http/path';
import { resetMemberTwoFactor, twoFactorResetMessage } from '@/lib/orgs/member-two-factor';

// DELETE /v1/organization/{organization_id}/user/{user_id}/two-factor (ours): removes the
// member's authenticator app and recovery codes. Needs the `authentication` scope (write).
export const DELETE = authedRoute(async ({ ctx, principal, organization, meta, request }) => {
  const result = resetMemberTwoFactor({ ctx, principal, membership: organization, meta, userId: pathSegment(request, -2) });
  return { message: twoFactorResetMessage(result), enrollment_required: result.enrollmentRequired };
});

const notAllowed = methodNotAllowed(['DELETE']);
export { notAllowed as GET, notAllowed as POST, notAllowed as PUT, notAllowed as PATCH };
