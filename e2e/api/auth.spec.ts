import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import { auditOf, seedMember, setAllowlist, setPolicy, tokensOf } from '../support/seed';

// The wire format of ../shared/reference/aiven-api.md for sign-in, /v1/me and logout.

const errorBody = (status: number) => ({
  message: expect.any(String),
  errors: expect.arrayContaining([expect.objectContaining({ error_code: expect.any(String), message: expect.any(String), status })]),
});

test.describe('POST /v1/userauth', () => {
  test('returns a login-created token, as avn user login expects', async ({ request, member }) => {
    const response = await request.post('/v1/userauth', {
      data: { email: member.email.toUpperCase(), password: member.password },
    });
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('application/json');
    const body = await response.json();
    expect(body).toEqual({ token: expect.stringMatching(/^pcls_[A-Za-z0-9_-]{40,}$/), state: 'active', user_email: member.email });

    // The token works for the call avn makes next, and only its hash is stored.
    const projects = await request.get('/v1/project', { headers: auth(body.token) });
    expect(projects.status()).toBe(200);
    expect(await projects.json()).toEqual({ projects: [] });
    const [stored] = await tokensOf(servers.main.database, member.userId);
    expect(stored).toMatchObject({ kind: 'session', authMethod: 'password', createdManually: false, tokenPrefix: body.token.slice(0, 16) });
    expect(JSON.stringify(stored)).not.toContain(body.token);
    expect(await auditOf(servers.main.database, { event: 'auth.sign_in', actorEmail: member.email })).toHaveLength(1);
  });

  test('refuses a wrong password and an unknown email with the same 401 body', async ({ request, member }) => {
    const wrong = await request.post('/v1/userauth', { data: { email: member.email, password: 'not-the-password' } });
    const unknown = await request.post('/v1/userauth', { data: { email: `nobody-${member.email}`, password: 'x' } });
    expect(wrong.status()).toBe(401);
    expect(unknown.status()).toBe(401);
    const body = await wrong.json();
    expect(body).toEqual(errorBody(401));
    expect(body.message).toBe('Wrong email or password');
    expect(await unknown.json()).toEqual(body);
    expect(await auditOf(servers.main.database, { event: 'auth.sign_in_failed', actorEmail: member.email })).toHaveLength(1);
  });

  test('rate-limits failed attempts per account with 429', async ({ request, member }) => {
    for (let i = 0; i < 5; i++) {
      expect((await request.post('/v1/userauth', { data: { email: member.email, password: `wrong-${i}` } })).status()).toBe(401);
    }
    // Even the right password is refused until the window passes.
    const limited = await request.post('/v1/userauth', { data: { email: member.email, password: member.password } });
    expect(limited.status()).toBe(429);
    expect((await limited.json()).message).toMatch(/Too many failed sign-in attempts for this account\. Try again in \d+ minutes/);
  });

  test('answers bad input with 400 and the error body, never 500', async ({ request }) => {
    const cases: { data: string; message: RegExp }[] = [
      { data: '{"email": "a@example.test", ', message: /not valid JSON/ },
      { data: '{"email": "not-an-email", "password": "x"}', message: /email/ },
      { data: '{"email": "a@example.test"}', message: /password/ },
      { data: '[]', message: /expected object/i },
      { data: '{"email": 5, "password": null}', message: /email/ },
    ];
    for (const { data, message } of cases) {
      const response = await request.post('/v1/userauth', { data: Buffer.from(data), headers: { 'content-type': 'application/json' } });
      expect(response.status(), data).toBe(400);
      const body = await response.json();
      expect(body, data).toEqual(errorBody(400));
      expect(body.message, data).toMatch(message);
    }
  });

  test('accepts a JSON body whatever its content type says', async ({ request, member }) => {
    const response = await request.post('/v1/userauth', {
      data: Buffer.from(JSON.stringify({ email: member.email, password: member.password })),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(response.status()).toBe(200);
  });
});

test.describe('GET /v1/me', () => {
  test('describes the caller, with aivenv1 and Bearer alike', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    for (const authorization of [`aivenv1 ${token}`, `Bearer ${token}`]) {
      const response = await request.get('/v1/me?limit=999', { headers: { authorization, 'content-type': 'application/octet-stream' } });
      expect(response.status(), authorization.split(' ')[0]).toBe(200);
      const { user } = await response.json();
      // avn user info columns: user real_name state token_validity_begin projects auth
      expect(user).toMatchObject({
        user: member.email,
        user_id: member.userId,
        real_name: '',
        state: 'active',
        token_validity_begin: null,
        projects: [],
        auth: ['password'],
        managing_organization_id: null,
      });
      expect(user.organizations).toEqual([
        expect.objectContaining({ organization_id: member.organizationId, is_super_admin: true }),
      ]);
    }
  });

  test('401 with the error body without a token, with a bad one, or a malformed header', async ({ request }) => {
    for (const headers of [{}, auth('pcls_not-a-real-token-0000000000000000'), { authorization: 'Basic dXNlcjpwYXNz' }]) {
      const response = await request.get('/v1/me', { headers });
      expect(response.status()).toBe(401);
      expect(await response.json()).toEqual(errorBody(401));
    }
  });

  test('ignores the browser session cookie: the API takes tokens from the Authorization header only', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const response = await request.get('/v1/me', { headers: { cookie: `next-auth.session-token=${token}` } });
    expect(response.status()).toBe(401);
  });
});

