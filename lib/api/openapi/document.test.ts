import { compileErrors, validate } from '@readme/openapi-parser';
import { describe, expect, it } from 'vitest';
import { API_ROUTES, requiredScope, type RouteSpec } from '@/lib/http/routes';
import { openApiContract } from '@/lib/testing/openapi-contract';
import { openApiDocument, PATH_PARAMETERS } from './document';

// The API description: a valid OpenAPI 3.1 document, with an operation for every method of
// every route of the table (lib/http/routes.ts), and nothing the table does not have.

const doc = openApiDocument();
const ROUTES = (Object.entries(API_ROUTES) as [string, RouteSpec][]).filter(([, spec]) => spec.methods.length > 0);
const OPERATIONS = ROUTES.flatMap(([pattern, spec]) => spec.methods.map((method) => [method, pattern, spec] as const));
type Operation = { security: unknown[]; 'x-token-scope': string | null; parameters?: { in: string; name: string }[]; responses: Record<string, unknown> };
const operationOf = (pattern: string, method: string) => (doc.paths?.[pattern] as Record<string, Operation> | undefined)?.[method.toLowerCase()];

describe('the OpenAPI document', () => {
  it('passes the OpenAPI 3.1 validator', async () => {
    const result = await validate(structuredClone(doc) as Parameters<typeof validate>[0]);
    expect(result.valid ? 'valid' : compileErrors(result)).toBe('valid');
    expect([doc.openapi, result.specification]).toEqual(['3.1.0', 'OpenAPI']);
  });

  it('describes every route of the table, every method, and nothing else', () => {
    const missing = OPERATIONS.filter(([method, pattern]) => !operationOf(pattern, method)).map(([m, p]) => `${m} ${p}`);
    expect(missing, 'routes without an operation: add them to lib/api/openapi/operations.ts').toEqual([]);
    const described = Object.entries(doc.paths ?? {}).flatMap(([pattern, item]) => Object.keys(item as object).map((m) => `${m.toUpperCase()} ${pattern}`));
    expect(described.sort()).toEqual(OPERATIONS.map(([m, p]) => `${m} ${p}`).sort());
  });

  it.each(OPERATIONS)('%s %s: its security and token scope are the table\'s', (method, pattern, spec) => {
    const operation = operationOf(pattern, method)!;
    const required = spec.public ? null : requiredScope(method, pattern);
    expect([operation.security, operation['x-token-scope']]).toEqual([
      spec.public ? [] : [{ aivenv1: [] }, { Bearer: [] }],
      required ? `${required.area}:${required.access}` : null,
    ]);
  });

  it.each(OPERATIONS)('%s %s: every path parameter is declared and described', (method, pattern) => {
    const names = [...pattern.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]!);
    const declared = (operationOf(pattern, method)!.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
    expect(declared).toEqual(names);
    expect(names.filter((name) => !PATH_PARAMETERS[name])).toEqual([]);
  });

  it('names the two ways to send a token', () => {
    expect(doc.components?.securitySchemes).toEqual({
      aivenv1: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'Authorization' }),
      Bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
  });

  it('is served at GET /v1/openapi.json, without a token', async () => {
    const { GET } = (await import('@/app/v1/openapi.json/route')) as { GET: (request: Request) => Promise<Response> };
    const response = await GET(new Request('http://localhost/v1/openapi.json'));
    const body = (await response.json()) as typeof doc & { servers: unknown };
    expect([response.status, body.paths, body.servers]).toEqual([200, JSON.parse(JSON.stringify(doc.paths)), [{ url: expect.any(String) }]]);
  });
});

// The contract check of the API tests must be able to fail: a field too many, too few or of the
// wrong type, an undescribed status, and an error body that is not the error body.
describe('openApiContract', () => {
  const check = openApiContract(JSON.parse(JSON.stringify(doc)));
  const json = 'application/json';
  const organization = { organization_id: 'org1', organization_name: 'Acme', account_id: 'a1', tier: 'business', create_time: 't', update_time: 't' };
  const error = { message: 'No', errors: [{ error_code: 'not_found', message: 'No', status: 404 }] };
  const answer = (pathname: string, status: number, body: unknown, method = 'GET') => check({ method, pathname, status, contentType: json, body });

  it('accepts what the document describes', () => {
    expect(answer('/v1/organization/org1', 200, organization)).toBeNull();
    expect(answer('/v1/organization/org1', 404, error)).toBeNull();
    expect(answer('/v1/organization/org1', 409, error)).toBeNull();
    expect(answer('/v1/no/such/route', 404, error)).toBeNull();
    expect(answer('/v1/sso/saml/account/%/method/m/metadata', 400, { ...error, errors: [{ ...error.errors[0], error_code: 'bad_request', status: 400 }] })).toBeNull();
    expect(check({ method: 'GET', pathname: '/v1/sso/saml/account/a/method/m/metadata', status: 200, contentType: 'application/samlmetadata+xml', body: '<x/>' })).toBeNull();
  });

  it.each([
    ['a field too many', '/v1/organization/org1', 200, { ...organization, secret: 'x' }, /must NOT have additional properties/],
    ['a field missing', '/v1/organization/org1', 200, { ...organization, tier: undefined }, /must have required property 'tier'/],
    ['a wrong type', '/v1/organization/org1', 200, { ...organization, create_time: 1 }, /body\/create_time must be string/],
    ['an error body that is not one', '/v1/organization/org1', 403, { error: 'no' }, /must have required property 'message'/],
    ['a success where no operation is', '/v1/organization/org1/nothing', 200, {}, /describes no operation/],
  ])('refuses %s, naming the path and the error', (_, pathname, status, body, why) => {
    const result = answer(pathname, status, JSON.parse(JSON.stringify(body)));
    expect(result).toMatch(why);
    expect(result).toContain(`GET ${pathname} → ${status}`);
  });

  it('refuses JSON where the document describes none', () => {
    expect(answer('/v1/sso/saml/account/a/method/m/metadata', 200, {})).toMatch(/no JSON body/);
  });
});
