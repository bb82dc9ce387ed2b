import { changePassword } from '@/lib/passwords/change';
import { apiRoute, readJson } from '@/lib/api/handler';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/me/password', {
  // PUT /v1/me/password: `{"password": current, "new_password": new}`, as avn user password-change
  // sends it. Login sessions only (a personal or application token is 403); a wrong current password
  // is 403 and counts toward the sign-in limits. Every other login session of the user ends.
  PUT: async ({ ctx, principal, meta, request }) => {
    const { firstPassword, sessionsEnded, personalTokensRevoked } = await changePassword({ ctx, principal, meta, input: await readJson(request) });
    const tokens = personalTokensRevoked > 0 ? ` and ${personalTokensRevoked} personal token${personalTokensRevoked === 1 ? '' : 's'} revoked` : '';
    return {
      message: `${firstPassword ? 'Password set' : 'Password changed'}: ${sessionsEnded} other session${sessionsEnded === 1 ? '' : 's'} signed out${tokens}`,
    };
  },
});
