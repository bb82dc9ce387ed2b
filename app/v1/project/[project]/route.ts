import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';
import { projectOfCall } from '@/lib/http/project';
import { updateProject } from '@/lib/projects/manage';
import { projectToWire } from '@/lib/projects/wire';

// GET /v1/project/{project}
export const GET = authedRoute(async (call) => ({ project: projectToWire(projectOfCall(call)) }));

// PUT /v1/project/{project}: {project_name?} renames, {account_id?} moves it into an organization.
export const PUT = authedRoute(async (call) => ({
  project: projectToWire(updateProject({ ...call, access: projectOfCall(call), input: await readJson(call.request) })),
}));

const notAllowed = methodNotAllowed(['GET', 'PUT']);
export { notAllowed as POST, notAllowed as PATCH, notAllowed as DELETE };
