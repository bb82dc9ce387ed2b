import { authedRoute } from '@/lib/http/api';
import { meResponse } from '@/lib/users/me';

// GET /v1/me
export const GET = authedRoute(async ({ ctx, principal }) => meResponse(ctx, principal));
