import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';
import { pathSegment } from '@/lib/http/path';
import { projectOfCall } from '@/lib/http/project';
import { deleteService, getService, mayChangeService, updateService } from '@/lib/services/manage';
import { serviceToWire } from '@/lib/services/wire';

// GET /v1/project/{project}/service/{service}: secrets in user_config masked unless the caller may change the service.
export const GET = authedRoute(async (call) => {
  const access = projectOfCall(call);
  const service = getService({ ctx: call.ctx, access, name: pathSegment(call.request, 4) });
  return { service: serviceToWire(service, access.project, { revealSecrets: mayChangeService({ principal: call.principal, access }) }) };
});

// PUT /v1/project/{project}/service/{service}: {plan?, user_config?}; user_config is merged
// (a key given replaces, null removes, absent keys stay), as `avn service update -c` expects.
export const PUT = authedRoute(async (call) => {
  const access = projectOfCall(call);
  const input = await readJson(call.request);
  const { service } = updateService({ ...call, access, name: pathSegment(call.request, 4), input });
  return { service: serviceToWire(service, access.project, { revealSecrets: mayChangeService({ principal: call.principal, access }) }) };
});

// DELETE /v1/project/{project}/service/{service}
export const DELETE = authedRoute(async (call) => {
  deleteService({ ...call, access: projectOfCall(call), name: pathSegment(call.request, 4) });
  return {};
});

const notAllowed = methodNotAllowed(['GET', 'PUT', 'DELETE']);
export { notAllowed as POST, notAllowed as PATCH };
