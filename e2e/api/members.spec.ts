import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import {
  addMembership,
  auditOf,
  confirmTotp,
  insertTokens,
  markApplicationUser,
  membershipOf,
  seedMember,
  seedOrgMember,
  tokensOf,
  userByEmail,
} from '../support/seed';
import { TOKEN_FIELDS } from '../support/wire';

// /v1/organization/{organization_id}/user/... as ../shared/reference/aiven-api.md and upstream's
// generated Go client describe them, for super admins of the organization only.

const db = servers.main.database;
const errorBody = (status: number, message: string | RegExp) => ({
  message: typeof message === 'string' ? message : expect.stringMatching(message),
  errors: expect.arrayContaining([expect.objectContaining({ error_code: expect.any(String), message: expect.any(String), status })]),
});

test('GET .../user lists the members in upstream’s shape, application users unless left out', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const bob = await seedOrgMember(db, member.organizationId, { realName: 'Bob Builder' });
  const robot = await seedOrgMember(db, member.organizationId);
  await markApplicationUser(db, robot.userId);
  // bob signs in once: his last activity is recorded. Then he sets up an authenticator.
  await request.get('/v1/me', { headers: auth(await login(request, bob.email, bob.password)) });
  await confirmTotp(db, bob.userId);

  const response = await request.get(`/v1/organization/${member.organizationId}/user`, { headers: auth(admin) });
  expect(response.status()).toBe(200);
  const { users } = await response.json();
  expect(users.map((u: { user_info: { user_email: string } }) => u.user_info.user_email)).toEqual(
    [member.email, bob.email, robot.email].sort(),
  );
  const bobWire = users.find((u: { user_id: string }) => u.user_id === bob.userId);
  expect(bobWire).toEqual({
    user_id: bob.userId,
    is_super_admin: false,
    join_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    last_activity_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    user_info: {
      user_email: bob.email,
      real_name: 'Bob Builder',
      state: 'active',
      is_application_user: false,
      managed_by_scim: false,
      managing_organization_id: null,
      create_time: expect.any(String),
    },
    two_factor_enabled: true,
    // Seeded members stand for people who proved their addresses (e2e/support/seed.ts).
    email_verified: true,
  });
  expect(Date.parse(bobWire.last_activity_time)).toBeGreaterThan(Date.now() - 60_000);
  expect(users.find((u: { user_id: string }) => u.user_id === member.userId)).toMatchObject({ is_super_admin: true });
  expect(users.find((u: { user_id: string }) => u.user_id === robot.userId).user_info.is_application_user).toBe(true);

  // The Go client appends ?limit=999: unknown parameters are ignored.
  const humans = await request.get(`/v1/organization/${member.organizationId}/user?include_application_users=false&limit=999`, {
    headers: auth(admin),
  });
  expect((await humans.json()).users.map((u: { user_id: string }) => u.user_id).sort()).toEqual([member.userId, bob.userId].sort());

  const bad = await request.get(`/v1/organization/${member.organizationId}/user?include_application_users=maybe`, { headers: auth(admin) });
  expect(bad.status()).toBe(400);
  expect(await bad.json()).toEqual(errorBody(400, 'include_application_users: include_application_users must be true or false'));
});

test('GET .../user/{user_id}: the member, not wrapped; 404 outside the organization', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const bob = await seedOrgMember(db, member.organizationId);
  const stranger = await seedMember(db);

  const response = await request.get(`/v1/organization/${member.organizationId}/user/${bob.userId}`, { headers: auth(admin) });
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ user_id: bob.userId, is_super_admin: false, user_info: { user_email: bob.email, state: 'active' } });

  // A user of another organization is not found here ...
  const other = await request.get(`/v1/organization/${member.organizationId}/user/${stranger.userId}`, { headers: auth(admin) });
  expect(other.status()).toBe(404);
  expect(await other.json()).toEqual(errorBody(404, `User ${stranger.userId} is not a member of this organization`));
  // ... and another organization is not found at all, for every route.
  for (const path of ['user', `user/${stranger.userId}`, `user/${stranger.userId}/access-tokens`, `user/${stranger.userId}/authentication_methods`]) {
    const foreign = await request.get(`/v1/organization/${stranger.organizationId}/${path}`, { headers: auth(admin) });
    expect(foreign.status(), path).toBe(404);
    expect(await foreign.json()).toEqual(errorBody(404, `Organization ${stranger.organizationId} not found`));
  }
  const patch = await request.patch(`/v1/organization/${stranger.organizationId}/user/${stranger.userId}`, {
    data: { state: 'deactivated' },
    headers: auth(admin),
  });
  expect(patch.status()).toBe(404);
  expect((await userByEmail(db, stranger.email))?.state).toBe('active');
});

