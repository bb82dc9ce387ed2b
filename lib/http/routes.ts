import { decodePathSegment } from '@/lib/http/path';
import type { RequiredScope, ScopeArea } from '@/lib/tokens/scopes';

// The /v1 route table: each route declared once, with its methods, whose policies govern it
// (the gate's scope), the token-scope area it needs, and whether it is public or stays open
// during two-factor enrollment. The proxy, the gate, the token scopes and the handler wrapper
// (lib/api/handler.ts: apiRoute) all read it; app/v1/<pattern>/route.ts holds the handlers.
//
// Paths are matched raw, still percent-encoded: "%2F" inside an id is no separator, and a
// parameter is decoded exactly once, after matching. A literal segment matches only itself.

export const API_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type ApiMethod = (typeof API_METHODS)[number];

/**
 * How the gate finds whose policies govern a request (RequestScope in lib/auth/gate.ts):
 * - `user`: the caller's own resources, governed by every organization the caller belongs to;
 * - `organization`: the organization named by {organization_id};
 * - `account`: the organization whose account {account_id} names (upstream's older name);
 * - `account-or-unit`: the same, or an organizational unit, whose organization governs it;
 * - `project`: the project {project} (its organization's, or its creator's own if standalone);
 * - `sign-out`: no organization's allowlist or policy (see authorizeScope in lib/auth/gate.ts).
 */
export type ScopeRule = 'user' | 'organization' | 'account' | 'account-or-unit' | 'project' | 'sign-out';

type GatedRoute = {
  /** The methods it serves; any other is answered 405. Empty: no route of its own (below). */
  readonly methods: readonly ApiMethod[];
  readonly scope: ScopeRule;
  /** A method's own scope, on the route's exact path only. */
  readonly scopeByMethod?: Partial<Record<ApiMethod, ScopeRule>>;
  /** The token-scope area (lib/tokens/scopes.ts); null: any token may call it. */
  readonly area: ScopeArea | null;
  /** A password session that owes two-factor enrollment may still call it. */
  readonly openDuringEnrollment?: true;
  readonly public?: undefined;
};

/** Reached without a token: the proxy lets it through, the wrapper runs no gate. */
type PublicRoute = { readonly methods: readonly ApiMethod[]; readonly public: true };

export type RouteSpec = GatedRoute | PublicRoute;

