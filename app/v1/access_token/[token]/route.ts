import { apiRoute, readJson } from '@/lib/api/handler';
import { revokeToken, updateTokenDescription } from '@/lib/tokens/manage';
import { tokenToWire } from '@/lib/tokens/wire';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/access_token/{token}', {
  // PUT /v1/access_token/{token_prefix}: change the description.
  PUT: async ({ ctx, principal, meta, request, params }) => {
    const token = await updateTokenDescription({ ctx, principal, meta, prefix: params.token, input: await readJson(request) });
    return tokenToWire(token, principal.token.id);
  },

  // DELETE /v1/access_token/{token_prefix or full token}
  DELETE: async ({ ctx, principal, meta, params }) => {
    await revokeToken({ ctx, principal, meta, prefixOrToken: params.token });
    return { message: 'Token revoked' };
  },
});
