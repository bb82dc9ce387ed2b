import { apiRoute } from '@/lib/api/handler';
import { projectOfCall } from '@/lib/api/project';
import { serviceTypeToWire } from '@/lib/services/wire';
import { SERVICE_TYPES } from '@/lib/services/user-config-schema';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/project/{project}/service_types', {
  // GET /v1/project/{project}/service_types: every type with its schema ({"service_types": {type: ...}}),
  // which avn reads for suggestions when a service type is unknown.
  GET: async (call) => {
    await projectOfCall(call);
    return { service_types: Object.fromEntries(SERVICE_TYPES.map((t) => [t, serviceTypeToWire(t)])) };
  },
});