test('every route is 403 for a member who is not a super admin', async ({ request, member }) => {
  const bob = await seedOrgMember(db, member.organizationId);
  const token = await login(request, bob.email, bob.password);
  const base = `/v1/organization/${member.organizationId}/user`;
  const calls: [string, string, object?][] = [
    ['GET', base],
    ['GET', `${base}/${member.userId}`],
    ['PATCH', `${base}/${member.userId}`, { is_super_admin: false }],
    ['PATCH', `${base}/${bob.userId}`, { is_super_admin: true }],
    ['DELETE', `${base}/${member.userId}`],
    ['GET', `${base}/${member.userId}/access-tokens`],
    ['DELETE', `${base}/${member.userId}/access-token/pcls_abcdefghijk`],
    ['GET', `${base}/${member.userId}/authentication_methods`],
  ];
  for (const [method, url, data] of calls) {
    const response = await request.fetch(url, { method, headers: auth(token), data });
    expect(response.status(), `${method} ${url}`).toBe(403);
    expect(await response.json()).toEqual(errorBody(403, 'Only super admins of this organization may do this'));
  }
  expect((await membershipOf(db, member.organizationId, member.userId))?.isSuperAdmin).toBe(true);
  expect((await membershipOf(db, member.organizationId, bob.userId))?.isSuperAdmin).toBe(false);
});

test('PATCH .../user/{user_id}: super admin, deactivate (their next request is refused), reactivate, name', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const bob = await seedOrgMember(db, member.organizationId);
  const bobToken = await login(request, bob.email, bob.password);
  const url = `/v1/organization/${member.organizationId}/user/${bob.userId}`;
  const patch = (data: object) => request.patch(url, { data, headers: auth(admin) });

  const promoted = await patch({ is_super_admin: true });
  expect(promoted.status()).toBe(200);
  expect(await promoted.json()).toMatchObject({ user_id: bob.userId, is_super_admin: true });

  const deactivated = await patch({ state: 'deactivated', is_super_admin: false });
  expect(await deactivated.json()).toMatchObject({ is_super_admin: false, user_info: { state: 'deactivated' } });
  const refused = await request.get('/v1/me', { headers: auth(bobToken) });
  expect(refused.status()).toBe(403);
  expect(await refused.json()).toEqual(errorBody(403, 'This user account is deactivated'));
  expect((await request.post('/v1/userauth', { data: { email: bob.email, password: bob.password } })).status()).toBe(403);

  expect(await (await patch({ state: 'active', real_name: 'Robert' })).json()).toMatchObject({
    user_info: { state: 'active', real_name: 'Robert' },
  });
  expect((await request.get('/v1/me', { headers: auth(bobToken) })).status()).toBe(200);

  const events = (await auditOf(db, { event: 'member.updated', actorEmail: member.email })).reverse();
  expect(events.map((e) => e.details)).toEqual([
    { user_id: bob.userId, user_email: bob.email, old: { is_super_admin: false }, new: { is_super_admin: true } },
    { user_id: bob.userId, user_email: bob.email, old: { is_super_admin: true, state: 'active' }, new: { is_super_admin: false, state: 'deactivated' } },
    { user_id: bob.userId, user_email: bob.email, old: { state: 'deactivated', real_name: '' }, new: { state: 'active', real_name: 'Robert' } },
  ]);
  expect(events[0]).toMatchObject({ organizationId: member.organizationId, ip: '127.0.0.1' });
});

