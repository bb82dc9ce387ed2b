import { describe, expect, it } from 'vitest';
import { requiredScope } from '@/lib/http/routes';
import { SCOPE_AREAS, SCOPES, scopesPermit, type RequiredScope, type ScopeArea } from './scopes';

// Token scopes are a boundary: a leaked `projects:read` token must not change an organization's
// sign-in policy. Each table row pins one decision, so that changing it (authentication treated
// as organizations, :read allowed to write) fails here.

const READ_METHODS = ['GET', 'HEAD'];
const WRITE_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

describe('requiredScope: the area of each /v1 route', () => {
  const rows: [string, ScopeArea][] = [
    // authentication: an organization's sign-in configuration, not "organizations".
    ['/v1/organization/org1/config/authentication', 'authentication'],
    ['/v1/organization/org1/config/authentication/', 'authentication'],
    ['/v1/organization/org1/authentication-methods/am1/domains', 'authentication'],
    ['/v1/organization/org1/authentication-methods/am1/domains/d1', 'authentication'],
    ['/v1/organization/org1/authentication-methods', 'authentication'],
    ['/v1/organization/org1/domains', 'authentication'],
    ['/v1/organization/org1/domains/d1', 'authentication'],
    ['/v1/organization/org1/domains/d1/verify', 'authentication'],
    ['/v1/account/a1/authentication', 'authentication'],
    ['/v1/account/a1/authentication/am1', 'authentication'],
    // A member's two-factor authentication (reset by a super admin).
    ['/v1/organization/org1/user/u1/two-factor', 'authentication'],
    // organizations: the organization itself, its members, invitations and application users.
    ['/v1/organization/org1', 'organizations'],
    ['/v1/organization/org1/user', 'organizations'],
    ['/v1/organization/org1/user/u1', 'organizations'],
    ['/v1/organization/org1/user/u1/access-tokens', 'organizations'],
    ['/v1/organization/org1/user/u1/access-token/pcls_abc', 'organizations'],
    ['/v1/organization/org1/user/u1/authentication_methods', 'organizations'],
    ['/v1/organization/org1/invitation', 'organizations'],
    ['/v1/organization/org1/invitation/a%40b.test', 'organizations'],
    ['/v1/organization/org1/application-users', 'organizations'],
    ['/v1/organization/org1/application-users/u1/access-tokens', 'organizations'],
    ['/v1/organizations', 'organizations'],
    ['/v1/account', 'organizations'],
    ['/v1/account/a1', 'organizations'],
    ['/v1/account/a1/events', 'organizations'],
    // Names that only begin like an authentication route are not one.
    ['/v1/organization/org1/config/authentication-policy', 'organizations'],
    ['/v1/organization/org1/config', 'organizations'],
    ['/v1/organization/org1/domainsx', 'organizations'],
    ['/v1/organization/org1/authentication-methodsx', 'organizations'],
    ['/v1/account/a1/authenticationx', 'organizations'],
    ['/v1/account/a1/events/authentication', 'organizations'],
    // Only in its place: "domains" of another organization's sub-resource is no authentication route.
    ['/v1/organization/org1/user/domains', 'organizations'],
    ['/v1/organization/org1/user/u1/two-factorx', 'organizations'],
    ['/v1/organization/org1/user/two-factor', 'organizations'],
    ['/v1/organization/org1/user/u1/access-token/two-factor', 'organizations'],
    // Each rule is anchored at the start: a route name further down the path decides nothing.
    ['/v1/project/p1/v1/organization/org1/domains', 'projects'],
    ['/v1/project/p1/v1/organization/org1', 'projects'],
    ['/v1/project/p1/v1/organization/org1/user/u1/two-factor', 'projects'],
    ['/v1/me/v1/account/a1/authentication', 'user'],
    ['/x/v1/project/p1', 'user'],
    // projects
    ['/v1/project', 'projects'],
    ['/v1/project/p1', 'projects'],
    ['/v1/project/p1/service', 'projects'],
    ['/v1/project/p1/service/s1', 'projects'],
    ['/v1/project/p1/service_types', 'projects'],
    ['/v1/project/p1/service-types/opensearch', 'projects'],
    // user: the caller's own resources, and anything else.
    ['/v1/me', 'user'],
    ['/v1/me/expire_tokens', 'user'],
    ['/v1/access_token', 'user'],
    ['/v1/access_token/pcls_abc', 'user'],
    ['/v1/projects', 'user'],
    ['/v1/organizationsx', 'user'],
    ['/v1/me/logout/x', 'user'],
    ['/v1/unknown', 'user'],
  ];

  it.each(rows.flatMap(([path, area]) => READ_METHODS.map((method) => [method, path, area] as const)))('%s %s -> %s:read', (method, path, area) => {
    expect(requiredScope(method, path)).toEqual({ area, access: 'read' });
  });

  it.each(rows.flatMap(([path, area]) => WRITE_METHODS.map((method) => [method, path, area] as const)))('%s %s -> %s:write', (method, path, area) => {
    expect(requiredScope(method, path)).toEqual({ area, access: 'write' });
  });

  it.each([...READ_METHODS, ...WRITE_METHODS])('%s /v1/me/logout needs no scope: any token may end itself', (method) => {
    expect(requiredScope(method, '/v1/me/logout')).toBeNull();
  });

  it.each(['OPTIONS', 'TRACE', 'CONNECT', 'get', ''])('any other method (%j) counts as a write', (method) => {
    expect(requiredScope(method, '/v1/project/p1')).toEqual({ area: 'projects', access: 'write' });
  });
});

