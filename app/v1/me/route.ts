import { apiRoute } from '@/lib/api/handler';
import { meResponse } from '@/lib/users/me';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/me', {
  // GET /v1/me
  GET: ({ ctx, principal }) => meResponse(ctx, principal),
});
