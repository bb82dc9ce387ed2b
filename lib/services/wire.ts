import type { Project, Service } from '@/db/schema';
import { SERVICE_TYPE_DESCRIPTIONS, USER_CONFIG_SCHEMAS, type ServiceType } from './user-config-schema';

/**
 * The service object of /v1/project/{project}/service, in upstream's fields. user_config is
 * returned as stored, secrets included, to those who may read the service (as upstream does);
 * the console masks them. Fields about nodes and connections are present and empty: nothing runs.
 */
export function serviceToWire(service: Service, project: Project) {
  return {
    service_name: service.name,
    service_type: service.serviceType,
    plan: service.plan,
    state: service.state,
    cloud_name: project.cloud,
    project_name: project.name,
    create_time: service.createTime,
    update_time: service.updateTime,
    user_config: service.userConfig,
    service_uri: null,
    service_uri_params: {},
    node_count: null,
    disk_space_mb: null,
    group_list: [] as string[],
    termination_protection: false,
    components: [] as unknown[],
    users: [] as unknown[],
    acl: [] as unknown[],
    tags: {},
    maintenance: null,
    notifications: [] as unknown[],
  };
}

/** GET /v1/project/{project}/service-types/{type}: not wrapped, as avn reads it. */
export function serviceTypeToWire(serviceType: ServiceType) {
  return {
    description: SERVICE_TYPE_DESCRIPTIONS[serviceType],
    user_config_schema: USER_CONFIG_SCHEMAS[serviceType],
    default_version: null,
    latest_available_version: null,
  };
}
