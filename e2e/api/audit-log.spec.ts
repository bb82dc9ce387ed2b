import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import { organizationByName, recordEvents, seedMember, seedOrgMember } from '../support/seed';

// GET /v1/account/{account_id}/events: upstream's account event list (the generated Go client's
// AccountEventList, {"events": [EventOut]}), with our filters and paging as extensions.

const db = servers.main.database;
const errorBody = (status: number, message: string) => ({
  message,
  errors: expect.arrayContaining([expect.objectContaining({ error_code: expect.any(String), message: expect.any(String), status })]),
});
const accountOf = async (name: string) => (await organizationByName(db, name))!.accountId;

test('lists the organization’s events, newest first, in upstream’s fields plus ours', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const bob = await seedOrgMember(db, member.organizationId);
  await request.post('/v1/userauth', { data: { email: bob.email, password: 'wrong' }, headers: { 'user-agent': 'aiven-client/4.16.0' } });
  const bobToken = await login(request, bob.email, bob.password);
  await request.patch(`/v1/organization/${member.organizationId}/user/${bob.userId}`, { data: { is_super_admin: true }, headers: auth(admin) });
  // Another organization's events stay there.
  const other = await seedMember(db);
  await login(request, other.email, other.password);

  const response = await request.get(`/v1/account/${await accountOf(member.organizationName)}/events`, { headers: auth(admin) });
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body).toMatchObject({ total: 4, limit: 100, offset: 0 });
  expect(body.events.map((e: { action_type: string }) => e.action_type)).toEqual([
    'member.updated',
    'auth.sign_in',
    'auth.sign_in_failed',
    'auth.sign_in',
  ]);
  const [change, , failed] = body.events;
  expect(change).toEqual({
    log_entry_id: expect.any(Number),
    create_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    account_id: await accountOf(member.organizationName),
    action_type: 'member.updated',
    action_description: `Made ${bob.email} super admin`,
    actor: member.email,
    actor_user_id: member.userId,
    team_id: null,
    organization_id: member.organizationId,
    actor_email: member.email,
    ip: '127.0.0.1',
    user_agent: expect.any(String),
    details: { user_id: bob.userId, user_email: bob.email, old: { is_super_admin: false }, new: { is_super_admin: true } },
  });
  expect(failed).toMatchObject({
    actor: bob.email,
    user_agent: 'aiven-client/4.16.0',
    action_description: 'Sign-in with password failed: wrong email or password',
  });

  // bob is a super admin now, and reads the same log.
  expect((await request.get(`/v1/account/${await accountOf(member.organizationName)}/events`, { headers: auth(bobToken) })).status()).toBe(200);
});

test('filters by person, event and time, and pages with limit and offset', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const events = Array.from({ length: 30 }, (_, i) => ({
    time: `2026-01-01T10:${String(i).padStart(2, '0')}:00Z`,
    event: (i % 3 === 0 ? 'auth.sign_in_failed' : 'auth.sign_in') as 'auth.sign_in',
    actorEmail: i % 2 === 0 ? 'even@example.test' : 'odd@example.test',
    details: { n: i },
  }));
  await recordEvents(db, member.organizationId, events);
  const get = async (query: string) => {
    const response = await request.get(`/v1/account/${await accountOf(member.organizationName)}/events?${query}`, { headers: auth(admin) });
    expect(response.status(), query).toBe(200);
    return (await response.json()) as { events: { details: { n: number } }[]; total: number };
  };
  const ns = (page: { events: { details: { n: number } }[] }) => page.events.map((e) => e.details.n);

  const seeded = 'from=2026-01-01&to=2026-01-01';
  expect((await get(seeded)).total).toBe(30);
  expect(ns(await get(`${seeded}&limit=5`))).toEqual([29, 28, 27, 26, 25]);
  expect(ns(await get(`${seeded}&limit=5&offset=25`))).toEqual([4, 3, 2, 1, 0]);
  expect(ns(await get(`${seeded}&actor=ODD&event=auth.sign_in_failed`))).toEqual([27, 21, 15, 9, 3]);
  expect(ns(await get('from=2026-01-01T10:10&to=2026-01-01T10:12'))).toEqual([12, 11, 10]);
  expect(ns(await get('from=2026-01-01T11:10:00%2B01:00&to=2026-01-01T10:10:59Z'))).toEqual([10]);
  expect((await get('actor=nobody')).events).toEqual([]);
});