describe('scopesPermit', () => {
  const every: RequiredScope[] = SCOPE_AREAS.flatMap((area) => (['read', 'write'] as const).map((access) => ({ area, access })));

  it('the vocabulary: each area, and each as :read and :write', () => {
    expect(SCOPE_AREAS).toEqual(['user', 'projects', 'organizations', 'authentication']);
    expect(SCOPES).toEqual(SCOPE_AREAS.flatMap((area) => [area, `${area}:read`, `${area}:write`]));
  });

  it.each(every)('no scopes permit everything: %j', (required) => {
    expect(scopesPermit([], required)).toBe(true);
  });

  it.each([[[]], [['projects:read']], [['nonsense']]])('a request that needs no scope is permitted for %j', (scopes) => {
    expect(scopesPermit(scopes, null)).toBe(true);
  });

  // For each scope, exactly the (area, access) pairs it permits.
  const permitted = (scope: string): string[] =>
    every.filter((required) => scopesPermit([scope], required)).map(({ area, access }) => `${area}:${access}`);

  it.each(SCOPE_AREAS)('"%s" reads and writes its own area, nothing else', (area) => {
    expect(permitted(area)).toEqual([`${area}:read`, `${area}:write`]);
  });

  it.each(SCOPE_AREAS)('"%s:read" reads its own area and never writes', (area) => {
    expect(permitted(`${area}:read`)).toEqual([`${area}:read`]);
  });

  it.each(SCOPE_AREAS)('"%s:write" writes its own area and does not read it (the code grants no read with write)', (area) => {
    expect(permitted(`${area}:write`)).toEqual([`${area}:write`]);
  });

  it.each(['projects:admin', 'project', 'projects:', ':read', 'PROJECTS', 'Projects:read', ' projects', 'projects:read ', '*', 'all', 'user:*', 'organization', 'auth'])(
    'an unknown scope string (%j) permits nothing',
    (scope) => {
      expect(permitted(scope)).toEqual([]);
    },
  );

  it('a list permits the union of its scopes, and unknown strings in it add nothing', () => {
    const scopes = ['projects:read', 'user', 'organizations:admin'];
    expect(every.filter((r) => scopesPermit(scopes, r)).map((r) => `${r.area}:${r.access}`)).toEqual(['user:read', 'user:write', 'projects:read']);
  });

  it.each([
    // [scopes, method, path, permitted]: the two together, as the gate applies them.
    [['projects:read'], 'GET', '/v1/project/p1/service', true],
    [['projects:read'], 'POST', '/v1/project/p1/service', false],
    [['projects:read'], 'DELETE', '/v1/project/p1', false],
    [['projects:write'], 'PUT', '/v1/project/p1', true],
    [['projects:write'], 'GET', '/v1/project/p1', false],
    [['organizations'], 'GET', '/v1/organization/org1/config/authentication', false],
    [['organizations'], 'PUT', '/v1/organization/org1/config/authentication', false],
    [['organizations'], 'POST', '/v1/organization/org1/domains', false],
    [['organizations'], 'GET', '/v1/account/a1/authentication', false],
    [['organizations'], 'GET', '/v1/organization/org1/user', true],
    [['authentication:read'], 'GET', '/v1/organization/org1/config/authentication', true],
    [['authentication:read'], 'PUT', '/v1/organization/org1/config/authentication', false],
    [['authentication'], 'PUT', '/v1/organization/org1/config/authentication', true],
    [['authentication'], 'GET', '/v1/organization/org1', false],
    [['user'], 'POST', '/v1/access_token', true],
    [['user:read'], 'POST', '/v1/access_token', false],
    [['projects'], 'POST', '/v1/access_token', false],
    [['projects:read'], 'POST', '/v1/me/logout', true],
    [['projects:read'], 'GET', '/v1/me', false],
  ] as const)('%j %s %s -> %s', (scopes, method, path, expected) => {
    expect(scopesPermit(scopes, requiredScope(method, path))).toBe(expected);
  });
});
