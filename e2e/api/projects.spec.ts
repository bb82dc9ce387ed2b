import { randomBytes } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';
import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import { auditOf, seedOrgMember, setAllowlist, unique } from '../support/seed';

// Organizations, projects and services on the wire, as avn and the reference send them
// (../shared/reference/aiven-api.md, "Organizations, accounts..." and "Projects and services").

// avn labels bodyless requests application/octet-stream and JSON bodies application/json.
const octet = (token: string) => ({ ...auth(token), 'content-type': 'application/octet-stream' });
const json = (token: string, value: unknown) => ({
  headers: { ...auth(token), 'content-type': 'application/json' },
  data: Buffer.from(JSON.stringify(value)),
});
const TIME = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

async function newProject(request: APIRequestContext, token: string, accountId?: string) {
  const name = unique('prj').toLowerCase();
  const response = await request.post('/v1/project', json(token, { project: name, cloud: 'google-europe-west1', ...(accountId ? { account_id: accountId } : {}) }));
  expect(response.status(), await response.text()).toBe(200);
  return name;
}

async function newService(request: APIRequestContext, token: string, project: string, service_type: 'kafka' | 'opensearch') {
  const service_name = `${service_type}-${randomBytes(3).toString('hex')}`;
  const plan = service_type === 'kafka' ? 'business-4' : 'startup-4';
  const response = await request.post(`/v1/project/${project}/service`, json(token, { service_name, service_type, plan, cloud: 'google-europe-west1' }));
  expect(response.status(), await response.text()).toBe(200);
  return service_name;
}

/** avn's reading of -c KEY=VALUE: walk the schema by the dotted key, convert by the property's type. */
function avnTyped(schema: Record<string, unknown>, key: string, raw: string): Record<string, unknown> {
  const parts = key.split('.');
  let node = schema as { properties?: Record<string, { type: string | string[]; properties?: unknown }> };
  let leaf: { type: string | string[] } | undefined;
  for (const part of parts) {
    const child = node.properties?.[part];
    if (!child) throw new Error(`Unsupported option ${key}`);
    leaf = child;
    node = child as typeof node;
  }
  const type = leaf!.type;
  expect(type, `${key} has a type`).toBeDefined();
  const has = (t: string) => (Array.isArray(type) ? type.includes(t) : type.includes(t));
  let value: unknown;
  if (has('string')) value = raw;
  else if (has('integer')) value = Number.parseInt(raw, raw.startsWith('0x') ? 16 : 10);
  else if (has('boolean')) {
    if (!['1', '0', 'true', 'false'].includes(raw)) throw new Error(`bad boolean ${raw}`);
    value = raw === '1' || raw === 'true';
  } else throw new Error(`unhandled type ${JSON.stringify(type)}`);
  const out: Record<string, unknown> = {};
  let cursor = out;
  parts.slice(0, -1).forEach((p) => (cursor = cursor[p] = {} as Record<string, unknown>));
  cursor[parts.at(-1)!] = value;
  return out;
}

/** The three requests of `avn service update SERVICE --project PROJECT -c K=V ...`, as observed. */
async function avnServiceUpdate(request: APIRequestContext, token: string, project: string, service: string, options: [string, string][]) {
  const get = await request.get(`/v1/project/${project}/service/${service}`, { headers: octet(token) });
  expect(get.status()).toBe(200);
  const current = (await get.json()).service;
  const types = await request.get(`/v1/project/${project}/service-types/${current.service_type}`, { headers: octet(token) });
  expect(types.status()).toBe(200);
  const { user_config_schema } = await types.json();
  const user_config: Record<string, Record<string, unknown>> = {};
  for (const [key, raw] of options) {
    for (const [top, inner] of Object.entries(avnTyped(user_config_schema, key, raw))) {
      user_config[top] = { ...(user_config[top] ?? {}), ...(inner as Record<string, unknown>) };
    }
  }
  const put = await request.put(`/v1/project/${project}/service/${service}`, json(token, { plan: current.plan, user_config }));
  return put;
}

