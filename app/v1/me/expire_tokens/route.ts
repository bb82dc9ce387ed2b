import { apiRoute } from '@/lib/api/handler';
import { expireAllTokens } from '@/lib/tokens/manage';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/me/expire_tokens', {
  // POST /v1/me/expire_tokens: every token of the caller stops working, this one included.
  POST: async ({ ctx, principal, meta }) => {
    const count = await expireAllTokens({ ctx, principal, meta });
    return { message: `All ${count} tokens of ${principal.user.email} have been expired` };
  },
});
