import { apiRoute, readJson } from '@/lib/api/handler';
import { createProject, listProjects } from '@/lib/projects/manage';
import { projectToWire } from '@/lib/projects/wire';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/project', {
  // GET /v1/project: every project the caller reaches (avn user login calls it too).
  GET: async ({ ctx, principal }) => ({ projects: (await listProjects({ ctx, principal })).map(projectToWire) }),

  // POST /v1/project: {project, cloud?, account_id?, tech_emails?}; without account_id, standalone.
  POST: async ({ ctx, principal, meta, request }) => ({
    project: projectToWire(await createProject({ ctx, principal, meta, input: await readJson(request) })),
  }),
});