test.describe('organizations and accounts', () => {
  test('POST /v1/account creates an organization whose super admin the caller is; GET, PUT, DELETE', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const name = unique('Org');
    const created = await request.post('/v1/account', json(token, { account_name: name }));
    expect(created.status()).toBe(200);
    const { account } = await created.json();
    // avn organization create columns: organization_id account_id create_time update_time.
    expect(account).toMatchObject({
      account_id: expect.stringMatching(/^a[0-9a-f]{11}$/),
      account_name: name,
      organization_id: expect.stringMatching(/^org[0-9a-f]{11}$/),
      create_time: TIME,
      update_time: TIME,
      is_account_owner: true,
      root_account_id: account.account_id,
    });

    const accounts = (await (await request.get('/v1/account', { headers: octet(token) })).json()).accounts;
    // Oldest membership first, then by name: both joined within the same second here.
    expect(accounts.map((a: { account_name: string }) => a.account_name).sort()).toEqual([member.organizationName, name].sort());

    // avn organization list columns.
    const organizations = (await (await request.get('/v1/organizations', { headers: octet(token) })).json()).organizations;
    expect(organizations).toContainEqual({
      organization_id: account.organization_id,
      organization_name: name,
      account_id: account.account_id,
      tier: 'business',
      create_time: TIME,
      update_time: TIME,
    });
    const org = await (await request.get(`/v1/organization/${account.organization_id}`, { headers: octet(token) })).json();
    expect(org).toMatchObject({ organization_id: account.organization_id, organization_name: name, account_id: account.account_id });

    // avn organization update ORG -n NAME: GET org, PUT account, GET org.
    const renamed = await request.put(`/v1/account/${account.account_id}`, json(token, { account_name: `${name} renamed` }));
    expect((await renamed.json()).account.account_name).toBe(`${name} renamed`);
    expect((await (await request.get(`/v1/account/${account.account_id}`, { headers: octet(token) })).json()).account.account_name).toBe(`${name} renamed`);

    // The new organization answers to its own policy: the session reaches its members' routes.
    expect((await request.get(`/v1/organization/${account.organization_id}/user`, { headers: octet(token) })).status()).toBe(200);

    const deleted = await request.delete(`/v1/account/${account.account_id}`, { headers: octet(token) });
    expect(deleted.status()).toBe(200);
    expect((await request.get(`/v1/account/${account.account_id}`, { headers: octet(token) })).status()).toBe(404);
    // The organization's own log went with it; the deletion is kept outside any organization.
    expect(await auditOf(servers.main.database, { event: 'organization.deleted', actorEmail: member.email })).toMatchObject([
      { organizationId: null, details: { organization_id: account.organization_id, organization_name: `${name} renamed` } },
    ]);
  });

  test('organizations answer members only; changes super admins only', async ({ request, member }) => {
    const colleague = await seedOrgMember(servers.main.database, member.organizationId);
    const token = await login(request, colleague.email, colleague.password);
    const accountId = (await (await request.get('/v1/account', { headers: octet(token) })).json()).accounts[0].account_id;
    expect((await request.put(`/v1/account/${accountId}`, json(token, { account_name: 'x' }))).status()).toBe(403);
    expect((await request.delete(`/v1/account/${accountId}`, { headers: octet(token) })).status()).toBe(403);
    const outsider = await login(request, (await seedOrgMember(servers.main.database, (await createOrg(request, token)).organization_id)).email, colleague.password);
    expect((await request.get(`/v1/account/${accountId}`, { headers: octet(outsider) })).status()).toBe(404);
    expect((await request.get(`/v1/organization/${member.organizationId}`, { headers: octet(outsider) })).status()).toBe(404);
    expect((await request.post('/v1/account', json(token, { account_name: '' }))).status()).toBe(400);
  });

  test('an organization holding projects is not deleted', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const org = await createOrg(request, token);
    await newProject(request, token, org.account_id);
    const refused = await request.delete(`/v1/account/${org.account_id}`, { headers: octet(token) });
    expect(refused.status()).toBe(409);
    expect((await refused.json()).message).toMatch(/still has 1 project/);
  });
});

async function createOrg(request: APIRequestContext, token: string) {
  return (await (await request.post('/v1/account', json(token, { account_name: unique('Org') }))).json()).account as {
    account_id: string;
    organization_id: string;
  };
}

