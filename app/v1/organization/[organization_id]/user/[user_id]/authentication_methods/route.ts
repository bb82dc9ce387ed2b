import { apiRoute } from '@/lib/api/handler';
import { listMemberAuthenticationMethods } from '@/lib/users/members';
import { authenticationMethodToWire } from '@/lib/users/wire';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/user/{user_id}/authentication_methods', {
  // GET /v1/organization/{organization_id}/user/{user_id}/authentication_methods
  GET: async ({ ctx, principal, membership, meta, params }) => ({
    authentication_methods: (await listMemberAuthenticationMethods({
      ctx,
      principal,
      membership,
      meta,
      userId: params.user_id,
    })).map((method) => authenticationMethodToWire(method, membership!.organization)),
  }),
});
