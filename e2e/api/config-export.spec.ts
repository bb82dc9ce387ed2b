import { randomBytes } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';
import { parse } from 'yaml';
import { readProperties } from '@/lib/testing/properties-reader';
import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import { seedMember, seedOrgMember, unique } from '../support/seed';

// GET /v1/project/{project}/service/{service}/config-export: the service's saved settings as the
// file its cluster applies (docs/service-config-export.md). Text with a download name; the
// OpenSearch signing key only for those who may change the service; 409 when nothing is saved;
// another organization's project does not exist for the caller.

const json = (token: string, value: unknown) => ({
  headers: { ...auth(token), 'content-type': 'application/json' },
  data: Buffer.from(JSON.stringify(value)),
});

const JWKS = 'https://idp.example.com/.well-known/jwks.json';
const HMAC = randomBytes(32).toString('base64');

async function organizationService(request: APIRequestContext, token: string, type: 'kafka' | 'opensearch', userConfig?: unknown) {
  const accountId = (await (await request.get('/v1/account', { headers: auth(token) })).json()).accounts[0].account_id as string;
  const project = unique('export').toLowerCase();
  expect((await request.post('/v1/project', json(token, { project, account_id: accountId }))).status()).toBe(200);
  const service = `${type === 'kafka' ? 'kf' : 'os'}-${randomBytes(3).toString('hex')}`;
  const plan = type === 'kafka' ? 'startup-2' : 'startup-4';
  const created = await request.post(
    `/v1/project/${project}/service`,
    json(token, { service_name: service, service_type: type, plan, ...(userConfig ? { user_config: userConfig } : {}) }),
  );
  expect(created.status(), await created.text()).toBe(200);
  return { project, service, path: `/v1/project/${project}/service/${service}/config-export` };
}

const errorBody = (status: number, code: string, message: string) => ({ message, errors: [{ error_code: code, message, status }] });

