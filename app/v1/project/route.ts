import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';
import { createProject, listProjects } from '@/lib/projects/manage';
import { projectToWire } from '@/lib/projects/wire';

// GET /v1/project: every project the caller reaches (avn user login calls it too).
export const GET = authedRoute(async ({ ctx, principal }) => ({ projects: listProjects({ ctx, principal }).map(projectToWire) }));

// POST /v1/project: {project, cloud?, account_id?, tech_emails?}; without account_id, standalone.
export const POST = authedRoute(async ({ ctx, principal, meta, request }) => ({
  project: projectToWire(createProject({ ctx, principal, meta, input: await readJson(request) })),
}));

const notAllowed = methodNotAllowed(['GET', 'POST']);
export { notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
