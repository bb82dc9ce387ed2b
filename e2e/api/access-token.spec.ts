import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import { auditOf, insertTokens, tokensOf } from '../support/seed';
import { TOKEN_FIELDS } from '../support/wire';

// /v1/access_token and /v1/me/expire_tokens, sent as the official avn CLI sends them
// (../shared/reference/aiven-api.md, "observed"): Python's json.dumps spacing, application/json
// only with a body, application/octet-stream on bodyless requests.
const AVN_UA = 'aiven-client/4.16.0';
const json = (body: object) => ({ data: Buffer.from(JSON.stringify(body, null, 0).replace(/":/g, '": ').replace(/,"/g, ', "')) });
const avnHeaders = (token: string, withBody: boolean) => ({
  ...auth(token),
  'user-agent': AVN_UA,
  'content-type': withBody ? 'application/json' : 'application/octet-stream',
});


test('avn user access-token create: the token object with full_token, once', async ({ request, member }) => {
  const session = await login(request, member.email, member.password);
  const body = json({ description: 'deploys', extend_when_used: false, max_age_seconds: null });
  expect(body.data.toString()).toBe('{"description": "deploys", "extend_when_used": false, "max_age_seconds": null}');
  const response = await request.post('/v1/access_token', { ...body, headers: avnHeaders(session, true) });
  expect(response.status()).toBe(200);
  const created = await response.json();
  // avn's columns: expiry_time description max_age_seconds extend_when_used full_token
  for (const field of [...TOKEN_FIELDS, 'full_token']) expect(created, field).toHaveProperty(field);
  expect(created).toMatchObject({
    description: 'deploys',
    created_manually: true,
    currently_active: false,
    expiry_time: null,
    max_age_seconds: null,
    extend_when_used: false,
    ip_allowlist: [],
    scopes: [],
    full_token: expect.stringMatching(/^pcls_/),
  });
  expect(created.token_prefix).toBe(created.full_token.slice(0, 16));

  // The full token is never shown again, and never stored.
  const list = await (await request.get('/v1/access_token', { headers: avnHeaders(session, false) })).json();
  expect(JSON.stringify(list)).not.toContain(created.full_token);
  expect(JSON.stringify(await tokensOf(servers.main.database, member.userId))).not.toContain(created.full_token);
  expect(await auditOf(servers.main.database, { event: 'token.created', actorEmail: member.email })).toHaveLength(1);

  // It authenticates, and records where it was used.
  expect((await request.get('/v1/me', { headers: avnHeaders(created.full_token, false) })).status()).toBe(200);
  const used = (await (await request.get('/v1/access_token', { headers: auth(session) })).json()).tokens.find(
    (t: { token_prefix: string }) => t.token_prefix === created.token_prefix,
  );
  expect(used).toMatchObject({ last_ip: '127.0.0.1', last_user_agent: AVN_UA, last_user_agent_human_readable: 'aiven-client 4.16.0' });
  expect(Date.parse(used.last_used_time)).toBeGreaterThan(Date.now() - 60_000);
});

test('avn user access-token list: every token, with the current one marked', async ({ request, member }) => {
  const session = await login(request, member.email, member.password);
  const other = await login(request, member.email, member.password);
  const response = await request.get('/v1/access_token', { headers: avnHeaders(session, false) });
  expect(response.status()).toBe(200);
  const { tokens } = await response.json();
  expect(tokens).toHaveLength(2);
  for (const token of tokens) {
    // avn's columns: expiry_time token_prefix description max_age_seconds extend_when_used last_used_time last_ip last_user_agent
    for (const field of TOKEN_FIELDS) expect(token, field).toHaveProperty(field);
    expect(token).not.toHaveProperty('full_token');
    expect(token.created_manually).toBe(false);
  }
  const current = tokens.filter((t: { currently_active: boolean }) => t.currently_active);
  expect(current).toHaveLength(1);
  expect(current[0].token_prefix).toBe(session.slice(0, 16));
  expect(tokens.map((t: { token_prefix: string }) => t.token_prefix)).toContain(other.slice(0, 16));
});

test('avn user access-token update: a new description', async ({ request, member }) => {
  const session = await login(request, member.email, member.password);
  const prefix = session.slice(0, 16);
  const response = await request.put(`/v1/access_token/${prefix}`, { ...json({ description: 'laptop' }), headers: avnHeaders(session, true) });
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ token_prefix: prefix, description: 'laptop', currently_active: true });
  const [event] = await auditOf(servers.main.database, { event: 'token.updated', actorEmail: member.email });
  expect(event?.details).toMatchObject({ old: { description: 'API sign-in' }, new: { description: 'laptop' } });
});

test('avn user access-token revoke: by prefix or by full token; the next request fails', async ({ request, member }) => {
  const session = await login(request, member.email, member.password);
  const byPrefix = await login(request, member.email, member.password);
  const byFull = await login(request, member.email, member.password);

  const first = await request.delete(`/v1/access_token/${byPrefix.slice(0, 16)}`, { headers: avnHeaders(session, false) });
  expect(first.status()).toBe(200);
  expect(await first.json()).toEqual({ message: expect.any(String) });
  expect((await request.get('/v1/me', { headers: auth(byPrefix) })).status()).toBe(401);

  expect((await request.delete(`/v1/access_token/${byFull}`, { headers: avnHeaders(session, false) })).status()).toBe(200);
  expect((await request.get('/v1/me', { headers: auth(byFull) })).status()).toBe(401);

  // avn user logout: DELETE with its own full token signs itself out.
  expect((await request.delete(`/v1/access_token/${session}`, { headers: avnHeaders(session, false) })).status()).toBe(200);
  expect((await request.get('/v1/me', { headers: auth(session) })).status()).toBe(401);
  expect(await auditOf(servers.main.database, { event: 'token.revoked', actorEmail: member.email })).toHaveLength(3);
});

test('prefixes holding "/", "+" and "=" are matched once URL-decoded', async ({ request, member }) => {
  const session = await login(request, member.email, member.password);
  await insertTokens(servers.main.database, member.userId, ['ab/cd+ef=', 'ab%2Fcd']);
  const update = await request.put('/v1/access_token/ab%2Fcd%2Bef%3D', { ...json({ description: 'slashed' }), headers: auth(session) });
  expect(update.status()).toBe(200);
  expect((await update.json()).token_prefix).toBe('ab/cd+ef=');
  // Decoded exactly once: %252F names the prefix "ab%2Fcd", not "ab/cd".
  expect((await request.delete('/v1/access_token/ab%252Fcd', { headers: auth(session) })).status()).toBe(200);
  expect((await request.delete('/v1/access_token/ab%2Fcd%2Bef%3D', { headers: auth(session) })).status()).toBe(200);
  expect((await tokensOf(servers.main.database, member.userId)).map((t) => t.tokenPrefix)).toEqual([session.slice(0, 16)]);
  // Any character may arrive encoded: %5F is the "_" of the real prefix.
  const encoded = session.slice(0, 16).replace('_', '%5F');
  const renamed = await request.put(`/v1/access_token/${encoded}`, { ...json({ description: 'encoded' }), headers: auth(session) });
  expect(renamed.status()).toBe(200);
  expect((await renamed.json()).description).toBe('encoded');
});

test("another user's token is not found, by prefix or full token", async ({ request, member }) => {
  const session = await login(request, member.email, member.password);
  const { seedMember } = await import('../support/seed');
  const stranger = await seedMember(servers.main.database);
  const theirs = await login(request, stranger.email, stranger.password);
  for (const name of [theirs.slice(0, 16), theirs]) {
    const response = await request.delete(`/v1/access_token/${name}`, { headers: auth(session) });
    expect(response.status()).toBe(404);
    expect((await response.json()).message).toMatch(/not found/);
  }
  expect((await request.get('/v1/me', { headers: auth(theirs) })).status()).toBe(200);
});

test('limits: clear 400 errors, nothing created', async ({ request, member }) => {
  const session = await login(request, member.email, member.password);
  const cases: [object, RegExp][] = [
    [{}, /description/],
    [{ description: '' }, /Enter a description/],
    [{ description: 'x'.repeat(1001) }, /at most 1000/],
    [{ description: 'x', max_age_seconds: 599 }, /600 seconds/],
    [{ description: 'x', max_age_seconds: 315_360_001 }, /315360000 seconds/],
    [{ description: 'x', max_age_seconds: '600' }, /max_age_seconds must be a number/],
    [{ description: 'x', max_age_seconds: 600.5 }, /whole number/],
    [{ description: 'x', extend_when_used: 'yes' }, /extend_when_used must be true or false/],
    [{ description: 'x', extend_when_used: true, max_age_seconds: null }, /needs a max age/],
    [{ description: 'x', ip_allowlist: ['10.0.0.0/33'] }, /Not an IP address or CIDR range: 10.0.0.0\/33/],
    [{ description: 'x', ip_allowlist: '10.0.0.0/8' }, /ip_allowlist must be a list/],
    [{ description: 'x', ip_allowlist: Array.from({ length: 101 }, (_, i) => `10.0.${i}.0/24`) }, /At most 100/],
    [{ description: 'x', scopes: ['root'] }, /Unknown scope/],
    [{ description: 'x', max_age: 600 }, /Unrecognized key/],
  ];
  for (const [body, message] of cases) {
    const response = await request.post('/v1/access_token', { ...json(body), headers: auth(session) });
    expect(response.status(), JSON.stringify(body).slice(0, 80)).toBe(400);
    const error = await response.json();
    expect(error.message, JSON.stringify(body).slice(0, 80)).toMatch(message);
    expect(error.errors[0]).toMatchObject({ status: 400, error_code: 'bad_request' });
  }
  expect(await tokensOf(servers.main.database, member.userId)).toHaveLength(1);
  // PUT takes only a description.
  const put = await request.put(`/v1/access_token/${session.slice(0, 16)}`, { ...json({ description: ' ' }), headers: auth(session) });
  expect(put.status()).toBe(400);
});

test('a token works only from its own IP allowlist; its max age sets its expiry', async ({ request, member }) => {
  const session = await login(request, member.email, member.password);
  const create = (body: object) =>
    request.post('/v1/access_token', { ...json(body), headers: auth(session) }).then((r) => r.json());
  const elsewhere = await create({ description: 'office only', ip_allowlist: ['192.0.2.0/24', '2001:db8::/32'] });
  expect(elsewhere.ip_allowlist).toEqual(['192.0.2.0/24', '2001:db8::/32']);
  const denied = await request.get('/v1/me', { headers: auth(elsewhere.full_token) });
  expect(denied.status()).toBe(403);
  expect((await denied.json()).message).toBe("IP address 127.0.0.1 is not in this token's IP allowlist");
  // A forged X-Forwarded-For does not get around it.
  expect((await request.get('/v1/me', { headers: { ...auth(elsewhere.full_token), 'x-forwarded-for': '192.0.2.10' } })).status()).toBe(403);

  const here = await create({ description: 'loopback', ip_allowlist: ['127.0.0.1'], max_age_seconds: 3600, extend_when_used: true });
  expect(here.ip_allowlist).toEqual(['127.0.0.1/32']);
  expect(Date.parse(here.expiry_time) - Date.parse(here.create_time)).toBe(3600_000);
  expect((await request.get('/v1/me', { headers: auth(here.full_token) })).status()).toBe(200);
});

test('scopes limit what a token reaches', async ({ request, member }) => {
  const session = await login(request, member.email, member.password);
  const created = await (
    await request.post('/v1/access_token', { ...json({ description: 'read only', scopes: ['user:read'] }), headers: auth(session) })
  ).json();
  expect(created.scopes).toEqual(['user:read']);
  expect((await request.get('/v1/me', { headers: auth(created.full_token) })).status()).toBe(200);
  const write = await request.post('/v1/access_token', { ...json({ description: 'escalate' }), headers: auth(created.full_token) });
  expect(write.status()).toBe(403);
  expect((await write.json()).message).toMatch(/do not allow write access to user/);
  expect((await request.get('/v1/project', { headers: auth(created.full_token) })).status()).toBe(403);
});

test('avn user tokens-expire: every token of the caller stops working', async ({ request, member }) => {
  const session = await login(request, member.email, member.password);
  const other = await login(request, member.email, member.password);
  const response = await request.post('/v1/me/expire_tokens', { headers: avnHeaders(session, false) });
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ message: expect.stringContaining('expired') });
  for (const token of [session, other]) expect((await request.get('/v1/me', { headers: auth(token) })).status()).toBe(401);
  const fresh = await login(request, member.email, member.password);
  const { user } = await (await request.get('/v1/me', { headers: auth(fresh) })).json();
  expect(Date.parse(user.token_validity_begin)).toBeGreaterThan(Date.now() - 60_000);
});

test('a thousand tokens list in one response', async ({ request, member }) => {
  const session = await login(request, member.email, member.password);
  await insertTokens(servers.main.database, member.userId, Array.from({ length: 1000 }, (_, i) => `bulk${String(i).padStart(4, '0')}`));
  const { tokens } = await (await request.get('/v1/access_token', { headers: auth(session) })).json();
  expect(tokens).toHaveLength(1001);
});