test.describe('service config export', () => {
  test('Kafka: broker properties for 4.x (with allowed.urls) and 3.9, as a text download', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const kafka = {
      sasl_oauthbearer_jwks_endpoint_url: JWKS,
      sasl_oauthbearer_expected_audience: 'kafka=prod,ø',
      sasl_oauthbearer_expected_issuer: 'https://idp.example.com/',
    };
    const { service, path } = await organizationService(request, token, 'kafka', { kafka });

    const four = await request.get(`${path}?format=kafka-properties`, { headers: auth(token) });
    expect(four.status(), await four.text()).toBe(200);
    expect(four.headers()['content-type']).toBe('text/plain; charset=utf-8');
    expect(four.headers()['content-disposition']).toBe(`attachment; filename="${service}-kafka-4-oauthbearer.properties"`);
    expect(four.headers()['cache-control']).toBe('no-store');
    const body = await four.text();
    expect(body).toContain(`#     KAFKA_OPTS='-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=${JWKS}'\n`);
    expect(Object.fromEntries(readProperties(body))).toEqual({
      'listener.name.sasl_ssl.sasl.enabled.mechanisms': 'OAUTHBEARER',
      'listener.name.sasl_ssl.oauthbearer.sasl.server.callback.handler.class':
        'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
      'listener.name.sasl_ssl.oauthbearer.sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;',
      'sasl.oauthbearer.jwks.endpoint.url': JWKS,
      'sasl.oauthbearer.expected.audience': 'kafka=prod,ø',
      'sasl.oauthbearer.expected.issuer': 'https://idp.example.com/',
    });

    const three = await request.get(`${path}?format=kafka-properties&kafka_version=3.9`, { headers: auth(token) });
    expect(three.status()).toBe(200);
    expect(three.headers()['content-disposition']).toBe(`attachment; filename="${service}-kafka-3.9-oauthbearer.properties"`);
    const threeBody = await three.text();
    expect(threeBody).not.toContain('allowed.urls');
    expect(readProperties(threeBody)).toEqual(readProperties(body));
  });

  test('OpenSearch: config.yml with the key for the admin, a placeholder for a plain member and a read-only token', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const jwt = { enabled: true, signing_key: HMAC, subject_key: 'preferred_username', roles_key: 'yes', jwt_clock_skew_tolerance_seconds: 30 };
    const { service, path } = await organizationService(request, token, 'opensearch', { jwt });
    const url = `${path}?format=opensearch-security-yaml`;
    const configOf = (text: string) =>
      (parse(text, { version: '1.1' }) as { config: { dynamic: { authc: { jwt_auth_domain: { http_authenticator: { type: string; challenge: boolean; config: unknown } } } } } })
        .config.dynamic.authc.jwt_auth_domain.http_authenticator;

    const admin = await request.get(url, { headers: auth(token) });
    expect(admin.status(), await admin.text()).toBe(200);
    expect(admin.headers()['content-disposition']).toBe(`attachment; filename="${service}-opensearch-security-config.yml"`);
    expect(configOf(await admin.text())).toEqual({
      type: 'jwt',
      challenge: false,
      config: { signing_key: HMAC, subject_key: 'preferred_username', roles_key: 'yes', jwt_clock_skew_tolerance_seconds: 30 },
    });

    const colleague = await seedOrgMember(servers.main.database, member.organizationId);
    const colleagueToken = await login(request, colleague.email, colleague.password);
    const readOnly = (await (await request.post('/v1/access_token', json(token, { description: 'read', scopes: ['projects:read'] }))).json()).full_token as string;
    for (const [who, t] of [['plain member', colleagueToken], ['projects:read token', readOnly]] as const) {
      const hidden = await request.get(url, { headers: auth(t) });
      expect(hidden.status(), who).toBe(200);
      const text = await hidden.text();
      expect(text, who).not.toContain(HMAC);
      expect(configOf(text), who).toEqual({
        type: 'jwt',
        challenge: false,
        config: { signing_key: '<signing key: ask an admin>', subject_key: 'preferred_username', roles_key: 'yes', jwt_clock_skew_tolerance_seconds: 30 },
      });
    }
  });

  test('bad queries get 400 with the error body; unsaved or disabled settings 409 not configured', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const { service: kafkaService, path: kafkaPath } = await organizationService(request, token, 'kafka');
    const { service: osService, path: osPath } = await organizationService(request, token, 'opensearch', { jwt: { enabled: false, signing_key: HMAC } });

    const formats = 'format: Use kafka-properties or opensearch-security-yaml';
    for (const [query, message] of [
      ['', formats],
      ['?format=xml', formats],
      ['?format=kafka-properties&kafka_version=3.8', 'kafka_version: Use 3.9 or 4'],
      ['?format=opensearch-security-yaml', 'format: opensearch-security-yaml is not for Kafka services: use kafka-properties'],
      ['?format=kafka-properties&format=kafka-properties', 'format: Give it once'],
    ] as const) {
      const refused = await request.get(`${kafkaPath}${query}`, { headers: auth(token) });
      expect(refused.status(), query).toBe(400);
      expect(await refused.json(), query).toEqual(errorBody(400, 'bad_request', message));
    }

    const kafkaNone = await request.get(`${kafkaPath}?format=kafka-properties`, { headers: auth(token) });
    expect(kafkaNone.status()).toBe(409);
    expect(await kafkaNone.json()).toEqual(
      errorBody(409, 'conflict', `Service ${kafkaService} is not configured for OAUTHBEARER: set kafka.sasl_oauthbearer_jwks_endpoint_url first (not configured)`),
    );
    const osOff = await request.get(`${osPath}?format=opensearch-security-yaml`, { headers: auth(token) });
    expect(osOff.status()).toBe(409);
    expect(await osOff.json()).toEqual(errorBody(409, 'conflict', `Service ${osService} has JWT authentication turned off (jwt.enabled is false): not configured`));
  });

  // Attacks: the project is another organization's, the caller is a plain member of another
  // organization, or the token's scopes do not reach projects. None learns anything of the service.
  test('another organization’s admin and member get 404; a token without the projects scope 403', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const { project, path } = await organizationService(request, token, 'opensearch', { jwt: { enabled: true, signing_key: HMAC } });
    const url = `${path}?format=opensearch-security-yaml`;

    const stranger = await seedMember(servers.main.database);
    const strangerToken = await login(request, stranger.email, stranger.password);
    const outsider = await seedOrgMember(servers.main.database, stranger.organizationId);
    const outsiderToken = await login(request, outsider.email, outsider.password);
    for (const [who, t] of [['another organization’s admin', strangerToken], ['another organization’s plain member', outsiderToken]] as const) {
      const refused = await request.get(url, { headers: auth(t) });
      expect(refused.status(), who).toBe(404);
      expect(await refused.json(), who).toEqual(errorBody(404, 'not_found', `Project ${project} not found`));
    }

    const authOnly = (await (await request.post('/v1/access_token', json(token, { description: 'auth', scopes: ['authentication'] }))).json()).full_token as string;
    const scoped = await request.get(url, { headers: auth(authOnly) });
    expect(scoped.status()).toBe(403);
    expect(await scoped.json()).toEqual(errorBody(403, 'forbidden', "This token's scopes (authentication) do not allow read access to projects"));
    expect(await scoped.text()).not.toContain(HMAC);

    const anonymous = await request.get(url);
    expect(anonymous.status()).toBe(401);
  });
});
