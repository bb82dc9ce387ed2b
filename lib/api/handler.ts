import type { z } from 'zod';
import type { API_OPERATIONS } from '@/lib/api/openapi/operations';
import { gate, scopeOfApiPath, type GateInput, type GateResult } from '@/lib/auth/gate';
import { assertNoPendingTwoFactorEnrollment } from '@/lib/two-factor/status';
import type { RequestMeta } from '@/lib/call';
import { liveCtx, type Ctx } from '@/lib/context';
import { AppError, apiErrorBody, toAppError } from '@/lib/errors';
import type { Env } from '@/lib/env';
import { API_METHODS, API_ROUTES, isOpenDuringEnrollment, routeParams, type ApiMethod, type ApiRoutePattern, type RouteParams } from '@/lib/http/routes';
import { clientIpFromHeaders, headerValue, type HeaderSource } from '@/lib/net/client-ip';

// The one wrapper of every /v1 route handler: it reads the caller's token from the
// Authorization header, runs the gate for the route's scope, runs the handler and turns
// whatever it throws into the API's error body. Plain Request/Response: no Next imports.

type Params = Readonly<Record<string, string | string[] | undefined>>;

export type ApiCall<P extends Params = Params> = { ctx: Ctx; meta: RequestMeta; params: P; request: Request };
export type AuthedApiCall<P extends Params = Params> = ApiCall<P> & GateResult;

type RouteContext<P extends Params = Params> = { params: Promise<P> };

/** The client address set by the custom server (scripts/server.ts); clients cannot set it. */
export function requestMeta(headers: HeaderSource, env: Env = process.env): RequestMeta {
  return { ip: clientIpFromHeaders(headers, env), userAgent: headerValue(headers, 'user-agent') };
}

export function jsonResponse(body: unknown, status = 200): Response {
  return Response.json(body, { status });
}

export function apiErrorResponse(error: unknown): Response {
  const appError = toAppError(error);
  const headers: HeadersInit = appError.status === 401 ? { 'www-authenticate': 'aivenv1' } : {};
  return Response.json(apiErrorBody(appError), { status: appError.status, headers });
}

export const MAX_JSON_BODY_CHARS = 1024 * 1024;

/**
 * The request body as JSON. avn labels bodyless requests application/octet-stream, so the
 * content type is not checked; an empty body reads as {}.
 */
export async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  // Our bodies are small; a large one is refused before parsing spends memory on it.
  if (text.length > MAX_JSON_BODY_CHARS) throw new AppError('payload_too_large', 'Request body is too large');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('bad_request', 'Request body is not valid JSON');
  }
}

async function respond(run: () => Promise<unknown>): Promise<Response> {
  try {
    const result = await run();
    return result instanceof Response ? result : jsonResponse(result);
  } catch (error) {
    return apiErrorResponse(error);
  }
}

/** The gate's input for an API request: header token only, scope and token scopes from the path. */
export function apiGateInput(request: Request, meta: RequestMeta): GateInput {
  // Match on the raw, still-encoded path: decoding first would let %2F pose as a separator.
  const pathname = new URL(request.url).pathname;
  return {
    authorization: request.headers.get('authorization'),
    cookieToken: null,
    ...meta,
    scope: scopeOfApiPath(pathname, request.method),
    request: { method: request.method, pathname },
  };
}

/**
 * 403 for a password session whose organization requires two-factor authentication that the
 * user has not set up, except on the routes that stay open (logout). Personal and application
 * tokens pass: see lib/two-factor/status.ts.
 */
export async function assertApiAllowedDuringTwoFactorEnrollment(
  ctx: Ctx,
  { principal, governing }: Pick<GateResult, 'principal' | 'governing'>,
  request: Request,
): Promise<void> {
  if (isOpenDuringEnrollment(new URL(request.url).pathname)) return;
  await assertNoPendingTwoFactorEnrollment(ctx, principal, 'api', governing);
}

/** A route anyone may call, with the parameters its context gives. */
export function publicRoute<P extends Params>(handler: (call: ApiCall<P>) => Promise<unknown>) {
  return (request: Request, context: RouteContext<P>) =>
    respond(async () =>
      handler({ ctx: liveCtx(), meta: requestMeta(request.headers), params: await context.params, request }),
    );
}

/**
 * A route for authenticated callers. Only the Authorization header counts here, never the
 * browser's session cookie: a cross-site form post could otherwise spend the cookie. The
 * parameters are read after the gate: a caller it refuses learns nothing from them.
 */