test('PATCH refuses bad input with 400 bodies, and a member of other organizations with 409', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const bob = await seedOrgMember(db, member.organizationId);
  const url = `/v1/organization/${member.organizationId}/user/${bob.userId}`;
  const cases: [string, string][] = [
    ['{"state": "deleted"}', 'state: state must be "active" or "deactivated" (remove a member with DELETE)'],
    ['{"is_super_admin": "true"}', 'is_super_admin: is_super_admin must be true or false'],
    [JSON.stringify({ real_name: 'x'.repeat(300) }), 'real_name: Use at most 256 characters'],
    ['{"job_title": "CTO"}', 'Unrecognized key: "job_title"'],
    ['{"state": ', 'Request body is not valid JSON'],
    ['[]', 'Invalid input: expected object, received array'],
  ];
  for (const [body, message] of cases) {
    const response = await request.patch(url, { data: Buffer.from(body), headers: { ...auth(admin), 'content-type': 'application/json' } });
    expect(response.status(), body).toBe(400);
    const error = await response.json();
    expect(error.message, body).toBe(message);
    expect(error.errors[0]).toMatchObject({ error_code: 'bad_request', status: 400 });
  }
  expect((await userByEmail(db, bob.email))?.state).toBe('active');

  // bob also belongs to another organization: his account is not this organization's alone.
  const elsewhere = await seedMember(db);
  await addMembership(db, elsewhere.organizationId, bob.userId);
  const conflict = await request.patch(url, { data: { state: 'deactivated' }, headers: auth(admin) });
  expect(conflict.status()).toBe(409);
  expect(await conflict.json()).toEqual(errorBody(409, new RegExp(`^${bob.email.replace(/\./g, '\\.')} also belongs to other organizations`)));
  expect((await userByEmail(db, bob.email))?.state).toBe('active');
});

test('the last super admin cannot be demoted, deactivated or removed', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const url = `/v1/organization/${member.organizationId}/user/${member.userId}`;
  const last = (change: string) =>
    errorBody(409, `${member.email} is the last active super admin of this organization and cannot be ${change}: make another member super admin first`);
  const demote = await request.patch(url, { data: { is_super_admin: false }, headers: auth(admin) });
  expect(demote.status()).toBe(409);
  expect(await demote.json()).toEqual(last('demoted'));
  expect(await (await request.patch(url, { data: { state: 'deactivated' }, headers: auth(admin) })).json()).toEqual(last('deactivated'));
  const remove = await request.delete(url, { headers: auth(admin) });
  expect(remove.status()).toBe(409);
  expect(await remove.json()).toEqual(last('removed'));
  expect((await membershipOf(db, member.organizationId, member.userId))?.isSuperAdmin).toBe(true);

  // With a second super admin, the first may step down.
  const second = await seedOrgMember(db, member.organizationId, { isSuperAdmin: true });
  expect((await request.patch(url, { data: { is_super_admin: false }, headers: auth(admin) })).status()).toBe(200);
  const secondToken = await login(request, second.email, second.password);
  const self = await request.delete(`/v1/organization/${member.organizationId}/user/${second.userId}`, { headers: auth(secondToken) });
  expect(await self.json()).toEqual(errorBody(409, new RegExp('is the last active super admin')));
});

test('DELETE .../user/{user_id} removes the membership only', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const bob = await seedOrgMember(db, member.organizationId);
  const bobToken = await login(request, bob.email, bob.password);
  const elsewhere = await seedMember(db);
  await addMembership(db, elsewhere.organizationId, bob.userId, true);

  const response = await request.delete(`/v1/organization/${member.organizationId}/user/${bob.userId}`, { headers: auth(admin) });
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ message: `${bob.email} removed from the organization` });
  expect(await membershipOf(db, member.organizationId, bob.userId)).toBeUndefined();
  expect((await membershipOf(db, elsewhere.organizationId, bob.userId))?.isSuperAdmin).toBe(true);
  // bob's token still works for himself and his other organization, not for this one.
  expect((await request.get('/v1/me', { headers: auth(bobToken) })).status()).toBe(200);
  expect((await request.get(`/v1/organization/${elsewhere.organizationId}/user`, { headers: auth(bobToken) })).status()).toBe(200);
  expect((await request.get(`/v1/organization/${member.organizationId}/user`, { headers: auth(bobToken) })).status()).toBe(404);
  expect((await auditOf(db, { event: 'member.removed', actorEmail: member.email }))[0]?.details).toEqual({
    user_id: bob.userId,
    user_email: bob.email,
    was_super_admin: false,
  });
  // Gone is gone.
  expect((await request.delete(`/v1/organization/${member.organizationId}/user/${bob.userId}`, { headers: auth(admin) })).status()).toBe(404);
});

