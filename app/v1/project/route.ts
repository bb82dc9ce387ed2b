import { authedRoute } from '@/lib/http/api';

// GET /v1/project: avn user login calls it to check a new token. Projects arrive with their own
// issue; until then no user has any, and the answer says so truthfully.
export const GET = authedRoute(async () => ({ projects: [] }));