test.describe('projects', () => {
  test('POST, GET /v1/project and PUT to rename and to move a standalone project into an organization', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const accountId = (await (await request.get('/v1/account', { headers: octet(token) })).json()).accounts[0].account_id;
    const standalone = await newProject(request, token);
    const inOrg = await newProject(request, token, accountId);

    const { projects } = await (await request.get('/v1/project', { headers: octet(token) })).json();
    expect(projects.map((p: { project_name: string }) => p.project_name).sort()).toEqual([inOrg, standalone].sort());
    expect(projects.find((p: { project_name: string }) => p.project_name === standalone)).toMatchObject({
      account_id: null,
      organization_id: null,
      default_cloud: 'google-europe-west1',
      tech_emails: [],
    });

    // The seed's request: PUT {"account_id", "add_account_owners_admin_access": true}.
    const moved = await request.put(`/v1/project/${standalone}`, json(token, { account_id: accountId, add_account_owners_admin_access: true }));
    expect(moved.status()).toBe(200);
    expect((await moved.json()).project).toMatchObject({ project_name: standalone, account_id: accountId, organization_id: member.organizationId, account_name: member.organizationName });

    const newName = `${standalone}-renamed`;
    const renamed = await request.put(`/v1/project/${standalone}`, json(token, { project_name: newName }));
    expect((await renamed.json()).project.project_name).toBe(newName);
    expect((await request.get(`/v1/project/${standalone}`, { headers: octet(token) })).status()).toBe(404);
    expect((await request.get(`/v1/project/${newName}`, { headers: octet(token) })).status()).toBe(200);
    expect((await request.post('/v1/project', json(token, { project: newName }))).status()).toBe(409);
    expect((await (await request.post('/v1/project', json(token, { project: newName }))).json()).message).toMatch(/already exists/);
  });

  test('only a super admin of the target organization moves a project in; members read, outsiders get 404', async ({ request, member }) => {
    const colleague = await seedOrgMember(servers.main.database, member.organizationId);
    const colleagueToken = await login(request, colleague.email, colleague.password);
    const adminToken = await login(request, member.email, member.password);
    const accountId = (await (await request.get('/v1/account', { headers: octet(adminToken) })).json()).accounts[0].account_id;

    const own = await newProject(request, colleagueToken);
    const refused = await request.put(`/v1/project/${own}`, json(colleagueToken, { account_id: accountId }));
    expect(refused.status()).toBe(403);
    // The colleague's standalone project is theirs alone: the admin does not see it.
    expect((await request.get(`/v1/project/${own}`, { headers: octet(adminToken) })).status()).toBe(404);
    expect((await request.put(`/v1/project/${own}`, json(adminToken, { account_id: accountId }))).status()).toBe(404);

    const shared = await newProject(request, adminToken, accountId);
    expect((await request.get(`/v1/project/${shared}`, { headers: octet(colleagueToken) })).status()).toBe(200);
    expect((await request.put(`/v1/project/${shared}`, json(colleagueToken, { project_name: `${shared}-x` }))).status()).toBe(403);
    expect((await request.post(`/v1/project/${shared}/service`, json(colleagueToken, { service_name: 'k', service_type: 'kafka', plan: 'startup-2' }))).status()).toBe(403);
  });

  test('a project in an organization follows its IP allowlist', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const org = await createOrg(request, token);
    const project = await newProject(request, token, org.account_id);
    await setAllowlist(servers.main.database, org.organization_id, ['192.0.2.0/24']);
    const refused = await request.get(`/v1/project/${project}/service`, { headers: octet(token) });
    expect(refused.status()).toBe(403);
    expect((await refused.json()).message).toMatch(/not in the IP allowlist/);
  });

  test('project routes need the projects scope', async ({ request, member }) => {
    const session = await login(request, member.email, member.password);
    const project = await newProject(request, session);
    const scoped = async (scopes: string[]) =>
      (await (await request.post('/v1/access_token', json(session, { description: 'scoped', scopes }))).json()).full_token as string;
    const userOnly = await scoped(['user']);
    const readOnly = await scoped(['projects:read']);
    expect((await request.get('/v1/project', { headers: octet(userOnly) })).status()).toBe(403);
    expect((await request.get(`/v1/project/${project}/service`, { headers: octet(readOnly) })).status()).toBe(200);
    expect((await request.post(`/v1/project/${project}/service`, json(readOnly, { service_name: 'k', service_type: 'kafka', plan: 'startup-2' }))).status()).toBe(403);
  });
});

