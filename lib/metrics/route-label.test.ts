import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_ROUTES } from '@/lib/http/routes';
import { APP_ROUTES, methodLabel, PUBLIC_FILES, routeLabel, UNMATCHED } from './route-label';

describe('routeLabel', () => {
  it.each([
    // /v1: the route table's pattern, never the ids.
    ['/v1/me', '/v1/me'],
    ['/v1/me/', '/v1/me'],
    ['/v1/organization/org123/user/u1a2b3c4d5e6f', '/v1/organization/{organization_id}/user/{user_id}'],
    ['/v1/organization/org123/user?limit=5&token=abc', '/v1/organization/{organization_id}/user'],
    // A percent-encoded "/" inside an id is no separator: still the one pattern, with no trace of the token.
    ['/v1/access_token/AbC%2Fdef%2B%3D', '/v1/access_token/{token}'],
    ['/v1/organization/o1/user/u1/access-token/ab%2Fcd', '/v1/organization/{organization_id}/user/{user_id}/access-token/{token_prefix}'],
    ['/v1/user/password_reset/secret-code-123', '/v1/user/password_reset/{verification_code}'],
    ['/v1/sso/saml/account/a1/method/m1/acs', '/v1/sso/saml/account/{account_id}/method/{method_id}/acs'],
    // Unknown /v1 paths, including below a route and a table entry without a route of its own.
    ['/v1', UNMATCHED],
    ['/v1/nope', UNMATCHED],
    ['/v1/me/nope/deeper', UNMATCHED],
    ['/v1/organization', UNMATCHED],
    ['/v1/organization/o1/authentication-methods', UNMATCHED],
    ['/v1/access_token//', UNMATCHED],
    // Pages and other handlers: the app's route, not the path.
    ['/', '/'],
    ['/?x=1', '/'],
    ['/signin', '/signin'],
    ['/signin/complete', '/signin/complete'],
    ['/signin/', '/signin'],
    ['/invite/0123456789abcdef-secret', '/invite/[secret]'],
    ['/reset-password/s3cr3t?email=a@b.test', '/reset-password/[secret]'],
    ['/admin/users/u1234', '/admin/users/[userId]'],
    ['/admin/users', '/admin/users'],
    ['/projects/p1/services/s%2F1', '/projects/[project]/services/[service]'],
    ['/profile/authentication/link/a1/m1', '/profile/authentication/link/[accountId]/[methodId]'],
    ['/api/auth/callback/google?code=secret', '/api/auth/[...nextauth]'],
    ['/api/auth/session', '/api/auth/[...nextauth]'],
    ['/healthz', '/healthz'],
    ['/metrics', '/metrics'],
    ['/metrics?x', '/metrics'],
    ['/_next/static/chunks/abc123.js', '/_next/static'],
    ['/_next/image?url=x', '/_next'],
    ['/favicon.ico', '/favicon.ico'],
    // Unknown paths: one label value.
    ['/wp-login.php', UNMATCHED],
    ['/admin', UNMATCHED],
    ['/admin/users/u1/extra', UNMATCHED],
    ['/invite', UNMATCHED],
    ['/invite//', UNMATCHED],
    ['/api/auth', UNMATCHED],
    ['//evil.test/x', UNMATCHED],
    ['http://example.test/signin', UNMATCHED],
    ['*', UNMATCHED],
    ['', UNMATCHED],
  ])('%s is %s', (target, label) => {
    expect(routeLabel(target)).toBe(label);
  });

  it('labels any path with one of a bounded set of values', () => {
    const values = new Set([...Object.keys(API_ROUTES), ...APP_ROUTES, ...PUBLIC_FILES, '/metrics', '/_next', '/_next/static', UNMATCHED]);
    for (const target of ['/v1/x/y/z', '/a/b/c/d/e', '/v1/project/p/service/s/extra', '/projects/a/b', `/${'x'.repeat(5000)}`]) {
      expect(values.has(routeLabel(target))).toBe(true);
    }
  });
});

/** The route of each page.tsx and route.ts under app/ (outside /v1), as Next serves it. */
function routesOfAppDirectory(): string[] {
  const root = path.resolve(import.meta.dirname, '../../app');
  return fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => /(^|\/)(page\.tsx|route\.ts)$/.test(file) && !file.startsWith('v1/'))
    .map((file) => {
      const segments = file.split('/').slice(0, -1).filter((segment) => !/^\(.*\)$/.test(segment));
      return `/${segments.join('/')}`;
    })
    .sort();
}

describe('APP_ROUTES', () => {
  it('lists exactly the routes under app/ (outside /v1)', () => {
    expect([...APP_ROUTES].sort()).toEqual(routesOfAppDirectory());
  });

  it('lists exactly the files in public/', () => {
    const files = fs.readdirSync(path.resolve(import.meta.dirname, '../../public')).map((file) => `/${file}`).sort();
    expect([...PUBLIC_FILES].sort()).toEqual(files);
  });
});

describe('methodLabel', () => {
  it.each([
    ['GET', 'GET'],
    ['DELETE', 'DELETE'],
    ['get', 'other'],
    ['PROPFIND', 'other'],
    [undefined, 'other'],
  ])('%s is %s', (method, label) => {
    expect(methodLabel(method)).toBe(label);
  });
});
