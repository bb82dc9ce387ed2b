import { authedRoute, methodNotAllowed } from '@/lib/http/api';

// GET /v1/project: avn user login calls it to check a new token. Projects arrive with their own
// issue; until then no user has any, and the answer says so truthfully.
export const GET = authedRoute(async () => ({ projects: [] }));

const notAllowed = methodNotAllowed(['GET']);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
