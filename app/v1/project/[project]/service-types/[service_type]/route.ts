import { AppError } from '@/lib/errors';
import { apiRoute } from '@/lib/api/handler';
import { projectOfCall } from '@/lib/api/project';
import { serviceTypeToWire } from '@/lib/services/wire';
import { SERVICE_TYPES, type ServiceType } from '@/lib/services/user-config-schema';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/project/{project}/service-types/{service_type}', {
  // GET /v1/project/{project}/service-types/{service_type}: {description, user_config_schema, ...},
  // not wrapped. avn service update -c reads the schema to type each value.
  GET: async (call) => {
    await projectOfCall(call);
    const type = call.params.service_type;
    if (!(SERVICE_TYPES as readonly string[]).includes(type)) {
      throw new AppError('not_found', `Service type ${type} not found; available: ${SERVICE_TYPES.join(', ')}`);
    }
    return serviceTypeToWire(type as ServiceType);
  },
});
