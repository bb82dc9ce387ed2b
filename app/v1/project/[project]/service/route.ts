import { apiRoute, readJson } from '@/lib/api/handler';
import { projectOfCall } from '@/lib/api/project';
import { createService, listServices, mayChangeService } from '@/lib/services/manage';
import { serviceToWire } from '@/lib/services/wire';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/project/{project}/service', {
  // GET /v1/project/{project}/service: secrets in user_config masked unless the caller may change the services.
  GET: async (call) => {
    const access = await projectOfCall(call);
    const revealSecrets = mayChangeService({ principal: call.principal, access });
    return { services: (await listServices({ ctx: call.ctx, access })).map((s) => serviceToWire(s, access.project, { revealSecrets })) };
  },

  // POST /v1/project/{project}/service: {service_name, service_type, plan, user_config?}
  POST: async (call) => {
    const access = await projectOfCall(call);
    const service = await createService({ ...call, access, input: await readJson(call.request) });
    return { service: serviceToWire(service, access.project, { revealSecrets: mayChangeService({ principal: call.principal, access }) }) };
  },
});
