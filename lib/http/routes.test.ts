import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import {
  API_METHODS,
  API_ROUTES,
  apiScopeOf,
  isOpenDuringEnrollment,
  isPublicApiPath,
  matchApiRoute,
  requiredScope,
  routeParams,
  type RouteSpec,
} from './routes';

// The route table is read by the proxy, the gate, the token scopes and every handler: these
// tests pin how a raw path finds its entry, and that the table and app/v1 agree.

const ROOT = path.resolve(import.meta.dirname, '../..');
const ENTRIES = Object.entries(API_ROUTES) as [string, RouteSpec][];
const ROUTES = ENTRIES.filter(([, spec]) => spec.methods.length > 0);

/** Every app/v1 route file's URL pattern, from its folder: [x] → {x}. The catch-all is not a route. */
function routeFilePatterns(dir = path.join(ROOT, 'app/v1')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory()) return entry.name.startsWith('[...') ? [] : routeFilePatterns(path.join(dir, entry.name));
    if (entry.name !== 'route.ts') return [];
    return [`/${path.relative(path.join(ROOT, 'app'), dir).split(path.sep).join('/')}`.replace(/\[([a-z_]+)\]/g, '{$1}')];
  });
}

const fileOf = (pattern: string) => path.join(ROOT, 'app', pattern.replace(/\{([a-z_]+)\}/g, '[$1]'), 'route.ts');

describe('the table and app/v1 agree', () => {
  it('every route file is in the table, and every route in the table has a file', () => {
    expect(routeFilePatterns().sort()).toEqual(ROUTES.map(([pattern]) => pattern).sort());
  });

  it.each(ENTRIES.filter(([, spec]) => spec.methods.length === 0))('%s has no route of its own, and no file', (pattern) => {
    expect(existsSync(fileOf(pattern))).toBe(false);
  });

  it.each(ROUTES)('%s: its file declares this pattern, once', (pattern) => {
    const source = readFileSync(fileOf(pattern), 'utf8');
    expect(source.split(`apiRoute('${pattern}',`).length - 1).toBe(1);
    expect(source).toContain('export const { GET, POST, PUT, PATCH, DELETE } = apiRoute(');
  });

  // Loading the module runs apiRoute's own check (one handler per method of the table, no other);
  // every method the table does not give the route answers 405 without reaching a handler.
  it.each(ROUTES)('%s: exports every method, and the ones the table lacks answer 405', async (pattern, spec) => {
    const route = (await import(fileOf(pattern))) as Record<string, (request: Request) => Promise<Response>>;
    const url = `http://localhost${pattern.replace(/\{([a-z_]+)\}/g, 'x')}`;
    for (const method of API_METHODS) {
      expect(typeof route[method], method).toBe('function');
      if (spec.methods.includes(method)) continue;
      const response = await route[method]!(new Request(url, { method }));
      expect([method, response.status, response.headers.get('allow')]).toEqual([method, 405, spec.methods.join(', ')]);
    }
  });
});

