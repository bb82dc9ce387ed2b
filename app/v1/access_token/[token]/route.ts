import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';
import { pathSegment } from '@/lib/http/path';
import { revokeToken, updateTokenDescription } from '@/lib/tokens/manage';
import { tokenToWire } from '@/lib/tokens/wire';

// PUT /v1/access_token/{token_prefix}: change the description.
export const PUT = authedRoute(async ({ ctx, principal, meta, request }) => {
  const token = updateTokenDescription({ ctx, principal, meta, prefix: pathSegment(request, -1), input: await readJson(request) });
  return tokenToWire(token, principal.token.id);
});

// DELETE /v1/access_token/{token_prefix or full token}
export const DELETE = authedRoute(async ({ ctx, principal, meta, request }) => {
  revokeToken({ ctx, principal, meta, prefixOrToken: pathSegment(request, -1) });
  return { message: 'Token revoked' };
});

const notAllowed = methodNotAllowed(['PUT', 'DELETE']);
export { notAllowed as GET, notAllowed as POST, notAllowed as PATCH };
