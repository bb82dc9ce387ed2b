import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import { auditOf, seedColleague, seedOrgMember, seedPersonalToken } from '../support/seed';

const path = (org: string) => `/v1/organization/${org}/config/authentication`;
const json = (body: unknown) => ({ data: Buffer.from(JSON.stringify(body)), headers: { 'content-type': 'application/json' } });

const UPSTREAM = [
  'password_auth_enabled',
  'two_factor_required',
  'oauth_enabled',
  'saml_enabled',
  'saml_allow_external',
  'personal_tokens_enabled',
  'personal_tokens_require_allowed_auth_method',
  'mcp_enabled',
];

test('GET returns the policy object, not wrapped, with upstream fields and our extensions', async ({ request, member }) => {
  const token = await login(request, member.email, member.password);
  const response = await request.get(path(member.organizationId), { headers: auth(token) });
  expect(response.status()).toBe(200);
  const policy = await response.json();
  for (const field of UPSTREAM) expect(typeof policy[field], field).toBe('boolean');
  expect(policy).toEqual({
    password_auth_enabled: true,
    two_factor_required: false,
    oauth_enabled: true,
    saml_enabled: true,
    // Off for new organizations: they trust only their own identity providers until opted in.
    saml_allow_external: false,
    personal_tokens_enabled: true,
    personal_tokens_require_allowed_auth_method: false,
    mcp_enabled: true,
    oauth_google_enabled: true,
    oauth_microsoft_enabled: true,
    oauth_github_enabled: true,
    personal_tokens_mode: 'enabled',
    ip_allowlist: [],
  });
});

test('PATCH is partial, returns the whole policy, applies at once and is audited', async ({ request, member }) => {
  const token = await login(request, member.email, member.password);
  const response = await request.patch(path(member.organizationId), {
    ...json({ oauth_enabled: false, ip_allowlist: ['127.0.0.1', '2001:db8::/32'] }),
    headers: { ...auth(token), 'content-type': 'application/json' },
  });
  expect(response.status()).toBe(200);
  const policy = await response.json();
  expect(policy).toMatchObject({ oauth_enabled: false, password_auth_enabled: true, ip_allowlist: ['127.0.0.1/32', '2001:db8::/32'] });
  expect(await (await request.get(path(member.organizationId), { headers: auth(token) })).json()).toEqual(policy);
  const [event] = await auditOf(servers.main.database, { event: 'policy.updated', actorEmail: member.email });
  expect(event?.details).toEqual({
    old: { oauth_enabled: true, ip_allowlist: [] },
    new: { oauth_enabled: false, ip_allowlist: ['127.0.0.1/32', '2001:db8::/32'] },
  });
});

test('a change that would lock the caller out is refused with 409 and changes nothing', async ({ request, member }) => {
  const token = await login(request, member.email, member.password);
  const headers = { ...auth(token), 'content-type': 'application/json' };
  const outside = await request.patch(path(member.organizationId), { ...json({ ip_allowlist: ['10.0.0.0/8'] }), headers });
  expect(outside.status()).toBe(409);
  expect((await outside.json()).message).toBe(
    'This change would lock you out: your IP address 127.0.0.1 is not in the new IP allowlist. Add it first.',
  );
  const noPassword = await request.patch(path(member.organizationId), { ...json({ password_auth_enabled: false }), headers });
  expect(noPassword.status()).toBe(409);
  expect((await noPassword.json()).message).toMatch(/your current session \(signed in with password\) would stop working/);
  expect((await (await request.get(path(member.organizationId), { headers: auth(token) })).json()).ip_allowlist).toEqual([]);
});

test('bad input: 400 with the error body', async ({ request, member }) => {
  const token = await login(request, member.email, member.password);
  const headers = { ...auth(token), 'content-type': 'application/json' };
  for (const [body, message] of [
    [{ password_auth_enabled: 'no' }, /password_auth_enabled must be true or false/],
    [{ ip_allowlist: ['300.1.1.1/8'] }, /Not an IP address or CIDR range: 300.1.1.1\/8/],
    [{ personal_tokens_mode: 'maybe' }, /personal_tokens_mode must be/],
    [{ unknown_switch: true }, /Unrecognized key/],
  ] as const) {
    const response = await request.patch(path(member.organizationId), { ...json(body), headers });
    expect(response.status(), JSON.stringify(body)).toBe(400);
    expect((await response.json()).message).toMatch(message);
  }
  const malformed = await request.patch(path(member.organizationId), { data: Buffer.from('{"oauth_enabled": tru'), headers });
  expect(malformed.status()).toBe(400);
});

