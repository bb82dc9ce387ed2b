import type { APIRequestContext, APIResponse } from '@playwright/test';
import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import { accountIdOf, configureIdp, SAME_ORIGIN, TestIdp } from '../support/saml';
import { auditOf, tokensOf } from '../support/seed';

// The holder of a leaked token, acting as an attacker would: the token goes into the browser's
// session cookie to reach the console (which checks no scopes), or asks /v1/access_token for a
// token wider than itself. Only login sessions are console sessions, and a token made with a
// personal or application token is never wider than it.

const json = (token: string, body: unknown) => ({ headers: { ...auth(token), 'content-type': 'application/json' }, data: Buffer.from(JSON.stringify(body)) });
const cookie = (token: string) => ({ cookie: `next-auth.session-token=${token}` });
const errorBody = (status: number, message: string) => ({
  message,
  errors: [{ error_code: status === 403 ? 'forbidden' : 'unauthorized', message, status }],
});

async function createToken(request: APIRequestContext, parent: string, body: Record<string, unknown>) {
  const response = await request.post('/v1/access_token', json(parent, { description: 'test', ...body }));
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as { full_token: string; token_prefix: string; expiry_time: string | null; scopes: string[]; ip_allowlist: string[] };
}

/** An application user of the member's organization with one token, made by the admin's login session. */
async function applicationToken(request: APIRequestContext, admin: string, organizationId: string) {
  const base = `/v1/organization/${organizationId}/application-users`;
  const appUser = await (await request.post(base, json(admin, { name: 'CI' }))).json();
  const created = await request.post(`${base}/${appUser.user_id}/access-tokens`, json(admin, { description: 'deploys' }));
  expect(created.status()).toBe(200);
  return { userId: appUser.user_id as string, tokensUrl: `${base}/${appUser.user_id}/access-tokens`, token: (await created.json()).full_token as string };
}

function expectSignInWithCookieCleared(response: APIResponse, from: string) {
  expect(response.status()).toBe(307);
  expect(new URL(response.headers()['location']!, servers.main.url).pathname + new URL(response.headers()['location']!, servers.main.url).search).toBe(
    `/signin?callbackUrl=${encodeURIComponent(from)}`,
  );
  const cleared = response.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie' && h.value.startsWith('next-auth.session-token=;'));
  expect(cleared).toHaveLength(1);
  expect(cleared[0]!.value).toMatch(/Expires=Thu, 01 Jan 1970 00:00:00 GMT|Max-Age=0/);
}

