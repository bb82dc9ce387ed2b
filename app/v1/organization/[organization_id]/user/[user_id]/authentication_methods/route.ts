import { apiRoute } from '@/lib/http/api';
import { listMemberAuthenticationMethods } from '@/lib/orgs/members';
import { authenticationMethodToWire } from '@/lib/orgs/wire';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/user/{user_id}/authentication_methods', {
  // GET /v1/organization/{organization_id}/user/{user_id}/authentication_methods
  GET: async ({ ctx, principal, membership, meta, params }) => ({
    authentication_methods: listMemberAuthenticationMethods({
      ctx,
      principal,
      membership,
      meta,
      userId: params.user_id,
    }).map((method) => authenticationMethodToWire(method, membership!.organization)),
  }),
});