export function authedRoute<P extends Params>(handler: (call: AuthedApiCall<P>) => Promise<unknown>) {
  return (request: Request, context: RouteContext<P>) =>
    respond(async () => {
      const ctx = liveCtx();
      const meta = requestMeta(request.headers);
      const result = await gate({ ctx, input: apiGateInput(request, meta) });
      await assertApiAllowedDuringTwoFactorEnrollment(ctx, result, request);
      return handler({ ctx, meta, params: await context.params, request, ...result });
    });
}

/**
 * The handler for the methods a route does not serve: 405 in the API's error body (Next's own
 * 405 has an empty body, which clients cannot read).
 */
export function methodNotAllowed(served: readonly ApiMethod[]) {
  return (request: Request) =>
    Response.json(
      apiErrorBody(new AppError('method_not_allowed', `${request.method} is not allowed here; use ${served.join(' or ')}`)),
      { status: 405, headers: { allow: served.join(', ') } },
    );
}

type Route<P extends ApiRoutePattern> = (typeof API_ROUTES)[P];
type CallOf<P extends ApiRoutePattern> = Route<P> extends { public: true } ? ApiCall<RouteParams<P>> : AuthedApiCall<RouteParams<P>>;
type Operations = typeof API_OPERATIONS;
/**
 * What a method's handler answers: the JSON its operation's `response` schema describes
 * (lib/api/openapi/operations.ts), or a Response of its own where the operation has none (SAML).
 */
type ResultOf<P extends ApiRoutePattern, M> = P extends keyof Operations
  ? M extends keyof Operations[P]
    ? Operations[P][M] extends { response: infer S extends z.ZodType }
      ? z.output<S>
      : Response
    : never
  : never;
/** One handler for each method the table gives the route, and no other, answering what the API description says. */
export type RouteHandlers<P extends ApiRoutePattern> = {
  [M in Route<P>['methods'][number]]: (call: CallOf<P>) => Promise<ResultOf<P, M>>;
};
type RouteExports = Record<ApiMethod, (request: Request) => Promise<Response>>;

/**
 * A /v1 route file in one declaration: the pattern of its table entry (lib/http/routes.ts) and a
 * handler per method. Public or gated as the table says; the parameters are decoded by name from
 * the raw path; every method the route does not serve answers 405. Next wants each method as a
 * named export: `export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/me', { GET: ... })`.
 */
export function apiRoute<P extends ApiRoutePattern>(pattern: P, handlers: RouteHandlers<P>): RouteExports {
  const route: { methods: readonly ApiMethod[]; public?: boolean } = API_ROUTES[pattern];
  const byMethod = handlers as Partial<Record<ApiMethod, (call: never) => Promise<unknown>>>;
  const given = API_METHODS.filter((method) => Object.hasOwn(byMethod, method));
  // The types hold this already; checked again when the file loads, so a cast cannot hide a gap.
  if (given.join() !== route.methods.join() || Object.keys(byMethod).length !== given.length) {
    throw new Error(`Route ${pattern}: handlers for ${Object.keys(byMethod).join(', ')}, but the table says ${route.methods.join(', ')}`);
  }
  const context = (request: Request): RouteContext<RouteParams<P>> => ({
    // A getter: an authed route reads the parameters only after its gate has run.
    get params() {
      const { pathname } = new URL(request.url);
      const params = routeParams(pattern, pathname);
      if (!params) return Promise.reject(new AppError('not_found', `No such API route: ${request.method} ${pathname}`));
      return Promise.resolve(params as RouteParams<P>);
    },
  });
  const refuse = methodNotAllowed(route.methods);
  const serve = (method: ApiMethod): ((request: Request) => Promise<Response>) => {
    const handler = byMethod[method] as ((call: CallOf<P>) => Promise<unknown>) | undefined;
    if (!handler) return async (request) => refuse(request);
    const wrapped = route.public
      ? publicRoute(handler as (call: ApiCall<RouteParams<P>>) => Promise<unknown>)
      : authedRoute(handler as (call: AuthedApiCall<RouteParams<P>>) => Promise<unknown>);
    return (request) => wrapped(request, context(request));
  };
  return { GET: serve('GET'), POST: serve('POST'), PUT: serve('PUT'), PATCH: serve('PATCH'), DELETE: serve('DELETE') };
}