test.describe('the session cookie carries login sessions only', () => {
  test('a leaked projects:read personal token in the cookie: pages and server actions go to sign-in, the cookie is cleared', async ({ request, member }) => {
    const session = await login(request, member.email, member.password);
    const leaked = (await createToken(request, session, { scopes: ['projects:read'] })).full_token;

    // The real session in the cookie opens the page: the refusal below is about the token's kind.
    const asSession = await request.get('/profile/tokens', { headers: cookie(session), maxRedirects: 0 });
    expect(asSession.status()).toBe(200);

    for (const path of ['/profile/tokens', '/', '/admin/users']) {
      expectSignInWithCookieCleared(await request.get(path, { headers: cookie(leaked), maxRedirects: 0 }), path);
    }
    // A server action is a POST to the page with a Next-Action header: refused before any action runs.
    const action = await request.post('/profile/tokens', {
      headers: { ...cookie(leaked), 'next-action': '7f0000000000000000000000000000000000000000', 'content-type': 'text/plain;charset=UTF-8' },
      data: '[{"description":"wide open"}]',
      maxRedirects: 0,
    });
    expectSignInWithCookieCleared(action, '/profile/tokens');
    expect((await tokensOf(servers.main.database, member.userId)).filter((t) => t.kind === 'personal')).toHaveLength(1);
    // The same token still works where it belongs, within its scopes.
    expect((await request.get('/v1/project', { headers: auth(leaked) })).status()).toBe(200);
  });

  test('next-auth does not count a personal or application token in the cookie as signed in', async ({ request, member }) => {
    const session = await login(request, member.email, member.password);
    const personal = (await createToken(request, session, { scopes: ['projects:read'] })).full_token;
    const { token: application } = await applicationToken(request, session, member.organizationId);

    const signedIn = await request.get('/api/auth/session', { headers: cookie(session) });
    expect(signedIn.status()).toBe(200);
    expect(await signedIn.json()).toHaveProperty('expires');
    for (const token of [personal, application]) {
      const response = await request.get('/api/auth/session', { headers: cookie(token) });
      expect(response.status()).toBe(200);
      expect(await response.json()).toEqual({});
    }
  });

  test('an application token in the cookie goes to sign-in; in the Authorization header it still works', async ({ request, member }) => {
    const session = await login(request, member.email, member.password);
    const { token } = await applicationToken(request, session, member.organizationId);
    expectSignInWithCookieCleared(await request.get('/profile/tokens', { headers: cookie(token), maxRedirects: 0 }), '/profile/tokens');
    expectSignInWithCookieCleared(await request.get('/admin/application-users', { headers: cookie(token), maxRedirects: 0 }), '/admin/application-users');
    expect((await request.get(`/v1/organization/${member.organizationId}`, { headers: auth(token) })).status()).toBe(200);
  });

  test('the SSO routes do not take a personal token from the cookie: the identity provider test sends to sign-in', async ({ request, member }) => {
    const idp = await (await TestIdp.create()).start();
    try {
      const session = await login(request, member.email, member.password);
      const leaked = (await createToken(request, session, { scopes: ['authentication'] })).full_token;
      const configured = await configureIdp(request, session, await accountIdOf(member.organizationName), idp);
      // The Test button's form: a same-origin POST that spends the session cookie.
      const start = `${configured.loginUrl}?purpose=test`;
      // The super admin's login session starts the test sign-in: off to the IdP.
      const asSession = await request.post(start, { headers: { ...cookie(session), ...SAME_ORIGIN }, maxRedirects: 0 });
      expect(asSession.status()).toBe(303);
      expect(asSession.headers()['location']).toMatch(new RegExp(`^${idp.ssoUrl.replace(/[.?]/g, '\\$&')}`));
      // The same user's personal token in the cookie is nobody: sign in first, then back to the IdP's page.
      const asToken = await request.post(start, { headers: { ...cookie(leaked), ...SAME_ORIGIN }, maxRedirects: 0 });
      expect(asToken.status()).toBe(303);
      expect(asToken.headers()['location']).toBe(
        `${servers.main.url}/signin?callbackUrl=${encodeURIComponent(`/admin/identity-providers/${configured.methodId}`)}`,
      );
    } finally {
      await idp.stop();
    }
  });
});