test('400 for a bad filter, 403 for a member who is not a super admin, 404 for another account', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const account = await accountOf(member.organizationName);
  const cases: [string, string][] = [
    ['limit=0', 'limit: limit must be at least 1'],
    ['limit=5000', 'limit: limit must be at most 1000'],
    ['offset=-3', 'offset: offset must be 0 or more'],
    ['from=yesterday', 'from: Not a date or time: yesterday (use 2026-03-01 or 2026-03-01T12:30)'],
    ['from=2026-02-01&to=2026-01-01', 'to: The end of the time range is before its start'],
    ['event=%27%3B%20drop', 'event: Not an event name'],
  ];
  for (const [query, message] of cases) {
    const response = await request.get(`/v1/account/${account}/events?${query}`, { headers: auth(admin) });
    expect(response.status(), query).toBe(400);
    expect(await response.json()).toEqual(errorBody(400, message));
  }

  const bob = await seedOrgMember(db, member.organizationId);
  const bobToken = await login(request, bob.email, bob.password);
  const forbidden = await request.get(`/v1/account/${account}/events`, { headers: auth(bobToken) });
  expect(forbidden.status()).toBe(403);
  expect(await forbidden.json()).toEqual(errorBody(403, 'Only super admins of this organization may do this'));

  const other = await seedMember(db);
  const otherAccount = await accountOf(other.organizationName);
  const foreign = await request.get(`/v1/account/${otherAccount}/events`, { headers: auth(admin) });
  expect(foreign.status()).toBe(404);
  expect(await foreign.json()).toEqual(errorBody(404, `Account ${otherAccount} not found`));

  const post = await request.post(`/v1/account/${account}/events`, { headers: auth(admin) });
  expect(post.status()).toBe(405);
  expect((await request.get('/v1/account/x/events', { headers: {} })).status()).toBe(401);
});

test('a token scoped to "user" cannot read the organization’s log', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const created = await (await request.post('/v1/access_token', { data: { description: 'me only', scopes: ['user'] }, headers: auth(admin) })).json();
  const response = await request.get(`/v1/account/${await accountOf(member.organizationName)}/events`, { headers: auth(created.full_token) });
  expect(response.status()).toBe(403);
  const readOnly = await (
    await request.post('/v1/access_token', { data: { description: 'org read', scopes: ['organizations:read'] }, headers: auth(admin) })
  ).json();
  expect((await request.get(`/v1/account/${await accountOf(member.organizationName)}/events`, { headers: auth(readOnly.full_token) })).status()).toBe(200);
});

test('an export follows next_cursor page by page, unmoved by events added meanwhile; a bad cursor is a 400', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const account = await accountOf(member.organizationName);
  // 23 events, several in the same second, so the order needs the id as well as the time.
  await recordEvents(
    db,
    member.organizationId,
    Array.from({ length: 23 }, (_, i) => ({
      time: `2026-01-02T10:00:${String(i >> 2).padStart(2, '0')}Z`,
      event: 'auth.sign_in' as const,
      actorEmail: 'paged@example.test',
      details: { n: i },
    })),
  );
  const query = 'actor=paged@example.test&limit=10';
  const seen: number[] = [];
  let url = `/v1/account/${account}/events?${query}`;
  for (let round = 0; round < 5; round++) {
    const response = await request.get(url, { headers: auth(admin) });
    expect(response.status(), url).toBe(200);
    const body = (await response.json()) as { events: { details: { n: number } }[]; total: number; limit: number; offset: number; next_cursor: string | null };
    // The fields callers without a cursor had stay as they were.
    expect(body).toMatchObject({ total: 23 + round, limit: 10, offset: 0 });
    seen.push(...body.events.map((e) => e.details.n));
    if (!body.next_cursor) break;
    // A newer event arrives between two pages (in the same filter): it does not shift the next page.
    await recordEvents(db, member.organizationId, [{ time: '2026-01-03T00:00:00Z', event: 'auth.sign_in', actorEmail: 'paged@example.test', details: { n: 100 + round } }]);
    url = `/v1/account/${account}/events?${query}&cursor=${encodeURIComponent(body.next_cursor)}`;
  }
  expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => 22 - i));

  for (const cursor of ['garbage!', Buffer.from('{"t":"2026","i":1}').toString('base64url')]) {
    const bad = await request.get(`/v1/account/${account}/events?cursor=${encodeURIComponent(cursor)}`, { headers: auth(admin) });
    expect(bad.status()).toBe(400);
    expect(await bad.json()).toEqual(errorBody(400, 'cursor: Not a cursor of this log (pass back next_cursor as it was sent)'));
  }
  const both = await request.get(`/v1/account/${account}/events?offset=10&cursor=${Buffer.from('{"t":"2026-01-01T00:00:00Z","i":1}').toString('base64url')}`, { headers: auth(admin) });
  expect(both.status()).toBe(400);
  expect(await both.json()).toEqual(errorBody(400, 'offset: Use either cursor or offset, not both'));
});

test('the console’s download takes no API token: a leaked token gets no export, only the sign-in page', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const response = await request.get('/admin/audit-log/export?format=csv', { headers: auth(admin), maxRedirects: 0 });
  expect(response.status(), await response.text()).toBeGreaterThanOrEqual(300);
  expect(response.status()).toBeLessThan(400);
  expect(response.headers()['location']).toMatch(/\/signin/);
  expect(response.headers()['content-type'] ?? '').not.toContain('text/csv');
});