// The exceptions that loosen a check (public, sign-out, "any token", open during enrollment,
// a method's own scope) hold on a route's exact path only: not with a trailing slash, not below
// it. The rest (the scope's organization, account or project, and the area) also hold below a
// route: an unknown path there (404 anyway) is judged as the route above it. Where no route
// lies above a path, it is the caller's own business: scope `user`, area `user`.
export const API_ROUTES = {
  // The API's own description (lib/api/openapi), public like upstream's.
  '/v1/openapi.json': { methods: ['GET'], public: true },
  // Signing in and password reset by mail (lib/passwords/reset.ts), for people without a token.
  '/v1/userauth': { methods: ['POST'], public: true },
  '/v1/user/password_reset_request': { methods: ['POST'], public: true },
  '/v1/user/password_reset/{verification_code}': { methods: ['POST'], public: true },
  // SAML single sign-on: browsers and IdPs come without a token; the ACS is checked by SAML itself
  // (signature, audience, InResponseTo, ...), the sign-in start by lib/saml/authorize-start.ts.
  '/v1/sso/saml/account/{account_id}/method/{method_id}/login': { methods: ['GET', 'POST'], public: true },
  '/v1/sso/saml/account/{account_id}/method/{method_id}/acs': { methods: ['POST'], public: true },
  '/v1/sso/saml/account/{account_id}/method/{method_id}/metadata': { methods: ['GET'], public: true },

  '/v1/me': { methods: ['GET'], scope: 'user', area: 'user' },
  // Ending one's own session is never a risk: any token may, under any policy or allowlist.
  '/v1/me/logout': { methods: ['POST'], scope: 'user', scopeByMethod: { POST: 'sign-out' }, area: null, openDuringEnrollment: true },
  '/v1/me/password': { methods: ['PUT'], scope: 'user', area: 'user' },
  '/v1/me/expire_tokens': { methods: ['POST'], scope: 'user', area: 'user' },
  '/v1/me/email_verification': { methods: ['POST'], scope: 'user', area: 'user' },
  '/v1/me/email_verification/{code}': { methods: ['POST'], scope: 'user', area: 'user' },
  '/v1/access_token': { methods: ['GET', 'POST'], scope: 'user', area: 'user' },
  '/v1/access_token/{token}': { methods: ['PUT', 'DELETE'], scope: 'user', area: 'user' },

  '/v1/organizations': { methods: ['GET'], scope: 'user', area: 'organizations' },
  '/v1/organization': { methods: [], scope: 'user', area: 'organizations' },
  '/v1/organization/{organization_id}': { methods: ['GET'], scope: 'organization', area: 'organizations' },
  '/v1/organization/{organization_id}/user': { methods: ['GET'], scope: 'organization', area: 'organizations' },
  '/v1/organization/{organization_id}/user/{user_id}': { methods: ['GET', 'PATCH', 'DELETE'], scope: 'organization', area: 'organizations' },
  '/v1/organization/{organization_id}/user/{user_id}/access-tokens': { methods: ['GET'], scope: 'organization', area: 'organizations' },
  '/v1/organization/{organization_id}/user/{user_id}/access-token/{token_prefix}': { methods: ['DELETE'], scope: 'organization', area: 'organizations' },
  '/v1/organization/{organization_id}/user/{user_id}/authentication_methods': { methods: ['GET'], scope: 'organization', area: 'organizations' },
  // A member's second factor is sign-in configuration: a token for members and projects must not strip it.
  '/v1/organization/{organization_id}/user/{user_id}/two-factor': { methods: ['DELETE'], scope: 'organization', area: 'authentication' },
  '/v1/organization/{organization_id}/invitation': { methods: ['GET', 'POST'], scope: 'organization', area: 'organizations' },
  // Accepting (POST) is done by someone not yet a member: their own business, checked against
  // the invited address by lib/invitations. Cancelling is the organization's.
  '/v1/organization/{organization_id}/invitation/{user_email}': { methods: ['POST', 'DELETE'], scope: 'organization', scopeByMethod: { POST: 'user' }, area: 'organizations' },
  '/v1/organization/{organization_id}/application-users': { methods: ['GET', 'POST'], scope: 'organization', area: 'organizations' },
  '/v1/organization/{organization_id}/application-users/{user_id}': { methods: ['GET', 'PATCH', 'DELETE'], scope: 'organization', area: 'organizations' },
  '/v1/organization/{organization_id}/application-users/{user_id}/access-tokens': { methods: ['GET', 'POST'], scope: 'organization', area: 'organizations' },
  '/v1/organization/{organization_id}/application-users/{user_id}/access-tokens/{token_prefix}': { methods: ['DELETE'], scope: 'organization', area: 'organizations' },
  // An organization's sign-in configuration: the `authentication` area, not `organizations`.
  // The security overview (lib/security-overview/): figures for dashboards, super admins only.
  '/v1/organization/{organization_id}/security-overview': { methods: ['GET'], scope: 'organization', area: 'organizations' },
  '/v1/organization/{organization_id}/config/authentication': { methods: ['GET', 'PATCH'], scope: 'organization', area: 'authentication' },
  '/v1/organization/{organization_id}/domains': { methods: ['GET', 'POST'], scope: 'organization', area: 'authentication' },
  '/v1/organization/{organization_id}/domains/{domain_id}': { methods: ['GET', 'PATCH', 'DELETE'], scope: 'organization', area: 'authentication' },
  '/v1/organization/{organization_id}/domains/{domain_id}/verify': { methods: ['POST'], scope: 'organization', area: 'authentication' },
  '/v1/organization/{organization_id}/authentication-methods': { methods: [], scope: 'organization', area: 'authentication' },
  '/v1/organization/{organization_id}/authentication-methods/{method_id}/domains': { methods: ['GET', 'PUT'], scope: 'organization', area: 'authentication' },
  '/v1/organization/{organization_id}/authentication-methods/{method_id}/domains/{domain_id}': { methods: ['DELETE'], scope: 'organization', area: 'authentication' },

  '/v1/account': { methods: ['GET', 'POST'], scope: 'user', area: 'organizations' },
  // The account itself may be an organizational unit's; the paths below it are organizations' only.
  '/v1/account/{account_id}': { methods: ['GET', 'PUT', 'DELETE'], scope: 'account-or-unit', area: 'organizations' },
  '/v1/account/{account_id}/authentication': { methods: ['GET', 'POST'], scope: 'account', area: 'authentication' },
  '/v1/account/{account_id}/authentication/{method_id}': { methods: ['GET', 'PUT', 'DELETE'], scope: 'account', area: 'authentication' },
  '/v1/account/{account_id}/events': { methods: ['GET'], scope: 'account', area: 'organizations' },

  '/v1/project': { methods: ['GET', 'POST'], scope: 'user', area: 'projects' },
  '/v1/project/{project}': { methods: ['GET', 'PUT'], scope: 'project', area: 'projects' },
  '/v1/project/{project}/service': { methods: ['GET', 'POST'], scope: 'project', area: 'projects' },
  '/v1/project/{project}/service/{service}': { methods: ['GET', 'PUT', 'DELETE'], scope: 'project', area: 'projects' },
  // The service's saved settings as the file its cluster applies (lib/services/config-export.ts).
  '/v1/project/{project}/service/{service}/config-export': { methods: ['GET'], scope: 'project', area: 'projects' },
  '/v1/project/{project}/service_types': { methods: ['GET'], scope: 'project', area: 'projects' },
  '/v1/project/{project}/service-types/{service_type}': { methods: ['GET'], scope: 'project', area: 'projects' },
} as const satisfies Record<`/v1/${string}`, RouteSpec>;