test.describe('services', () => {
  test('create, list, get and delete, with upstream fields', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const project = await newProject(request, token);
    const name = await newService(request, token, project, 'kafka');
    const { services } = await (await request.get(`/v1/project/${project}/service`, { headers: octet(token) })).json();
    expect(services).toHaveLength(1);
    expect(services[0]).toMatchObject({
      service_name: name,
      service_type: 'kafka',
      plan: 'business-4',
      state: 'RUNNING',
      cloud_name: 'google-europe-west1',
      user_config: {},
      create_time: TIME,
      update_time: TIME,
      group_list: [],
    });
    expect((await request.post(`/v1/project/${project}/service`, json(token, { service_name: name, service_type: 'kafka', plan: 'business-4' }))).status()).toBe(409);
    const bad = await request.post(`/v1/project/${project}/service`, json(token, { service_name: 'x', service_type: 'pg', plan: 'x' }));
    expect(bad.status()).toBe(400);
    expect((await request.delete(`/v1/project/${project}/service/${name}`, { headers: octet(token) })).status()).toBe(200);
    expect((await request.get(`/v1/project/${project}/service/${name}`, { headers: octet(token) })).status()).toBe(404);
  });

  test('service types: the schema avn reads, and the underscore fallback', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const project = await newProject(request, token);
    const kafka = await (await request.get(`/v1/project/${project}/service-types/kafka`, { headers: octet(token) })).json();
    expect(kafka).toMatchObject({ description: expect.any(String), user_config_schema: { type: 'object', properties: { kafka: { type: 'object' } } } });
    expect(kafka.user_config_schema.properties.kafka.properties.sasl_oauthbearer_expected_issuer).toMatchObject({
      type: ['string', 'null'],
      maxLength: 128,
      pattern: '^[^\\r\\n]*$',
    });
    const unknown = await request.get(`/v1/project/${project}/service-types/pg`, { headers: octet(token) });
    expect(unknown.status()).toBe(404);
    expect((await unknown.json()).message).toMatch(/Service type pg not found/);
    const all = await (await request.get(`/v1/project/${project}/service_types`, { headers: octet(token) })).json();
    expect(Object.keys(all.service_types)).toEqual(['kafka', 'opensearch']);
    expect(all.service_types.opensearch.user_config_schema.properties.jwt.required).toEqual(['enabled', 'signing_key']);
  });

  test('avn service update -c kafka.sasl_oauthbearer_sub_claim_name=sub: the three observed requests', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const project = await newProject(request, token);
    const service = await newService(request, token, project, 'kafka');
    const put = await avnServiceUpdate(request, token, project, service, [['kafka.sasl_oauthbearer_sub_claim_name', 'sub']]);
    expect(put.status()).toBe(200);
    expect((await put.json()).service.user_config).toEqual({ kafka: { sasl_oauthbearer_sub_claim_name: 'sub' } });
    // The exact body avn sends, checked against what the server kept.
    const stored = await (await request.get(`/v1/project/${project}/service/${service}`, { headers: octet(token) })).json();
    expect(stored.service.user_config).toEqual({ kafka: { sasl_oauthbearer_sub_claim_name: 'sub' } });
    expect(await auditOf(servers.main.database, { event: 'service.updated', actorEmail: member.email })).toHaveLength(1);
  });

  test('every Kafka key through avn typing; merge keeps, replaces and removes', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const project = await newProject(request, token);
    const service = await newService(request, token, project, 'kafka');
    const options: [string, string][] = [
      ['kafka.sasl_oauthbearer_jwks_endpoint_url', 'https://my-jwks-endpoint.example.com/jwks'],
      ['kafka.sasl_oauthbearer_expected_issuer', 'https://my-issuer.example.com'],
      ['kafka.sasl_oauthbearer_expected_audience', 'my-audience, another-audience'],
      ['kafka.sasl_oauthbearer_sub_claim_name', 'custom-sub'],
    ];
    // One key per run, as people do: each keeps the ones before.
    for (const option of options) expect((await avnServiceUpdate(request, token, project, service, [option])).status()).toBe(200);
    const stored = (await (await request.get(`/v1/project/${project}/service/${service}`, { headers: octet(token) })).json()).service.user_config;
    expect(stored).toEqual({ kafka: Object.fromEntries(options.map(([k, v]) => [k.split('.')[1], v])) });

    // --remove-option sends null; an empty user_config (no -c) changes nothing.
    const removed = await request.put(`/v1/project/${project}/service/${service}`, json(token, { plan: 'business-4', user_config: { kafka: { sasl_oauthbearer_expected_issuer: null } } }));
    expect((await removed.json()).service.user_config.kafka).not.toHaveProperty('sasl_oauthbearer_expected_issuer');
    const same = await request.put(`/v1/project/${project}/service/${service}`, json(token, { plan: 'business-4', user_config: {} }));
    expect(Object.keys((await same.json()).service.user_config.kafka)).toHaveLength(3);
  });

  test('every OpenSearch key through avn typing; bad values answer 400 with a message', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const project = await newProject(request, token);
    const service = await newService(request, token, project, 'opensearch');
    const secret = randomBytes(32).toString('base64');
    const options: [string, string][] = [
      ['jwt.enabled', 'true'],
      ['jwt.signing_key', secret],
      ['jwt.jwt_header', 'Authorization'],
      ['jwt.jwt_url_parameter', 'token'],
      ['jwt.subject_key', 'preferred_username'],
      ['jwt.roles_key', 'roles'],
      ['jwt.required_audience', 'search'],
      ['jwt.required_issuer', 'https://idp.example.com/'],
      ['jwt.jwt_clock_skew_tolerance_seconds', '45'],
    ];
    // jwt.enabled and jwt.signing_key are required together: the first run sets both.
    expect((await avnServiceUpdate(request, token, project, service, options.slice(0, 2))).status()).toBe(200);
    for (const option of options.slice(2)) expect((await avnServiceUpdate(request, token, project, service, [option])).status()).toBe(200);
    const stored = (await (await request.get(`/v1/project/${project}/service/${service}`, { headers: octet(token) })).json()).service.user_config;
    expect(stored).toEqual({
      jwt: {
        enabled: true,
        signing_key: secret,
        jwt_header: 'Authorization',
        jwt_url_parameter: 'token',
        subject_key: 'preferred_username',
        roles_key: 'roles',
        required_audience: 'search',
        required_issuer: 'https://idp.example.com/',
        jwt_clock_skew_tolerance_seconds: 45,
      },
    });
    // The audit log has the change, with the key masked.
    const events = await auditOf(servers.main.database, { event: 'service.updated', actorEmail: member.email });
    expect(JSON.stringify(events)).not.toContain(secret);

    for (const [key, value, message] of [
      ['jwt.jwt_clock_skew_tolerance_seconds', '301', /0 to 300/],
      ['jwt.signing_key', Buffer.from('short').toString('base64'), /at least 32/],
      ['jwt.nope', 'x', /Unsupported option "nope"/],
    ] as const) {
      const refused =
        key === 'jwt.nope'
          ? await request.put(`/v1/project/${project}/service/${service}`, json(token, { plan: 'startup-4', user_config: { jwt: { nope: value } } }))
          : await avnServiceUpdate(request, token, project, service, [[key, value]]);
      expect(refused.status()).toBe(400);
      const body = await refused.json();
      expect(body.message).toMatch(message);
      expect(body.errors[0]).toMatchObject({ status: 400 });
    }
  });

  // A plain member, or the admin's own read-only token, reads the service: the HMAC key that
  // signs OpenSearch tokens (any role) must not come with it. Before, every reader got it.
  test('jwt.signing_key is masked for members and read-only tokens, shown to those who may change it', async ({ request, member }) => {
    const colleague = await seedOrgMember(servers.main.database, member.organizationId);
    const memberToken = await login(request, colleague.email, colleague.password);
    const adminToken = await login(request, member.email, member.password);
    const accountId = (await (await request.get('/v1/account', { headers: octet(adminToken) })).json()).accounts[0].account_id;
    const project = await newProject(request, adminToken, accountId);
    const service = await newService(request, adminToken, project, 'opensearch');
    const secret = randomBytes(32).toString('base64');
    const set = await request.put(`/v1/project/${project}/service/${service}`, json(adminToken, { user_config: { jwt: { enabled: true, signing_key: secret } } }));
    expect(set.status()).toBe(200);
    expect((await set.json()).service.user_config.jwt.signing_key).toBe(secret);
    const readOnly = (await (await request.post('/v1/access_token', json(adminToken, { description: 'read', scopes: ['projects:read'] }))).json()).full_token as string;

    const masked = expect.stringMatching(/^•{8} \(sha256 [0-9a-f]{8}\)$/);
    for (const reader of [memberToken, readOnly]) {
      const one = await request.get(`/v1/project/${project}/service/${service}`, { headers: octet(reader) });
      expect(one.status()).toBe(200);
      const text = await one.text();
      expect(text).not.toContain(secret);
      expect(JSON.parse(text).service.user_config.jwt).toEqual({ enabled: true, signing_key: masked });
      const list = await request.get(`/v1/project/${project}/service`, { headers: octet(reader) });
      expect(list.status()).toBe(200);
      expect(await list.text()).not.toContain(secret);
    }
    const forAdmin = await request.get(`/v1/project/${project}/service/${service}`, { headers: octet(adminToken) });
    expect((await forAdmin.json()).service.user_config.jwt.signing_key).toBe(secret);
  });
});