test.describe('a token never creates a wider token', () => {
  test('a user-scoped personal token asks for more: each wider part is a 403 that names it, and is audited', async ({ request, member }) => {
    const session = await login(request, member.email, member.password);
    const parent = await createToken(request, session, { scopes: ['user'], ip_allowlist: ['127.0.0.1/32'], max_age_seconds: 3600 });
    expect(parent.expiry_time).not.toBeNull();
    const ask = (body: Record<string, unknown>) => request.post('/v1/access_token', json(parent.full_token, { description: 'child', ...body }));

    const noScopes = await ask({ ip_allowlist: ['127.0.0.1'], max_age_seconds: 600 });
    const scopesMessage = "This token's scopes (user) do not allow creating a token with scopes (all)";
    expect(noScopes.status()).toBe(403);
    expect(await noScopes.json()).toEqual(errorBody(403, scopesMessage));

    const widerScopes = await ask({ scopes: ['user', 'projects'], ip_allowlist: ['127.0.0.1'], max_age_seconds: 600 });
    expect(await widerScopes.json()).toEqual(errorBody(403, "This token's scopes (user) do not allow creating a token with scopes (user, projects)"));

    const anywhere = await ask({ scopes: ['user'], max_age_seconds: 600 });
    expect(anywhere.status()).toBe(403);
    expect(await anywhere.json()).toEqual(
      errorBody(403, "This token's IP allowlist (127.0.0.1/32) does not allow creating a token with IP allowlist (anywhere)"),
    );
    const widerRange = await ask({ scopes: ['user'], ip_allowlist: ['127.0.0.0/8'], max_age_seconds: 600 });
    expect(await widerRange.json()).toEqual(
      errorBody(403, "This token's IP allowlist (127.0.0.1/32) does not allow creating a token with IP allowlist (127.0.0.0/8)"),
    );

    const forever = await ask({ scopes: ['user'], ip_allowlist: ['127.0.0.1'] });
    expect(forever.status()).toBe(403);
    expect(await forever.json()).toEqual(errorBody(403, `This token's expiry (${parent.expiry_time}) does not allow creating a token without a max age`));
    const longer = await ask({ scopes: ['user'], ip_allowlist: ['127.0.0.1'], max_age_seconds: 7200 });
    expect(longer.status()).toBe(403);
    expect((await longer.json()).message).toMatch(
      new RegExp(`^This token's expiry \\(${parent.expiry_time!.replace(/\./g, '\\.')}\\) does not allow creating a token with max age 7200 seconds \\(it would expire at \\S+; at most \\d+ seconds\\)$`),
    );
    const sliding = await ask({ scopes: ['user'], ip_allowlist: ['127.0.0.1'], max_age_seconds: 600, extend_when_used: true });
    expect(await sliding.json()).toEqual(errorBody(403, `This token's expiry (${parent.expiry_time}) does not allow creating a token that extends when used`));

    // Everything at once: every part named.
    expect((await (await ask({})).json()).message).toBe(
      [
        scopesMessage,
        "This token's IP allowlist (127.0.0.1/32) does not allow creating a token with IP allowlist (anywhere)",
        `This token's expiry (${parent.expiry_time}) does not allow creating a token without a max age`,
      ].join('; '),
    );

    // Nothing was created; every refusal is in the audit log with the token that asked.
    expect((await tokensOf(servers.main.database, member.userId)).filter((t) => t.kind === 'personal')).toHaveLength(1);
    const refused = await auditOf(servers.main.database, { event: 'token.creation_refused', actorEmail: member.email });
    expect(refused).toHaveLength(8);
    expect(refused[refused.length - 1]!.details).toMatchObject({ reason: scopesMessage, parent_token_prefix: parent.token_prefix, parent_kind: 'personal' });
  });

  test('a narrower request succeeds, and the child works only within its limits', async ({ request, member }) => {
    const session = await login(request, member.email, member.password);
    const parent = await createToken(request, session, { scopes: ['user', 'projects:read'], ip_allowlist: ['127.0.0.0/8'], max_age_seconds: 3600 });
    const child = await createToken(request, parent.full_token, { scopes: ['user:read'], ip_allowlist: ['127.0.0.1'], max_age_seconds: 1800 });
    expect(child).toMatchObject({ scopes: ['user:read'], ip_allowlist: ['127.0.0.1/32'] });
    expect(Date.parse(child.expiry_time!)).toBeLessThanOrEqual(Date.parse(parent.expiry_time!));
    expect(await auditOf(servers.main.database, { event: 'token.created', actorEmail: member.email })).toHaveLength(2);

    expect((await request.get('/v1/me', { headers: auth(child.full_token) })).status()).toBe(200);
    const write = await request.post('/v1/access_token', json(child.full_token, { description: 'grandchild', scopes: ['user:read'], ip_allowlist: ['127.0.0.1'], max_age_seconds: 600 }));
    expect(await write.json()).toEqual(errorBody(403, "This token's scopes (user:read) do not allow write access to user"));
    const projects = await request.get('/v1/project', { headers: auth(child.full_token) });
    expect(await projects.json()).toEqual(errorBody(403, "This token's scopes (user:read) do not allow read access to projects"));
    // Nor is it a console session.
    expectSignInWithCookieCleared(await request.get('/profile/tokens', { headers: cookie(child.full_token), maxRedirects: 0 }), '/profile/tokens');
  });

  test('a login session (from /v1/userauth) still creates any token, without limits', async ({ request, member }) => {
    const session = await login(request, member.email, member.password);
    const created = await createToken(request, session, {});
    expect(created).toMatchObject({ scopes: [], ip_allowlist: [], expiry_time: null });
    const sliding = await createToken(request, session, { max_age_seconds: 315_360_000, extend_when_used: true });
    expect(sliding.scopes).toEqual([]);
  });

  test('an admin\'s scoped personal token cannot mint a wider application token', async ({ request, member }) => {
    const session = await login(request, member.email, member.password);
    const { tokensUrl } = await applicationToken(request, session, member.organizationId);
    const adminToken = (await createToken(request, session, { scopes: ['organizations'] })).full_token;

    const wide = await request.post(tokensUrl, json(adminToken, { description: 'everything' }));
    expect(wide.status()).toBe(403);
    expect(await wide.json()).toEqual(errorBody(403, "This token's scopes (organizations) do not allow creating a token with scopes (all)"));
    const narrow = await request.post(tokensUrl, json(adminToken, { description: 'read only', scopes: ['organizations:read'] }));
    expect(narrow.status()).toBe(200);
    expect(await auditOf(servers.main.database, { event: 'token.creation_refused', actorEmail: member.email })).toHaveLength(1);
  });
});