describe('the table is well formed', () => {
  // A literal may hold a dot (openapi.json); a parameter is a whole segment.
  it.each(ENTRIES)('%s: each segment a lowercase literal or a {parameter}, parameters named once', (pattern) => {
    const segments = pattern.split('/').slice(1);
    expect(segments.filter((s) => !/^([a-z0-9_.-]+|\{[a-z_]+\})$/.test(s))).toEqual([]);
    const params = segments.filter((s) => s.startsWith('{'));
    expect(new Set(params).size).toBe(params.length);
  });

  // Two patterns of the same length that could match one path (a literal against a parameter,
  // or the same literal) would make "which route is this" depend on the order of the table.
  it('no path matches two patterns', () => {
    const segments = (pattern: string) => pattern.split('/');
    const isParam = (segment: string) => segment.startsWith('{');
    const clashes = ENTRIES.flatMap(([a], i) =>
      ENTRIES.slice(i + 1)
        .map(([b]) => [a, b] as const)
        .filter(([, b]) => {
          const [x, y] = [segments(a), segments(b)];
          return x.length === y.length && x.every((s, j) => s === y[j] || isParam(s) || isParam(y[j]!));
        }),
    );
    expect(clashes).toEqual([]);
  });

  // A route whose path names an organization, account or project is governed by it: a route
  // declared `user` there would skip that organization's membership, policy and allowlist.
  it.each(ENTRIES.filter(([, spec]) => !spec.public))('%s is governed by what its path names', (pattern, spec) => {
    const expected = pattern.startsWith('/v1/organization/{organization_id}')
      ? ['organization']
      : pattern === '/v1/account/{account_id}'
        ? ['account-or-unit']
        : pattern.startsWith('/v1/account/{account_id}/')
          ? ['account']
          : pattern.startsWith('/v1/project/{project}')
            ? ['project']
            : ['user'];
    expect('scope' in spec && [spec.scope]).toEqual(expected);
  });

  it('only the declared exceptions have a scope of their own per method, and only logout needs no token scope', () => {
    const exceptions = ENTRIES.flatMap(([pattern, spec]) => ('scopeByMethod' in spec && spec.scopeByMethod ? [[pattern, spec.scopeByMethod]] : []));
    expect(exceptions).toEqual([
      ['/v1/me/logout', { POST: 'sign-out' }],
      ['/v1/organization/{organization_id}/invitation/{user_email}', { POST: 'user' }],
    ]);
    expect(ENTRIES.filter(([, spec]) => 'area' in spec && spec.area === null).map(([p]) => p)).toEqual(['/v1/me/logout']);
    expect(ENTRIES.filter(([, spec]) => 'openDuringEnrollment' in spec && spec.openDuringEnrollment).map(([p]) => p)).toEqual(['/v1/me/logout']);
  });

  it('the public routes: the API description, signing in, password reset by mail, and SAML', () => {
    expect(ENTRIES.filter(([, spec]) => spec.public).map(([p]) => p)).toEqual([
      '/v1/openapi.json',
      '/v1/userauth',
      '/v1/user/password_reset_request',
      '/v1/user/password_reset/{verification_code}',
      '/v1/sso/saml/account/{account_id}/method/{method_id}/login',
      '/v1/sso/saml/account/{account_id}/method/{method_id}/acs',
      '/v1/sso/saml/account/{account_id}/method/{method_id}/metadata',
    ]);
  });

  it('methods are listed in one order (the 405 message names them so)', () => {
    for (const [, spec] of ENTRIES) expect(spec.methods).toEqual(API_METHODS.filter((m) => spec.methods.includes(m)));
  });
});

describe('matchApiRoute: the raw path finds its entry', () => {
  it.each([
    // [path, pattern, raw params, rest]
    ['/v1/me', '/v1/me', {}, []],
    ['/v1/me/', '/v1/me', {}, ['']],
    ['/v1/me/logout', '/v1/me/logout', {}, []],
    ['/v1/me/logout/x', '/v1/me/logout', {}, ['x']],
    ['/v1/organization/org1/user/u1', '/v1/organization/{organization_id}/user/{user_id}', { organization_id: 'org1', user_id: 'u1' }, []],
    // A literal segment of another route beats nothing: "two-factor" here is a user id.
    ['/v1/organization/org1/user/two-factor', '/v1/organization/{organization_id}/user/{user_id}', { organization_id: 'org1', user_id: 'two-factor' }, []],
    ['/v1/organization/org1/user/u1/two-factor', '/v1/organization/{organization_id}/user/{user_id}/two-factor', { organization_id: 'org1', user_id: 'u1' }, []],
    // %2F is no separator: the token prefix stays one raw segment.
    [
      '/v1/organization/o%2F1/user/u1/access-token/ab%2Fc%2B%3D',
      '/v1/organization/{organization_id}/user/{user_id}/access-token/{token_prefix}',
      { organization_id: 'o%2F1', user_id: 'u1', token_prefix: 'ab%2Fc%2B%3D' },
      [],
    ],
    // Deeper than any route: the deepest route above it, with the rest.
    ['/v1/organization/org1/config/authentication-policy', '/v1/organization/{organization_id}', { organization_id: 'org1' }, ['config', 'authentication-policy']],
    ['/v1/project/p1/v1/organization/org1', '/v1/project/{project}', { project: 'p1' }, ['v1', 'organization', 'org1']],
    // The entries with no route of their own.
    ['/v1/organization', '/v1/organization', {}, []],
    ['/v1/organization/', '/v1/organization', {}, ['']],
    ['/v1/organization/org1/authentication-methods/am1', '/v1/organization/{organization_id}/authentication-methods', { organization_id: 'org1' }, ['am1']],
    // An empty segment is no parameter.
    ['/v1/organization//user', '/v1/organization', {}, ['', 'user']],
  ])('%s -> %s %j, rest %j', (pathname, pattern, rawParams, rest) => {
    expect(matchApiRoute(pathname)).toMatchObject({ pattern, rawParams, rest });
  });

  it.each(['/', '/v1', '/v1/', '/v1/unknown', '/v1/projects', '/v1/organizationsx', '/x/v1/me', '/V1/me', '/v1/ME', '/v1/m%65', 'v1/me', ''])(
    '%j is no route',
    (pathname) => expect(matchApiRoute(pathname)).toBeNull(),
  );
});

