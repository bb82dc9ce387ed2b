import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';
import { projectOfCall } from '@/lib/http/project';
import { createService, listServices } from '@/lib/services/manage';
import { serviceToWire } from '@/lib/services/wire';

// GET /v1/project/{project}/service
export const GET = authedRoute(async (call) => {
  const access = projectOfCall(call);
  return { services: listServices({ ctx: call.ctx, access }).map((s) => serviceToWire(s, access.project)) };
});

// POST /v1/project/{project}/service: {service_name, service_type, plan, user_config?}
export const POST = authedRoute(async (call) => {
  const access = projectOfCall(call);
  const service = createService({ ...call, access, input: await readJson(call.request) });
  return { service: serviceToWire(service, access.project) };
});

const notAllowed = methodNotAllowed(['GET', 'POST']);
export { notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