type Table = typeof API_ROUTES;

/** A pattern with a route of its own (a handler file), as apiRoute takes it. */
export type ApiRoutePattern = { [P in keyof Table]: Table[P]['methods'] extends readonly [] ? never : P }[keyof Table];

type ParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}` ? Name | ParamNames<Rest> : never;
/** The decoded path parameters of a pattern, by name: `{ organization_id: string, ... }`. */
export type RouteParams<P extends string> = { readonly [Name in ParamNames<P>]: string };

/** What a /v1 path touches, in the gate's terms (RequestScope in lib/auth/gate.ts). */
export type ApiScope =
  | { kind: 'user' }
  | { kind: 'organization'; organizationId: string }
  /**
   * /v1/account/{account_id}/...: upstream's older name for an organization, same rules. With
   * `unit`, the path is the account itself (/v1/account/{id}), where the id may also name an
   * organizational unit: that is its organization's resource (its members, policy, allowlist).
   * Deeper paths (authentication, events) are the organization's alone and refuse a unit's id.
   */
  | { kind: 'account'; accountId: string; unit?: boolean }
  | { kind: 'project'; projectName: string }
  /** Signing out (POST /v1/me/logout, POST /signout): see authorizeScope in lib/auth/gate.ts. */
  | { kind: 'sign-out' };

/** The path parameter that names what a scope rule governs by. */
const SCOPE_PARAM: Partial<Record<ScopeRule, string>> = {
  organization: 'organization_id',
  account: 'account_id',
  'account-or-unit': 'account_id',
  project: 'project',
};

type Compiled = { pattern: string; spec: RouteSpec; segments: readonly string[] };

// Deepest first: the first entry that matches the start of a path is the one nearest to it.
const COMPILED: readonly Compiled[] = Object.entries(API_ROUTES)
  .map(([pattern, spec]): Compiled => ({ pattern, spec, segments: pattern.split('/').slice(1) }))
  .sort((a, b) => b.segments.length - a.segments.length);

/** A table entry that a path reaches: its raw parameters, and what of the path lies below it. */
export type RouteMatch = {
  pattern: string;
  spec: RouteSpec;
  /** Raw (still percent-encoded) parameter values, by name. */
  rawParams: Record<string, string>;
  /** The path's segments past the pattern: [] on its exact path, [''] with a trailing slash. */
  rest: readonly string[];
};

/** The route's own path, with or without one trailing slash (which Next routes to it alike). */
const isSameRoute = ({ rest }: RouteMatch) => rest.length === 0 || (rest.length === 1 && rest[0] === '');
const isExact = ({ rest }: RouteMatch) => rest.length === 0;

function matchOne({ pattern, spec, segments }: Compiled, path: readonly string[]): RouteMatch | null {
  if (path.length < segments.length) return null;
  const rawParams: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    const value = path[i]!;
    if (segment.startsWith('{')) {
      if (value === '') return null;
      rawParams[segment.slice(1, -1)] = value;
    } else if (value !== segment) {
      return null;
    }
  }
  return { pattern, spec, rawParams, rest: path.slice(segments.length) };
}

/**
 * The deepest table entry whose pattern matches the start of the raw path, or null. No two
 * patterns can match one path alike (routes.test.ts checks the table), so deepest is unique.
 */
export function matchApiRoute(pathname: string): RouteMatch | null {
  const path = pathname.split('/').slice(1);
  for (const route of COMPILED) {
    const match = matchOne(route, path);
    if (match) return match;
  }
  return null;
}

/**
 * The decoded parameters of one pattern for a request's raw path; null unless the path is that
 * pattern's route (a trailing slash allowed). Throws 400 for malformed percent-encoding.
 */
export function routeParams(pattern: string, pathname: string): Record<string, string> | null {
  const route = COMPILED.find((r) => r.pattern === pattern);
  const match = route ? matchOne(route, pathname.split('/').slice(1)) : null;
  if (!match || !isSameRoute(match)) return null;
  return Object.fromEntries(Object.entries(match.rawParams).map(([name, raw]) => [name, decodePathSegment(raw)]));
}

/** Whether the request's method has a scope of its own on this route (own keys only). */
function methodScope(spec: GatedRoute, method: string): ScopeRule | undefined {
  const own = spec.scopeByMethod;
  return own && Object.hasOwn(own, method) ? own[method as ApiMethod] : undefined;
}

const USER: ApiScope = { kind: 'user' };

/** The gate's scope of a /v1 request: whose policies and allowlists govern it. */
export function apiScopeOf(pathname: string, method: string): ApiScope {
  const match = matchApiRoute(pathname);
  if (!match || match.spec.public) return USER;
  const spec = match.spec;
  const rule = (isExact(match) ? methodScope(spec, method) : undefined) ?? spec.scope;
  const id = () => decodePathSegment(match.rawParams[SCOPE_PARAM[rule]!]!);
  switch (rule) {
    case 'user':
      return USER;
    case 'sign-out':
      return isExact(match) ? { kind: 'sign-out' } : USER;
    case 'organization':
      return { kind: 'organization', organizationId: id() };
    case 'account':
      return { kind: 'account', accountId: id() };
    case 'account-or-unit':
      return isSameRoute(match) ? { kind: 'account', accountId: id(), unit: true } : { kind: 'account', accountId: id() };
    case 'project':
      return { kind: 'project', projectName: id() };
  }
}

/** The token scope a /v1 request needs, or null for requests any token may make (logging itself out). */
export function requiredScope(method: string, pathname: string): RequiredScope | null {
  const access = method === 'GET' || method === 'HEAD' ? 'read' : 'write';
  const match = matchApiRoute(pathname);
  if (!match || match.spec.public) return { area: 'user', access };
  const { area } = match.spec;
  if (area === null) return isExact(match) ? null : { area: 'user', access };
  return { area, access };
}

/** Whether the proxy lets the path through without a token: a public route's exact path only. */
export function isPublicApiPath(pathname: string): boolean {
  const match = matchApiRoute(pathname);
  return match !== null && isExact(match) && match.spec.public === true;
}

/** Whether a password session that owes two-factor enrollment may call this path (logout). */
export function isOpenDuringEnrollment(pathname: string): boolean {
  const match = matchApiRoute(pathname);
  return match !== null && isExact(match) && !match.spec.public && match.spec.openDuringEnrollment === true;
}