describe('routeParams: decoded by name, once', () => {
  const TOKEN = '/v1/organization/{organization_id}/user/{user_id}/access-token/{token_prefix}';

  it.each([
    ['/v1/organization/org1/user/u1/access-token/pcls_abc', { organization_id: 'org1', user_id: 'u1', token_prefix: 'pcls_abc' }],
    ['/v1/organization/org1/user/u1/access-token/ab%2Fc%2B%3D', { organization_id: 'org1', user_id: 'u1', token_prefix: 'ab/c+=' }],
    // Decoded once: "%252F" is the text "%2F", not a slash.
    ['/v1/organization/org1/user/u1/access-token/a%252Fb', { organization_id: 'org1', user_id: 'u1', token_prefix: 'a%2Fb' }],
    ['/v1/organization/o%20x/user/%F0%9F%94%91/access-token/p', { organization_id: 'o x', user_id: '🔑', token_prefix: 'p' }],
    ['/v1/organization/org1/user/u1/access-token/pcls_abc/', { organization_id: 'org1', user_id: 'u1', token_prefix: 'pcls_abc' }],
  ])('%s -> %j', (pathname, params) => expect(routeParams(TOKEN, pathname)).toEqual(params));

  it.each([
    '/v1/organization/org1/user/u1/access-token',
    '/v1/organization/org1/user/u1/access-token/',
    '/v1/organization/org1/user/u1/access-token/p/x',
    '/v1/organization/org1/user/u1/access-token/p//',
    '/v1/organization/org1/user/u1/access-tokens/p',
    '/v1/organization/org1/user/u1/access-token/a/b',
    '/v1/organization//user/u1/access-token/p',
    '/x/v1/organization/org1/user/u1/access-token/p',
  ])('%s is not that route -> null', (pathname) => expect(routeParams(TOKEN, pathname)).toBeNull());

  it('null for a pattern that is not in the table', () => {
    expect(routeParams('/v1/nope/{id}', '/v1/nope/1')).toBeNull();
  });

  it.each(['/v1/organization/org1/user/%E0%A4%A/access-token/p', '/v1/organization/org1/user/u1/access-token/%'])('%s -> 400', (pathname) => {
    const error = (() => {
      try {
        routeParams(TOKEN, pathname);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect([(error as AppError).status, (error as AppError).message]).toEqual([400, expect.stringMatching(/^Malformed percent-encoding in path segment "%/)]);
  });

  it('a route without parameters has none', () => {
    expect(routeParams('/v1/me', '/v1/me')).toEqual({});
  });
});

describe('apiScopeOf: the exceptions hold on the exact path only', () => {
  it.each([
    ['POST', '/v1/me/logout', { kind: 'sign-out' }],
    ['POST', '/v1/me/logout/', { kind: 'user' }],
    ['POST', '/v1/me/logout/x', { kind: 'user' }],
    ['PUT', '/v1/me/logout', { kind: 'user' }],
    ['post', '/v1/me/logout', { kind: 'user' }],
    // A method name that is also an object's own property name is no method of the table.
    ['constructor', '/v1/me/logout', { kind: 'user' }],
    ['__proto__', '/v1/organization/o1/invitation/a', { kind: 'organization', organizationId: 'o1' }],
    ['toString', '/v1/organization/o1/invitation/a', { kind: 'organization', organizationId: 'o1' }],
    ['POST', '/v1/organization/o1/invitation/a', { kind: 'user' }],
    ['POST', '/v1/organization/o1/invitation/a/', { kind: 'organization', organizationId: 'o1' }],
    ['GET', '/v1/account/a1', { kind: 'account', accountId: 'a1', unit: true }],
    ['GET', '/v1/account/a1/x', { kind: 'account', accountId: 'a1' }],
    ['GET', '/v1/account/a1/events/', { kind: 'account', accountId: 'a1' }],
    // Public routes and unknown paths are the caller's own business; SAML's account id governs nothing.
    ['GET', '/v1/sso/saml/account/a1/method/m1/metadata', { kind: 'user' }],
    ['GET', '/v1/sso/saml/account/a1/method/m1/metadata/x', { kind: 'user' }],
    ['POST', '/v1/userauth', { kind: 'user' }],
    ['GET', '/v1/unknown/org1', { kind: 'user' }],
    ['GET', '/v1/project/p%2F1/service/s1', { kind: 'project', projectName: 'p/1' }],
  ] as const)('%s %s -> %j', (method, pathname, scope) => expect(apiScopeOf(pathname, method)).toEqual(scope));
});

describe('requiredScope on paths that are no route', () => {
  it.each([
    ['/v1/me/logout/', 'user'],
    ['/v1/organization', 'organizations'],
    ['/v1/organization/o1/authentication-methods/am1', 'authentication'],
    ['/v1/organization/o1/domains/d1/verify/x', 'authentication'],
    ['/v1/organizations/o1', 'organizations'],
    ['/v1/userauth/x', 'user'],
    ['/v1/sso/saml/account/a1/method/m1/acs', 'user'],
  ] as const)('%s -> %s', (pathname, area) => expect(requiredScope('GET', pathname)).toEqual({ area, access: 'read' }));
});

describe('isPublicApiPath: a public route exactly', () => {
  it.each([
    ['/v1/userauth', true],
    ['/v1/user/password_reset/abc', true],
    ['/v1/user/password_reset/a%2Fb', true],
    ['/v1/sso/saml/account/a1/method/m1/login', true],
    ['/v1/sso/saml/account/a1/method/m1/acs', true],
    ['/v1/sso/saml/account/a1/method/m1/metadata', true],
    // Not below one, not with a trailing slash, nor anything else under /v1/sso/saml/.
    ['/v1/sso/saml/account/a1/method/m1/acs/', false],
    ['/v1/sso/saml/account/a1/method/m1/acs/x', false],
    ['/v1/sso/saml/account/a1/method/m1', false],
    ['/v1/sso/saml/x', false],
    ['/v1/sso/saml/account//method/m1/acs', false],
    ['/v1/me', false],
    ['/v1/me/logout', false],
    ['/v1/organization', false],
    ['/v1/unknown', false],
  ])('%s -> %s', (pathname, expected) => expect(isPublicApiPath(pathname)).toBe(expected));
});

describe('isOpenDuringEnrollment: logout exactly', () => {
  it.each([
    ['/v1/me/logout', true],
    ['/v1/me/logout/', false],
    ['/v1/me/logout/x', false],
    ['/v1/me', false],
    ['/v1/me/password', false],
    ['/v1/userauth', false],
    ['/v1/unknown', false],
  ])('%s -> %s', (pathname, expected) => expect(isOpenDuringEnrollment(pathname)).toBe(expected));
});