test('members who are not super admins get 403; other organizations 404', async ({ request, member }) => {
  const plain = await seedOrgMember(servers.main.database, member.organizationId);
  const token = await login(request, plain.email, plain.password);
  for (const method of ['GET', 'PATCH']) {
    const response = await request.fetch(path(member.organizationId), { method, headers: auth(token), ...(method === 'PATCH' ? { data: {} } : {}) });
    expect(response.status(), method).toBe(403);
    expect((await response.json()).message).toBe('Only super admins of this organization may do this');
  }
  expect((await request.get(path('org00000000000'), { headers: auth(token) })).status()).toBe(404);
});

test('enforcement: a personal token made with a password stops when passwords are off with enforcement on', async ({ request, member }) => {
  const session = await login(request, member.email, member.password);
  const personal = (
    await (await request.post('/v1/access_token', { data: { description: 'automation' }, headers: auth(session) })).json()
  ).full_token as string;
  // The admin works through the personal token; turning passwords off cuts off the password
  // session but not this token while enforcement is off.
  const patch = (body: object) =>
    request.patch(path(member.organizationId), { data: body, headers: auth(personal) });
  expect((await patch({ password_auth_enabled: false })).status()).toBe(200);
  expect((await request.get('/v1/me', { headers: auth(personal) })).status()).toBe(200);
  const sessionRefused = await request.get('/v1/me', { headers: auth(session) });
  expect(sessionRefused.status()).toBe(403);
  expect((await sessionRefused.json()).message).toMatch(/does not allow sign-in with password/);
  // Enforcement on would refuse the very token making the change: the guard says so.
  const locked = await patch({ personal_tokens_require_allowed_auth_method: true });
  expect(locked.status()).toBe(409);
  expect((await locked.json()).message).toMatch(/personal token you are using would stop working/);
  // Password sign-in is refused now, naming what is allowed.
  const signIn = await request.post('/v1/userauth', { data: { email: member.email, password: member.password } });
  expect(signIn.status()).toBe(403);
  expect((await signIn.json()).message).toBe(
    `Organization "${member.organizationName}" does not allow sign-in with a password. Allowed methods: Google, Microsoft, GitHub, SAML single sign-on.`,
  );
});

test('personal tokens disabled for all: none can be created or used', async ({ request, member }) => {
  const session = await login(request, member.email, member.password);
  const personal = (
    await (await request.post('/v1/access_token', { data: { description: 'before' }, headers: auth(session) })).json()
  ).full_token as string;
  expect((await request.patch(path(member.organizationId), { data: { personal_tokens_enabled: false }, headers: auth(session) })).status()).toBe(200);
  const used = await request.get('/v1/me', { headers: auth(personal) });
  expect(used.status()).toBe(403);
  expect((await used.json()).message).toMatch(/does not allow personal tokens/);
  const created = await request.post('/v1/access_token', { data: { description: 'after' }, headers: auth(session) });
  expect(created.status()).toBe(403);
  // The session itself is not a personal token and keeps working.
  expect((await request.get('/v1/me', { headers: auth(session) })).status()).toBe(200);
});

test("enforcement: a member's password-made personal token stops with enforcement on and works again with it off", async ({ request, member }) => {
  const colleague = await seedColleague(servers.main.database, member.organizationId);
  const colleagueToken = await seedPersonalToken(servers.main.database, colleague.userId);
  // The admin changes the policy through an application user's token, which no sign-in method
  // governs, so the lockout guard has nothing to protect.
  const session = await login(request, member.email, member.password);
  const appUser = await (
    await request.post(`/v1/organization/${member.organizationId}/application-users`, {
      data: { name: 'policy-bot', is_super_admin: true },
      headers: auth(session),
    })
  ).json();
  const appToken = (
    await (
      await request.post(`/v1/organization/${member.organizationId}/application-users/${appUser.user_id}/access-tokens`, {
        data: { description: 'policy changes' },
        headers: auth(session),
      })
    ).json()
  ).full_token as string;
  const patch = async (body: object) => {
    const response = await request.patch(path(member.organizationId), { data: body, headers: auth(appToken) });
    expect(response.status(), await response.text()).toBe(200);
  };
  const me = () => request.get('/v1/me', { headers: auth(colleagueToken) });

  await patch({ password_auth_enabled: false });
  expect((await me()).status()).toBe(200);

  await patch({ personal_tokens_require_allowed_auth_method: true });
  const refused = await me();
  expect(refused.status()).toBe(403);
  expect((await refused.json()).message).toBe(
    `Organization "${member.organizationName}" only accepts tokens created after signing in with an allowed method, and this one was created with password. Allowed methods: Google, Microsoft, GitHub, SAML single sign-on.`,
  );

  await patch({ personal_tokens_require_allowed_auth_method: false });
  expect((await me()).status()).toBe(200);
});