test('a member’s tokens: listed as token objects, revoked by prefix decoded once', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const bob = await seedOrgMember(db, member.organizationId);
  const bobToken = await login(request, bob.email, bob.password);
  await insertTokens(db, bob.userId, ['ab/cd+ef=', 'ab%2Fcd']);
  const base = `/v1/organization/${member.organizationId}/user/${bob.userId}`;

  const list = await request.get(`${base}/access-tokens`, { headers: auth(admin) });
  expect(list.status()).toBe(200);
  const { tokens } = await list.json();
  expect(tokens.map((t: { token_prefix: string }) => t.token_prefix).sort()).toEqual([bobToken.slice(0, 16), 'ab%2Fcd', 'ab/cd+ef='].sort());
  for (const token of tokens) {
    for (const field of TOKEN_FIELDS) expect(token, field).toHaveProperty(field);
    expect(token).not.toHaveProperty('full_token');
    expect(JSON.stringify(token)).not.toMatch(/hash/i);
    expect(token.currently_active).toBe(false);
  }

  expect((await request.delete(`${base}/access-token/ab%2Fcd%2Bef%3D`, { headers: auth(admin) })).status()).toBe(200);
  // %252F names the prefix "ab%2Fcd", not "ab/cd".
  expect((await request.delete(`${base}/access-token/ab%252Fcd`, { headers: auth(admin) })).status()).toBe(200);
  const session = await request.delete(`${base}/access-token/${bobToken.slice(0, 16)}`, { headers: auth(admin) });
  expect(await session.json()).toEqual({ message: `Token ${bobToken.slice(0, 16)} revoked` });
  expect(await tokensOf(db, bob.userId)).toEqual([]);
  expect((await request.get('/v1/me', { headers: auth(bobToken) })).status()).toBe(401);

  const missing = await request.delete(`${base}/access-token/${admin.slice(0, 16)}`, { headers: auth(admin) });
  expect(missing.status()).toBe(404);
  expect(await missing.json()).toEqual(errorBody(404, `Token ${admin.slice(0, 16)} of ${bob.email} not found`));
  expect((await request.get('/v1/me', { headers: auth(admin) })).status()).toBe(200);
  expect((await auditOf(db, { event: 'member.token_revoked', actorEmail: member.email })).map((e) => e.details.token_prefix).sort()).toEqual(
    [bobToken.slice(0, 16), 'ab%2Fcd', 'ab/cd+ef='].sort(),
  );
});

test('GET .../authentication_methods: the password, with 2FA', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const bob = await seedOrgMember(db, member.organizationId);
  await confirmTotp(db, bob.userId);
  const response = await request.get(`/v1/organization/${member.organizationId}/user/${bob.userId}/authentication_methods`, {
    headers: auth(admin),
  });
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({
    authentication_methods: [
      {
        type: 'internal',
        name: 'Password',
        is_enabled_2fa: true,
        last_used_time: null,
        method_id: null,
        local_provider_id: null,
        remote_provider_id: bob.email,
        organization_id: member.organizationId,
        user_email: bob.email,
        user_id: bob.userId,
      },
    ],
  });
});

test('other methods answer 405 with the error body', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const base = `/v1/organization/${member.organizationId}/user`;
  for (const [method, url, allow] of [
    ['POST', base, 'GET'],
    ['PUT', `${base}/${member.userId}`, 'GET, PATCH, DELETE'],
    ['POST', `${base}/${member.userId}/access-tokens`, 'GET'],
    ['GET', `${base}/${member.userId}/access-token/pcls_abc`, 'DELETE'],
    ['DELETE', `${base}/${member.userId}/authentication_methods`, 'GET'],
  ] as const) {
    const response = await request.fetch(url, { method, headers: auth(admin) });
    expect(response.status(), `${method} ${url}`).toBe(405);
    expect(response.headers().allow).toBe(allow);
    expect(await response.json()).toEqual(errorBody(405, new RegExp(`^${method} is not allowed here`)));
  }
});