test.describe('POST /v1/me/logout', () => {
  test('revokes the token it was called with, and only that one', async ({ request, member }) => {
    const first = await login(request, member.email, member.password);
    const second = await login(request, member.email, member.password);
    const response = await request.post('/v1/me/logout', { headers: auth(first) });
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ message: expect.any(String) });
    expect((await request.get('/v1/me', { headers: auth(first) })).status()).toBe(401);
    expect((await request.get('/v1/me', { headers: auth(second) })).status()).toBe(200);
    expect(await auditOf(servers.main.database, { event: 'auth.sign_out', actorEmail: member.email })).toHaveLength(1);
  });

  // A person whose organization's allowlist or policy now refuses them must still be able to end
  // their session (a laptop leaving the office network, a method turned off). Before, logout
  // answered 403 and the token stayed valid.
  test('works whatever the allowlist or policy says: 200, and the token is gone', async ({ request, member }) => {
    const db = servers.main.database;
    const outside = await login(request, member.email, member.password);
    const passwordSession = await login(request, member.email, member.password);
    await setAllowlist(db, member.organizationId, ['192.0.2.0/24']);
    try {
      const refused = await request.get('/v1/me', { headers: auth(outside) });
      expect(refused.status()).toBe(403);
      expect((await refused.json()).message).toBe(`IP address 127.0.0.1 is not in the IP allowlist of organization "${member.organizationName}"`);
      const out = await request.post('/v1/me/logout', { headers: auth(outside) });
      expect(out.status()).toBe(200);
      expect(await out.json()).toEqual({ message: 'Signed out' });
    } finally {
      await setAllowlist(db, member.organizationId, []);
    }
    expect((await request.get('/v1/me', { headers: auth(outside) })).status()).toBe(401);
    expect(await tokensOf(db, member.userId)).toHaveLength(1);

    // Password sign-in turned off: password sessions are refused, and may still sign out.
    await setPolicy(db, member.organizationId, { passwordAuthEnabled: false });
    expect((await request.get('/v1/me', { headers: auth(passwordSession) })).status()).toBe(403);
    expect((await request.post('/v1/me/logout', { headers: auth(passwordSession) })).status()).toBe(200);
    expect(await tokensOf(db, member.userId)).toEqual([]);
    // Still only with a valid token.
    const nobody = await request.post('/v1/me/logout', { headers: auth(passwordSession) });
    expect(nobody.status()).toBe(401);
    expect((await nobody.json()).message).toBe('Invalid token: it does not exist or has been revoked');
  });
});

test.describe('POST /signout (the console sign-out form)', () => {
  const cookie = (token: string) => ({ cookie: `next-auth.session-token=${token}` });

  test('revokes the session from a page of ours; another site cannot sign anyone out', async ({ request, member }) => {
    const session = await login(request, member.email, member.password);
    // A form on another site posting to /signout: refused, and the session lives on.
    const forged = await request.post('/signout', {
      headers: { ...cookie(session), origin: 'http://evil.test', 'sec-fetch-site': 'cross-site' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toBe('This request was not made on a page of this console (the browser says it came from a cross-site page).');
    expect((await request.get('/v1/me', { headers: auth(session) })).status()).toBe(200);

    const out = await request.post('/signout', { headers: { ...cookie(session), origin: servers.main.url, 'sec-fetch-site': 'same-origin' }, maxRedirects: 0 });
    expect(out.status()).toBe(303);
    expect(out.headers()['location']).toBe(`${servers.main.url}/signin`);
    expect((await request.get('/v1/me', { headers: auth(session) })).status()).toBe(401);
  });
});

test.describe('unknown routes', () => {
  test('404 in the error body for an authenticated caller', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
      const response = await request.fetch('/v1/no/such/route', { method, headers: auth(token) });
      expect(response.status(), method).toBe(404);
      expect(await response.json()).toEqual(errorBody(404));
    }
  });

  test('organization routes of an organization the caller is not in answer 404', async ({ request, member }) => {
    const other = await seedMember(servers.main.database);
    const token = await login(request, member.email, member.password);
    const response = await request.get(`/v1/organization/${other.organizationId}/config/authentication`, { headers: auth(token) });
    expect(response.status()).toBe(404);
    expect((await response.json()).message).toContain(other.organizationId);
  });
});

test.describe('organization IP allowlist', () => {
  test('refuses /v1/me from outside the allowlist, and a forged X-Forwarded-For does not help', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    await setAllowlist(servers.main.database, member.organizationId, ['10.0.0.0/8', '2001:db8::/32']);
    for (const forged of [undefined, '10.1.2.3', '10.1.2.3, 10.9.9.9', '2001:db8::1']) {
      const headers = forged ? { ...auth(token), 'x-forwarded-for': forged } : auth(token);
      const response = await request.get('/v1/me', { headers });
      expect(response.status(), String(forged)).toBe(403);
      const body = await response.json();
      expect(body).toEqual(errorBody(403));
      expect(body.message).toBe(`IP address 127.0.0.1 is not in the IP allowlist of organization "${member.organizationName}"`);
    }
    // Sign-in from outside is refused too.
    const signIn = await request.post('/v1/userauth', { data: { email: member.email, password: member.password } });
    expect(signIn.status()).toBe(403);

    await setAllowlist(servers.main.database, member.organizationId, ['10.0.0.0/8', '127.0.0.0/8']);
    expect((await request.get('/v1/me', { headers: auth(token) })).status()).toBe(200);
  });
});
