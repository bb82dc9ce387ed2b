import { authedRoute, methodNotAllowed } from '@/lib/http/api';
import { expireAllTokens } from '@/lib/tokens/manage';

// POST /v1/me/expire_tokens: every token of the caller stops working, this one included.
export const POST = authedRoute(async ({ ctx, principal, meta }) => {
  const count = expireAllTokens({ ctx, principal, meta });
  return { message: `All ${count} tokens of ${principal.user.email} have been expired` };
});

const notAllowed = methodNotAllowed(['POST']);
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
