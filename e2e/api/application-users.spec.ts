import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import { auditOf, seedOrgMember, setAllowlist, setPolicy } from '../support/seed';

// /v1/organization/{org}/application-users as avn sends them (../shared/reference/aiven-api.md).
const base = (org: string) => `/v1/organization/${org}/application-users`;
const body = (value: unknown) => ({ data: Buffer.from(JSON.stringify(value)) });
const jsonHeaders = (token: string) => ({ ...auth(token), 'content-type': 'application/json' });

test('create, list, get, update and delete an application user', async ({ request, member }) => {
  const token = await login(request, member.email, member.password);
  const created = await request.post(base(member.organizationId), { ...body({ name: 'Terraform' }), headers: jsonHeaders(token) });
  expect(created.status()).toBe(200);
  const appUser = await created.json();
  // avn columns: name user_email user_id is_super_admin; upstream also answers create_time.
  expect(appUser).toEqual({
    user_id: expect.stringMatching(/^u[0-9a-f]+$/),
    name: 'Terraform',
    user_email: expect.stringMatching(/@application-users\.invalid$/),
    is_super_admin: false,
    create_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
  });

  const list = await (await request.get(base(member.organizationId), { headers: auth(token) })).json();
  expect(list).toEqual({ application_users: [appUser] });
  expect(await (await request.get(`${base(member.organizationId)}/${appUser.user_id}`, { headers: auth(token) })).json()).toEqual(appUser);

  const patched = await request.patch(`${base(member.organizationId)}/${appUser.user_id}`, {
    ...body({ name: 'Terraform CI', is_super_admin: true }),
    headers: jsonHeaders(token),
  });
  expect(await patched.json()).toMatchObject({ name: 'Terraform CI', is_super_admin: true });

  const deleted = await request.delete(`${base(member.organizationId)}/${appUser.user_id}`, { headers: auth(token) });
  expect(deleted.status()).toBe(200);
  expect(await deleted.json()).toEqual({ message: expect.any(String) });
  expect((await request.get(`${base(member.organizationId)}/${appUser.user_id}`, { headers: auth(token) })).status()).toBe(404);
  expect(await auditOf(servers.main.database, { event: 'application_user.deleted', actorEmail: member.email })).toHaveLength(1);
});

test('tokens: created as avn sends them, answered with full_token and token_prefix only, immutable, revoked', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const appUser = await (await request.post(base(member.organizationId), { ...body({ name: 'CI' }), headers: jsonHeaders(admin) })).json();
  const tokens = `${base(member.organizationId)}/${appUser.user_id}/access-tokens`;

  // avn without --max-age-seconds sends only the description.
  const created = await request.post(tokens, { ...body({ description: 'deploys' }), headers: jsonHeaders(admin) });
  expect(created.status()).toBe(200);
  const token = await created.json();
  expect(token).toEqual({ full_token: expect.stringMatching(/^pcls_/), token_prefix: expect.any(String) });
  expect(token.token_prefix).toBe(token.full_token.slice(0, 16));

  // GET /v1/me answers as the application user.
  const me = await (await request.get('/v1/me', { headers: auth(token.full_token) })).json();
  expect(me.user).toMatchObject({ user_id: appUser.user_id, user: appUser.user_email, real_name: 'CI', auth: [] });

  const listed = await (await request.get(tokens, { headers: auth(admin) })).json();
  // avn list columns: token_prefix description last_used_time expiry_time currently_active
  expect(listed.tokens).toEqual([
    expect.objectContaining({ token_prefix: token.token_prefix, description: 'deploys', expiry_time: null, currently_active: false, kind: 'application' }),
  ]);
  expect(listed.tokens[0].last_used_time).not.toBeNull();

  // Immutable: no PUT on a token.
  const put = await request.put(`${tokens}/${token.token_prefix}`, { ...body({ description: 'x' }), headers: jsonHeaders(admin) });
  expect(put.status()).toBe(405);
  expect((await put.json()).message).toMatch(/not allowed/);

  expect((await request.delete(`${tokens}/${token.token_prefix}`, { headers: auth(admin) })).status()).toBe(200);
  expect((await request.get('/v1/me', { headers: auth(token.full_token) })).status()).toBe(401);
  expect((await request.delete(`${tokens}/${token.token_prefix}`, { headers: auth(admin) })).status()).toBe(404);
});

test('limits and bad input: 400 with the error body', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const appUser = await (await request.post(base(member.organizationId), { ...body({ name: 'CI' }), headers: jsonHeaders(admin) })).json();
  const tokens = `${base(member.organizationId)}/${appUser.user_id}/access-tokens`;
  for (const [value, message] of [
    [{ description: 'x'.repeat(1001) }, /at most 1000/],
    [{ description: 'x', max_age_seconds: 300 }, /600 seconds/],
    [{ description: 'x', max_age_seconds: 315360001 }, /315360000/],
    [{ description: 'x', extend_when_used: true }, /needs a max age/],
    [{ description: 'x', ip_allowlist: Array.from({ length: 101 }, (_, i) => `10.${i}.0.0/16`) }, /At most 100/],
    [{ description: 'x', scopes: Array.from({ length: 101 }, () => 'user') }, /At most 100 scopes/],
  ] as const) {
    const response = await request.post(tokens, { ...body(value), headers: jsonHeaders(admin) });
    expect(response.status(), JSON.stringify(value).slice(0, 60)).toBe(400);
    expect((await response.json()).message).toMatch(message);
  }
  const badUser = await request.post(base(member.organizationId), { ...body({ name: '' }), headers: jsonHeaders(admin) });
  expect(badUser.status()).toBe(400);
  expect((await (await request.get(tokens, { headers: auth(admin) })).json()).tokens).toEqual([]);
});

test('a member who is not a super admin gets 403; another organization 404', async ({ request, member }) => {
  const plain = await seedOrgMember(servers.main.database, member.organizationId);
  const token = await login(request, plain.email, plain.password);
  const response = await request.get(base(member.organizationId), { headers: auth(token) });
  expect(response.status()).toBe(403);
  const { seedMember } = await import('../support/seed');
  const other = await seedMember(servers.main.database);
  expect((await request.get(base(other.organizationId), { headers: auth(token) })).status()).toBe(404);
});

test('application tokens survive the policy, not the organization allowlist', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const appUser = await (await request.post(base(member.organizationId), { ...body({ name: 'CI', is_super_admin: true }), headers: jsonHeaders(admin) })).json();
  const { full_token } = await (
    await request.post(`${base(member.organizationId)}/${appUser.user_id}/access-tokens`, { ...body({ description: 'ci' }), headers: jsonHeaders(admin) })
  ).json();
  await setPolicy(servers.main.database, member.organizationId, {
    passwordAuthEnabled: false,
    oauthEnabled: false,
    samlEnabled: false,
    personalTokensMode: 'disabled',
    personalTokensRequireAllowedAuthMethod: true,
  });
  expect((await request.get('/v1/me', { headers: auth(full_token) })).status()).toBe(200);
  expect((await request.get('/v1/me', { headers: auth(admin) })).status()).toBe(403);
  await setAllowlist(servers.main.database, member.organizationId, ['192.0.2.0/24']);
  const refused = await request.get('/v1/me', { headers: auth(full_token) });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).message).toMatch(/not in the IP allowlist of organization/);
});
