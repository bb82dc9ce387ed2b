import { apiRoute, readJson } from '@/lib/api/handler';
import { projectOfCall } from '@/lib/api/project';
import { deleteService, getService, mayChangeService, updateService } from '@/lib/services/manage';
import { serviceToWire } from '@/lib/services/wire';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/project/{project}/service/{service}', {
  // GET /v1/project/{project}/service/{service}: secrets in user_config masked unless the caller may change the service.
  GET: async (call) => {
    const access = await projectOfCall(call);
    const service = await getService({ ctx: call.ctx, access, name: call.params.service });
    return { service: serviceToWire(service, access.project, { revealSecrets: mayChangeService({ principal: call.principal, access }) }) };
  },

  // PUT /v1/project/{project}/service/{service}: {plan?, user_config?}; user_config is merged
  // (a key given replaces, null removes, absent keys stay), as `avn service update -c` expects.
  PUT: async (call) => {
    const access = await projectOfCall(call);
    const input = await readJson(call.request);
    const { service } = await updateService({ ...call, access, name: call.params.service, input });
    return { service: serviceToWire(service, access.project, { revealSecrets: mayChangeService({ principal: call.principal, access }) }) };
  },

  // DELETE /v1/project/{project}/service/{service}
  DELETE: async (call) => {
    await deleteService({ ...call, access: await projectOfCall(call), name: call.params.service });
    return {};
  },
});
