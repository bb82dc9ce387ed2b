import { authedRoute, methodNotAllowed } from '@/lib/http/api';
import { meResponse } from '@/lib/users/me';

// GET /v1/me
export const GET = authedRoute(async ({ ctx, principal }) => meResponse(ctx, principal));

const notAllowed = methodNotAllowed(['GET']);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
