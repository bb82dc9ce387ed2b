import { describe, expect, it } from 'vitest';
import type { Project, Service } from '@/db/schema';
import { maskSecret } from './signing-key';
import { USER_CONFIG_SCHEMAS } from './user-config-schema';
import { serviceToWire, serviceTypeToWire } from './wire';

const KEY = 'c2VjcmV0LWtleS1mb3ItaG1hYy1zaWduZWQtdG9rZW5zLTEyMzQ1Njc4OTA=';

const project: Project = {
  id: 'prj1',
  name: 'prod',
  organizationId: 'org1',
  unitId: null,
  createdByUserId: null,
  cloud: 'aws-eu-west-1',
  techEmails: [],
  createTime: '2026-03-01T12:00:00Z',
  updateTime: '2026-03-01T12:00:00Z',
};

const service: Service = {
  id: 'svc1',
  projectId: 'prj1',
  name: 'search',
  serviceType: 'opensearch',
  plan: 'startup-4',
  state: 'RUNNING',
  userConfig: { jwt: { enabled: true, signing_key: KEY } },
  createTime: '2026-03-01T12:00:00Z',
  updateTime: '2026-03-01T12:05:00Z',
};

describe('serviceToWire', () => {
  it("gives upstream's fields, nothing running, and the secret only when told to reveal it", () => {
    const wire = (revealSecrets: boolean) => serviceToWire(service, project, { revealSecrets });
    const expected = {
      service_name: 'search',
      service_type: 'opensearch',
      plan: 'startup-4',
      state: 'RUNNING',
      cloud_name: 'aws-eu-west-1',
      project_name: 'prod',
      create_time: '2026-03-01T12:00:00Z',
      update_time: '2026-03-01T12:05:00Z',
      user_config: { jwt: { enabled: true, signing_key: KEY } },
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
    expect(wire(true)).toEqual(expected);
    expect(wire(false)).toEqual({ ...expected, user_config: { jwt: { enabled: true, signing_key: maskSecret(KEY) } } });
  });
});

describe('serviceTypeToWire (GET /v1/project/{project}/service-types/{type})', () => {
  it.each(['kafka', 'opensearch'] as const)('describes %s with its user_config schema and no versions', (type) => {
    expect(serviceTypeToWire(type)).toEqual({
      description: type === 'kafka' ? 'Apache Kafka: its OAUTHBEARER (OAuth2/OIDC) settings' : 'OpenSearch: its JWT authentication settings',
      user_config_schema: USER_CONFIG_SCHEMAS[type],
      default_version: null,
      latest_available_version: null,
    });
  });
});
