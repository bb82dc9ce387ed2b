import { apiRoute, readJson } from '@/lib/api/handler';
import { projectOfCall } from '@/lib/api/project';
import { updateProject } from '@/lib/projects/manage';
import { projectToWire } from '@/lib/projects/wire';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/project/{project}', {
  // GET /v1/project/{project}
  GET: async (call) => ({ project: projectToWire(await projectOfCall(call)) }),

  // PUT /v1/project/{project}: {project_name?} renames, {account_id?} moves it into an organization.
  PUT: async (call) => ({
    project: projectToWire(await updateProject({ ...call, access: await projectOfCall(call), input: await readJson(call.request) })),
  }),
});
