import type { Project, Service } from '@/db/schema';
import { userConfigFor } from './secrets';
import type { ServiceTypeWire, ServiceWire } from './wire-schema';
import { SERVICE_TYPE_DESCRIPTIONS, USER_CONFIG_SCHEMAS, type ServiceType } from './user-config-schema';

/**
 * The service object of /v1/project/{project}/service, in upstream's fields. user_config comes
 * with its secrets (x-secret in the schema) only for callers who may change the service
 * (mayChangeService); everyone else sees them masked (lib/services/secrets.ts). Fields about
 * nodes and connections are present and empty: nothing runs.
 */
export function serviceToWire(service: Service, project: Project, { revealSecrets }: { revealSecrets: boolean }): ServiceWire {
  return {
    service_name: service.name,
    service_type: service.serviceType,
    plan: service.plan,
    state: service.state,
    cloud_name: project.cloud,
    project_name: project.name,
    create_time: service.createTime,
    update_time: service.updateTime,
    user_config: userConfigFor(service, { revealSecrets }),
    service_uri: null,
    service_uri_params: {},
    node_count: null,
    disk_space_mb: null,
    group_list: [],
    termination_protection: false,
    components: [],
    users: [],
    acl: [],
    tags: {},
    maintenance: null,
    notifications: [],
  };
}

/** GET /v1/project/{project}/service-types/{type}: not wrapped, as avn reads it. */
export function serviceTypeToWire(serviceType: ServiceType): ServiceTypeWire {
  return {
    description: SERVICE_TYPE_DESCRIPTIONS[serviceType],
    user_config_schema: USER_CONFIG_SCHEMAS[serviceType],
    default_version: null,
    latest_available_version: null,
  };
}
