import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponseObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import { apiErrorBodySchema } from '@/lib/errors';
import { API_ROUTES, type ApiMethod, type ApiRoutePattern, type RouteSpec } from '@/lib/http/routes';
import { API_OPERATIONS, API_TAGS, type ApiOperation } from './operations';

// GET /v1/openapi.json: the OpenAPI 3.1 description of every /v1 route, generated from the route
// table (lib/http/routes.ts: paths, methods, public or not, token-scope area) and the operations
// (operations.ts: the zod schemas the handlers parse with and answer by). Nothing is written here
// by hand about a route: adding a route is a table entry and an operation.

export const OPENAPI_VERSION = '3.1.0';

/** What each path parameter names; every parameter of the table has a line here (document.test.ts). */
export const PATH_PARAMETERS: Record<string, string> = {
  organization_id: 'The organization (org...).',
  account_id: "An organization's account id (a...), or an organizational unit's id.",
  user_id: 'A user (u...).',
  token: 'A token prefix, or the full token.',
  token_prefix: "A token's prefix, percent-encoded where it holds / + or =.",
  user_email: 'The invited email address.',
  domain_id: 'A domain (dom...).',
  method_id: 'An identity provider, an authentication method (am...).',
  project: 'A project name.',
  service: 'A service name.',
  service_type: 'kafka or opensearch.',
  code: 'The secret of the mailed verification link.',
  verification_code: 'The secret of the mailed password reset link.',
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request: invalid input, with a message per field',
  401: 'No valid token',
  403: "Forbidden: the token's scopes, the caller's role, the organization's policy or IP allowlist",
  404: 'Not found, or not visible to the caller',
  409: 'Conflict with the current state',
  410: 'Gone: used or expired',
  413: 'Request body too large',
  429: 'Too many attempts',
  510: 'A two-factor code is needed: repeat the request with `otp`',
};

const COMMON_ERRORS = [400, 401, 403, 404];

// An error answer, registered once as a component (`ErrorNNN`) and referred to by every
// operation: zod-openapi registers a response by its object, so each status has one.
const ERROR_RESPONSES = new Map<number | 'default', ZodOpenApiResponseObject>();
function errorResponse(status: number | 'default'): ZodOpenApiResponseObject {
  const known = ERROR_RESPONSES.get(status);
  if (known) return known;
  const response = {
    id: status === 'default' ? 'ErrorDefault' : `Error${status}`,
    description: status === 'default' ? 'Any other error, in the same body' : (STATUS_TEXT[status] ?? 'Error'),
    content: { 'application/json': { schema: apiErrorBodySchema } },
  };
  ERROR_RESPONSES.set(status, response);
  return response;
}

function pathParameters(pattern: string) {
  const names = [...pattern.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]!);
  if (names.length === 0) return undefined;
  return z.object(Object.fromEntries(names.map((name) => [name, z.string().meta({ description: PATH_PARAMETERS[name] })])));
}

/** The token scope a method of a route needs, as lib/http/routes.ts: requiredScope reads it. */
export function tokenScopeOf(spec: RouteSpec, method: ApiMethod): string | null {
  if (spec.public || spec.area === null) return null;
  return `${spec.area}:${method === 'GET' ? 'read' : 'write'}`;
}

function responsesOf(operation: ApiOperation): ZodOpenApiResponsesObject {
  // A route that answers with pages or redirects still answers the wrapper's errors (a malformed
  // path parameter, an unknown route) in the error body.
  if (!operation.response) return { ...operation.responses, default: errorResponse('default') };
  const responses: Record<string, ZodOpenApiResponseObject> = {
    '200': { description: 'OK', content: { 'application/json': { schema: operation.response } } },
  };
  const statuses = new Set([...COMMON_ERRORS, ...(operation.body ? [413] : []), ...(operation.errors ?? [])]);
  for (const status of [...statuses].sort()) responses[`${status}`] = errorResponse(status);
  return { ...responses, default: errorResponse('default') };
}

/** The paragraph of each operation's description that says who may call it (the page shows it apart). */
export const ACCESS_PARAGRAPH = /^(Public: no token\.|Token scope: |Any token may call it)/;

function operationOf(pattern: string, method: ApiMethod, spec: RouteSpec, operation: ApiOperation): ZodOpenApiOperationObject {
  const scope = tokenScopeOf(spec, method);
  const area = scope?.split(':')[0];
  const access = spec.public
    ? 'Public: no token.'
    : scope
      ? `Token scope: \`${area}\` or \`${scope}\` (a token without scopes may do everything its user may).`
      : 'Any token may call it, whatever its scopes.';
  const path = pathParameters(pattern);
  return {
    operationId: `${method.toLowerCase()}${pattern.replace(/[^a-zA-Z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    summary: operation.summary,
    description: [operation.description, access].filter(Boolean).join('\n\n'),
    tags: [operation.tag],
    security: spec.public ? [] : [{ aivenv1: [] }, { Bearer: [] }],
    'x-token-scope': scope,
    ...(path || operation.query ? { requestParams: { ...(path ? { path } : {}), ...(operation.query ? { query: operation.query } : {}) } } : {}),
    ...(operation.body ? { requestBody: { required: true, content: { 'application/json': { schema: operation.body } } } } : {}),
    responses: responsesOf(operation),
  };
}

function buildDocument() {
  const paths: ZodOpenApiPathsObject = {};
  for (const [pattern, spec] of Object.entries(API_ROUTES) as [string, RouteSpec][]) {
    if (spec.methods.length === 0) continue;
    const operations = API_OPERATIONS[pattern as ApiRoutePattern] as Partial<Record<ApiMethod, ApiOperation>> | undefined;
    const item: Record<string, ZodOpenApiOperationObject> = {};
    for (const method of spec.methods) {
      const operation = operations?.[method];
      // The types require an operation for each; a route merged without one is named here, not skipped.
      if (!operation) throw new Error(`No OpenAPI operation for ${method} ${pattern}: add it to lib/api/openapi/operations.ts`);
      item[method.toLowerCase()] = operationOf(pattern, method, spec, operation);
    }
    paths[pattern] = item;
  }
  return createDocument({
    openapi: OPENAPI_VERSION,
    info: {
      title: 'Portcullis API',
      version: '1',
      description:
        'The /v1 API of Portcullis, shaped like the Aiven API. Every error answers with the `Error` body. ' +
        'Each operation names the token scope it needs (`x-token-scope`: area and read or write).',
    },
    tags: API_TAGS.map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        aivenv1: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'The header `Authorization: aivenv1 <token>`, as avn sends it.' },
        Bearer: { type: 'http', scheme: 'bearer', description: 'The header `Authorization: Bearer <token>`.' },
      },
    },
  });
}

export type OpenApiDocument = ReturnType<typeof createDocument>;

let cached: OpenApiDocument | undefined;

/** The document, built once per process (it depends on code only). */
export function openApiDocument(): OpenApiDocument {
  cached ??= buildDocument();
  return cached;
}
