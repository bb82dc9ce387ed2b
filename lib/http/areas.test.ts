import { describe, expect, it } from 'vitest';
import { areaOf, isOwnResourcePage, safeReturnPath } from './areas';

describe('areaOf', () => {
  it.each([
    ['/v1', 'api'],
    ['/v1/', 'api'],
    ['/v1/me', 'api'],
    ['/v1/organization/org1/user', 'api'],
    ['/v1/userauth', 'public-api'],
    ['/v1/userauth/', 'api'],
    ['/v1/userauth/x', 'api'],
    ['/v1/sso/saml/account/a1/method/am1/acs', 'public-api'],
    ['/v1/sso/saml/account/a1/method/am1/metadata', 'public-api'],
    ['/v1/sso/saml', 'api'],
    ['/v1/ssox/saml/account/a1', 'api'],
    ['/v1/me/logout', 'api'],
    ['/v1x', 'console'],
    ['/v10/me', 'console'],
    ['/signin', 'public-page'],
    ['/signin/', 'public-page'],
    ['/signin/error', 'public-page'],
    ['/setup', 'public-page'],
    ['/setup/step-2', 'public-page'],
    ['/api/auth', 'public-page'],
    ['/api/auth/', 'public-page'],
    ['/api/auth/callback/credentials', 'public-page'],
    ['/', 'console'],
    ['/tokens', 'console'],
    ['/settings', 'console'],
    ['/api', 'console'],
    ['/api/other', 'console'],
    ['/api/authx', 'console'],
    // A page whose name merely starts like a public one is protected.
    ['/signing-keys', 'console'],
    ['/signinx', 'console'],
    ['/setup-admin', 'console'],
    ['/setupfoo/bar', 'console'],
    ['/Signin', 'console'],
    // A mailed verification link needs the account's own session: the proxy sends a signed-out
    // visitor to sign in and back (lib/users/verify-email.ts).
    ['/verify-email/abc', 'console'],
    // Password reset: asked for and used without a session (lib/passwords/reset.ts).
    ['/forgot-password', 'public-page'],
    ['/reset-password/abc', 'public-page'],
    ['/forgot-passwords', 'console'],
    ['/v1/user/password_reset_request', 'public-api'],
    ['/v1/user/password_reset_request/x', 'api'],
    ['/v1/user/password_reset/abc', 'public-api'],
    ['/v1/user/password_reset/', 'api'],
    ['/v1/user/password_reset/abc/x', 'api'],
    ['/v1/user/password_reset', 'api'],
    ['/v1/me/password', 'api'],
  ] as const)('%s -> %s', (path, area) => expect(areaOf(path)).toBe(area));
});

describe('isOwnResourcePage', () => {
  it.each([
    ['/profile', true],
    ['/profile/tokens', true],
    ['/verify-email/abc', true],
    ['/verify-email', true],
    ['/verify-emailx', false],
    ['/profiles', false],
    ['/admin/users', false],
    ['/', false],
  ] as const)('%s -> %s', (path, own) => expect(isOwnResourcePage(path)).toBe(own));
});

describe('safeReturnPath', () => {
  it.each([
    ['/', '/'],
    ['/tokens', '/tokens'],
    ['/tokens?tab=personal#new', '/tokens?tab=personal#new'],
    ['/a/b/c', '/a/b/c'],
    ['/path\\with\\backslashes', '/path\\with\\backslashes'],
    ['/%2F%2Fevil.test', '/%2F%2Fevil.test'],
  ])('keeps the same-site path %j', (value, expected) => expect(safeReturnPath(value)).toBe(expected));

  it.each([
    null,
    undefined,
    '',
    'tokens',
    'https://evil.test/',
    'http:evil.test',
    'javascript:alert(1)',
    '//evil.test',
    '//evil.test/path',
    '///evil.test',
    '/\\evil.test',
    '/\\\\evil.test',
    // Browsers drop tabs and newlines anywhere in a URL: these are "//evil.test" once parsed.
    '/\t/evil.test',
    '/\n/evil.test',
    '/\r\n/evil.test',
    '/\t\\evil.test',
    '\t//evil.test',
    ' /tokens',
    '/tokens\u0000',
  ])('sends %j home', (value) => expect(safeReturnPath(value)).toBe('/'));

  it('never yields a path that a browser resolves to another origin', () => {
    const base = 'https://portcullis.example';
    const inputs = ['/x', '//evil.test', '/\\evil.test', '/\t/evil.test', '/\n\\evil.test', '/ /evil.test', '/\u000b/evil.test'];
    for (const input of inputs) {
      expect(new URL(safeReturnPath(input), base).origin).toBe(base);
    }
  });
});
