import { AppError } from '@/lib/errors';
import { authedRoute, methodNotAllowed } from '@/lib/http/api';
import { pathSegment } from '@/lib/http/path';
import { projectOfCall } from '@/lib/http/project';
import { serviceTypeToWire } from '@/lib/services/wire';
import { SERVICE_TYPES, type ServiceType } from '@/lib/services/user-config-schema';

// GET /v1/project/{project}/service-types/{service_type}: {description, user_config_schema, ...},
// not wrapped. avn service update -c reads the schema to type each value.
export const GET = authedRoute(async (call) => {
  projectOfCall(call);
  const type = pathSegment(call.request, 4);
  if (!(SERVICE_TYPES as readonly string[]).includes(type)) {
    throw new AppError('not_found', `Service type ${type} not found; available: ${SERVICE_TYPES.join(', ')}`);
  }
  return serviceTypeToWire(type as ServiceType);
});

const notAllowed = methodNotAllowed(['GET']);
export { notAllowed as POST, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
