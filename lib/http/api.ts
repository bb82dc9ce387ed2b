import { gate, scopeOfApiPath, type GateInput, type GateResult, type Principal } from '@/lib/auth/gate';
import type { RequestMeta } from '@/lib/auth/sign-in';
import { API_PATHS_OPEN_DURING_ENROLLMENT, assertNoPendingTwoFactorEnrollment } from '@/lib/auth/two-factor';
import { liveCtx, type Ctx } from '@/lib/context';
import { AppError, apiErrorBody, toAppError } from '@/lib/errors';
import type { Env } from '@/lib/env';
import { clientIpFromHeaders, headerValue, type HeaderSource } from '@/lib/net/client-ip';

// The one wrapper of every /v1 route handler: it reads the caller's token from the
// Authorization header, runs the gate for the route's scope, runs the handler and turns
// whatever it throws into the API's error body. Plain Request/Response: no Next imports.

type Params = Record<string, string | string[] | undefined>;

export type ApiCall = { ctx: Ctx; meta: RequestMeta; params: Params; request: Request };
export type AuthedApiCall = ApiCall & GateResult;

type RouteContext = { params: Promise<Params> };

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
 * tokens pass: see lib/auth/two-factor.ts.
 */
export function assertApiAllowedDuringTwoFactorEnrollment(
  ctx: Ctx,
  { principal, governing }: Pick<GateResult, 'principal' | 'governing'>,
  request: Request,
): void {
  if (API_PATHS_OPEN_DURING_ENROLLMENT.has(new URL(request.url).pathname)) return;
  assertNoPendingTwoFactorEnrollment(ctx, principal, 'api', governing);
}

/** A route anyone may call (POST /v1/userauth). */
export function publicRoute(handler: (call: ApiCall) => Promise<unknown>) {
  return (request: Request, context: RouteContext) =>
    respond(async () =>
      handler({ ctx: liveCtx(), meta: requestMeta(request.headers), params: await context.params, request }),
    );
}

/**
 * A route for authenticated callers. Only the Authorization header counts here, never the
 * browser's session cookie: a cross-site form post could otherwise spend the cookie.
 */
export function authedRoute(handler: (call: AuthedApiCall) => Promise<unknown>) {
  return (request: Request, context: RouteContext) =>
    respond(async () => {
      const ctx = liveCtx();
      const meta = requestMeta(request.headers);
      const result = gate({ ctx, input: apiGateInput(request, meta) });
      assertApiAllowedDuringTwoFactorEnrollment(ctx, result, request);
      return handler({ ctx, meta, params: await context.params, request, ...result });
    });
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * The handler for the methods a route does not serve: 405 in the API's error body (Next's own
 * 405 has an empty body, which clients cannot read). Export it under each unserved method.
 */
export function methodNotAllowed(served: readonly (typeof METHODS)[number][]) {
  return (request: Request) =>
    Response.json(
      apiErrorBody(new AppError('method_not_allowed', `${request.method} is not allowed here; use ${served.join(' or ')}`)),
      { status: 405, headers: { allow: served.join(', ') } },
    );
}
