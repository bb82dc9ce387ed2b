import { z } from 'zod';
import { SERVICE_TYPES } from './user-config-schema';

// The response schemas of the services area: serviceToWire and serviceTypeToWire (wire.ts) are
// typed against them; the OpenAPI document (lib/api/openapi) uses them.

export const serviceWireSchema = z
  .object({
    service_name: z.string(),
    service_type: z.enum(SERVICE_TYPES),
    plan: z.string(),
    state: z.string(),
    cloud_name: z.string(),
    project_name: z.string(),
    create_time: z.string(),
    update_time: z.string(),
    user_config: z
      .record(z.string(), z.unknown())
      .meta({ description: 'Secrets (x-secret in the type\'s schema) are masked unless the caller may change the service.' }),
    service_uri: z.null(),
    service_uri_params: z.object({}),
    node_count: z.null(),
    disk_space_mb: z.null(),
    group_list: z.array(z.string()),
    termination_protection: z.boolean(),
    components: z.array(z.unknown()),
    users: z.array(z.unknown()),
    acl: z.array(z.unknown()),
    tags: z.object({}),
    maintenance: z.null(),
    notifications: z.array(z.unknown()),
  })
  .meta({ id: 'Service', description: 'Fields about nodes and connections are present and empty: nothing runs.' });
export type ServiceWire = z.infer<typeof serviceWireSchema>;

export const serviceTypeWireSchema = z
  .object({
    description: z.string(),
    user_config_schema: z.record(z.string(), z.unknown()).meta({ description: "The JSON Schema of the type's user_config." }),
    default_version: z.null(),
    latest_available_version: z.null(),
  })
  .meta({ id: 'ServiceType' });
export type ServiceTypeWire = z.infer<typeof serviceTypeWireSchema>;
