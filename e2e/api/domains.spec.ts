import { domainToASCII } from 'node:url';
import type { APIRequestContext } from '@playwright/test';
import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import {
  makeDnsSlow,
  publishChallenge,
  registerDomain,
  seedIdentityProvider,
  serveHttpChallenge,
  uniqueDomain,
} from '../support/domains';
import { auditOf, seedMember, seedMemberAt, seedOrgMember, seedPersonalToken, setPolicy } from '../support/seed';

// /v1/organization/{org}/domains and .../authentication-methods/{id}/domains, per
// ../shared/reference/aiven-api.md "Domains". Verification asks the test DNS and web servers
// (e2e/support/verification-peers.ts) that the main server is configured with.

const db = servers.main.database;
const domainsOf = (org: string) => `/v1/organization/${org}/domains`;
const methodDomains = (org: string, method: string) => `/v1/organization/${org}/authentication-methods/${method}/domains`;
const json = (value: unknown) => ({ data: Buffer.from(JSON.stringify(value)) });
const headers = (token: string) => ({ ...auth(token), 'content-type': 'application/json' });
const TIME = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

type Wire = Record<string, unknown> & { domain_id: string; domain_name: string; challenge_token: string; challenge_record_value: string };

async function add(request: APIRequestContext, token: string, org: string, body: unknown) {
  return request.post(domainsOf(org), { ...json(body), headers: headers(token) });
}

async function addAndVerify(request: APIRequestContext, token: string, org: string, name: string): Promise<Wire> {
  const domain = (await (await add(request, token, org, { domain_name: name })).json()) as Wire;
  publishChallenge(name, [domain.challenge_record_value]);
  const verified = await (await request.post(`${domainsOf(org)}/${domain.domain_id}/verify`, { headers: auth(token) })).json();
  expect(verified.state).toBe('verified');
  return verified;
}

function expectErrorBody(body: unknown, status: number, message: RegExp) {
  expect(body).toEqual({
    message: expect.stringMatching(message),
    errors: [expect.objectContaining({ error_code: expect.any(String), message: expect.any(String), status })],
  });
}

test('add, list, get, change verification type and delete; the domain object of the reference', async ({ request, member }) => {
  const token = await login(request, member.email, member.password);
  const name = uniqueDomain();
  const created = await add(request, token, member.organizationId, { domain_name: name.toUpperCase() });
  expect(created.status()).toBe(200);
  const domain = await created.json();
  expect(domain).toEqual({
    // Upstream's fields.
    domain_id: expect.stringMatching(/^dom[0-9a-f]+$/),
    domain_name: name,
    organization_id: member.organizationId,
    state: 'unverified',
    verification_type: 'dns',
    challenge_token: expect.stringMatching(/^[0-9a-f]{32}$/),
    linked_authentication_method_ids: [],
    create_time: TIME,
    // Ours.
    verified_time: null,
    challenge_record_name: `_portcullis-challenge.${name}`,
    challenge_record_value: `token=${domain.challenge_token},expiry=never`,
    http_challenge_url: `https://${name}/.well-known/portcullis-challenge`,
    last_check_time: null,
    last_check_result: null,
  });

  expect(await (await request.get(domainsOf(member.organizationId), { headers: auth(token) })).json()).toEqual({ domains: [domain] });
  expect(await (await request.get(`${domainsOf(member.organizationId)}/${domain.domain_id}`, { headers: auth(token) })).json()).toEqual(domain);

  const patched = await request.patch(`${domainsOf(member.organizationId)}/${domain.domain_id}`, {
    ...json({ verification_type: 'http' }),
    headers: headers(token),
  });
  expect(patched.status()).toBe(200);
  expect(await patched.json()).toEqual({ ...domain, verification_type: 'http' });

  const deleted = await request.delete(`${domainsOf(member.organizationId)}/${domain.domain_id}`, { headers: auth(token) });
  expect(deleted.status()).toBe(200);
  expect(await deleted.json()).toEqual({ message: expect.stringContaining(name) });
  const gone = await request.get(`${domainsOf(member.organizationId)}/${domain.domain_id}`, { headers: auth(token) });
  expect(gone.status()).toBe(404);
  expectErrorBody(await gone.json(), 404, /not found/);

  for (const event of ['domain.created', 'domain.updated', 'domain.deleted']) {
    expect(await auditOf(db, { event, actorEmail: member.email })).toHaveLength(1);
  }
});

test('international names are stored in ASCII form; bad names and duplicates are refused with the error body', async ({ request, member }) => {
  const token = await login(request, member.email, member.password);
  const label = uniqueDomain('bücher').replace(/\.test$/, '');
  const idn = await add(request, token, member.organizationId, { domain_name: `${label}.例え.テスト` });
  expect(idn.status()).toBe(200);
  expect((await idn.json()).domain_name).toBe(`${domainToASCII(label)}.xn--r8jz45g.xn--zckzah`);
  expect((await idn.json()).domain_name).toMatch(/^xn--bcher-[0-9a-z-]+\.xn--r8jz45g\.xn--zckzah$/);

  const cases: [unknown, number, RegExp][] = [
    [{ domain_name: 'https://example.com/' }, 400, /domain name only/],
    [{ domain_name: 'no_underscores.example.com' }, 400, /Not a valid domain name/],
    [{ domain_name: '10.0.0.1' }, 400, /IP address/],
    [{ domain_name: 'localhost' }, 400, /full domain name/],
    [{}, 400, /domain_name/],
    [{ domain_name: 'example.com', verification_type: 'email' }, 400, /verification_type/],
    [{ domain_name: 'example.com', unknown_field: 1 }, 400, /unknown_field|Unrecognized/i],
  ];
  for (const [body, status, message] of cases) {
    const response = await add(request, token, member.organizationId, body);
    expect(response.status(), JSON.stringify(body)).toBe(status);
    expectErrorBody(await response.json(), status, message);
  }
  const notJson = await request.post(domainsOf(member.organizationId), { data: Buffer.from('{'), headers: headers(token) });
  expect(notJson.status()).toBe(400);

  const name = uniqueDomain();
  expect((await add(request, token, member.organizationId, { domain_name: name })).status()).toBe(200);
  const duplicate = await add(request, token, member.organizationId, { domain_name: `${name.toUpperCase()}.` });
  expect(duplicate.status()).toBe(409);
  expectErrorBody(await duplicate.json(), 409, /already exists/);

  const badPatch = await request.patch(`${domainsOf(member.organizationId)}/${(await idn.json()).domain_id}`, {
    ...json({ verification_type: 'carrier pigeon' }),
    headers: headers(token),
  });
  expect(badPatch.status()).toBe(400);
  expectErrorBody(await badPatch.json(), 400, /verification_type/);
});

test('verify says exactly what DNS answered, keeps the last check, and verifies when the record is right', async ({ request, member }) => {
  const token = await login(request, member.email, member.password);
  const org = member.organizationId;
  const verify = async (id: string) => {
    const response = await request.post(`${domainsOf(org)}/${id}/verify`, { headers: auth(token) });
    expect(response.status()).toBe(200);
    return response.json();
  };

  // NXDOMAIN: the name is not in DNS at all.
  const ghost = (await (await add(request, token, org, { domain_name: uniqueDomain('ghost') })).json()) as Wire;
  expect((await verify(ghost.domain_id)).last_check_result).toMatchObject({ status: 'nxdomain', message: expect.stringMatching(/does not exist/) });

  const name = uniqueDomain();
  const domain = (await (await add(request, token, org, { domain_name: name })).json()) as Wire;
  registerDomain(name);
  const missing = await verify(domain.domain_id);
  expect(missing).toMatchObject({ state: 'unverified', last_check_time: TIME });
  expect(missing.last_check_result).toEqual({
    status: 'no_txt_record',
    verification_type: 'dns',
    target: `_portcullis-challenge.${name}`,
    message: expect.stringMatching(/^No TXT record at _portcullis-challenge\./),
  });

  publishChallenge(name, ['token=not-ours,expiry=never', 'v=spf1 -all']);
  const wrong = await verify(domain.domain_id);
  expect(wrong.state).toBe('unverified');
  expect(wrong.last_check_result).toMatchObject({ status: 'mismatch' });
  expect([...wrong.last_check_result.records].sort()).toEqual(['token=not-ours,expiry=never', 'v=spf1 -all']);

  makeDnsSlow(name);
  const started = Date.now();
  const slow = await verify(domain.domain_id);
  expect(slow.last_check_result).toMatchObject({ status: 'timeout', message: expect.stringMatching(/timed out/) });
  expect(Date.now() - started).toBeLessThan(8000);

  publishChallenge(name, [domain.challenge_record_value]);
  const ok = await verify(domain.domain_id);
  expect(ok).toMatchObject({ state: 'verified', verified_time: TIME, last_check_result: { status: 'verified' } });
  // The last check stays with the domain.
  expect((await (await request.get(`${domainsOf(org)}/${domain.domain_id}`, { headers: auth(token) })).json()).last_check_result.status).toBe('verified');

  expect(await auditOf(db, { event: 'domain.verification_failed', actorEmail: member.email })).toHaveLength(4);
  expect(await auditOf(db, { event: 'domain.verified', actorEmail: member.email })).toHaveLength(1);
});

test('the HTTP alternative: a file at /.well-known/portcullis-challenge', async ({ request, member }) => {
  const token = await login(request, member.email, member.password);
  const name = uniqueDomain('web');
  const domain = (await (await add(request, token, member.organizationId, { domain_name: name, verification_type: 'http' })).json()) as Wire;
  const verify = async () => (await request.post(`${domainsOf(member.organizationId)}/${domain.domain_id}/verify`, { headers: auth(token) })).json();
  expect((await verify()).last_check_result).toMatchObject({ status: 'http_status', http_status: 404, verification_type: 'http' });
  serveHttpChallenge(name, 'token=wrong,expiry=never');
  expect((await verify()).last_check_result.status).toBe('mismatch');
  serveHttpChallenge(name, `${domain.challenge_record_value}\n`);
  expect(await verify()).toMatchObject({ state: 'verified', last_check_result: { status: 'verified', target: `https://${name}/.well-known/portcullis-challenge` } });
});

// The proxied server runs with the default OUTBOUND_ALLOW_PRIVATE (jwks) and the same challenge
// web server, on 127.0.0.1: an admin who points the HTTP check at a private address (here the
// tests-only base; in life a domain whose DNS names 10.x or 127.0.0.1) must not get the server to
// fetch from it. Before, the check reached it and the domain was verified.
test('the HTTP check follows OUTBOUND_ALLOW_PRIVATE: with the default it never reaches a loopback server', async ({ request }) => {
  const { url, database } = servers.proxied;
  const admin = await seedMember(database);
  const token = await login(request, admin.email, admin.password, url);
  const name = uniqueDomain('private');
  const created = await request.post(`${url}${domainsOf(admin.organizationId)}`, { ...json({ domain_name: name, verification_type: 'http' }), headers: headers(token) });
  expect(created.status()).toBe(200);
  const domain = (await created.json()) as Wire;
  serveHttpChallenge(name, `${domain.challenge_record_value}\n`);
  const verified = await request.post(`${url}${domainsOf(admin.organizationId)}/${domain.domain_id}/verify`, { headers: auth(token) });
  expect(verified.status()).toBe(200);
  const body = await verified.json();
  expect(body.state).toBe('unverified');
  expect(body.last_check_result).toMatchObject({
    status: 'address_refused',
    verification_type: 'http',
    detail: '127.0.0.1 is a loopback address; OUTBOUND_ALLOW_PRIVATE=jwks does not let the domain HTTP check reach private or loopback addresses',
  });
});

test('a domain verified by one organization cannot be verified by another: 409', async ({ request, member }) => {
  const other = await seedMember(db);
  const mine = await login(request, member.email, member.password);
  const theirs = await login(request, other.email, other.password);
  const name = uniqueDomain('shared');
  await addAndVerify(request, mine, member.organizationId, name);

  const second = (await (await add(request, theirs, other.organizationId, { domain_name: name })).json()) as Wire;
  publishChallenge(name, [second.challenge_record_value]);
  const refused = await request.post(`${domainsOf(other.organizationId)}/${second.domain_id}/verify`, { headers: auth(theirs) });
  expect(refused.status()).toBe(409);
  expectErrorBody(await refused.json(), 409, /verified by another organization/);
  expect((await (await request.get(`${domainsOf(other.organizationId)}/${second.domain_id}`, { headers: auth(theirs) })).json()).state).toBe(
    'unverified',
  );
  expect(await auditOf(db, { event: 'domain.verification_failed', actorEmail: other.email })).toHaveLength(1);
});

test('link a verified domain to identity providers, list and unlink; unverified and foreign ones are refused', async ({ request, member }) => {
  const token = await login(request, member.email, member.password);
  const org = member.organizationId;
  const okta = await seedIdentityProvider(db, org, 'Okta');
  const azure = await seedIdentityProvider(db, org, 'Azure');
  const stranger = await seedMember(db);
  const foreignIdp = await seedIdentityProvider(db, stranger.organizationId, 'Foreign');
  const verified = await addAndVerify(request, token, org, uniqueDomain());
  const unverified = (await (await add(request, token, org, { domain_name: uniqueDomain('pending') })).json()) as Wire;

  const put = (method: string, domainId: unknown) => request.put(methodDomains(org, method), { ...json({ domain_id: domainId }), headers: headers(token) });
  const linked = await put(okta.id, verified.domain_id);
  expect(linked.status()).toBe(200);
  expect(await linked.json()).toMatchObject({ domain_id: verified.domain_id, linked_authentication_method_ids: [okta.id] });
  expect((await put(okta.id, verified.domain_id)).status()).toBe(200);
  expect((await (await put(azure.id, verified.domain_id)).json()).linked_authentication_method_ids.sort()).toEqual([okta.id, azure.id].sort());

  const listed = await (await request.get(methodDomains(org, okta.id), { headers: auth(token) })).json();
  expect(listed).toEqual({ domains: [expect.objectContaining({ domain_id: verified.domain_id, state: 'verified' })] });

  const notVerified = await put(okta.id, unverified.domain_id);
  expect(notVerified.status()).toBe(409);
  expectErrorBody(await notVerified.json(), 409, /not verified/);
  const foreign = await put(foreignIdp.id, verified.domain_id);
  expect(foreign.status()).toBe(404);
  expectErrorBody(await foreign.json(), 404, /Authentication method .* not found/);
  expect((await put(okta.id, 'dom000000000')).status()).toBe(404);
  const badBody = await put(okta.id, 42);
  expect(badBody.status()).toBe(400);
  expectErrorBody(await badBody.json(), 400, /domain_id/);

  const unlinked = await request.delete(`${methodDomains(org, okta.id)}/${verified.domain_id}`, { headers: auth(token) });
  expect(unlinked.status()).toBe(200);
  expect(await unlinked.json()).toEqual({ message: expect.stringContaining('unlinked') });
  expect(await (await request.get(methodDomains(org, okta.id), { headers: auth(token) })).json()).toEqual({ domains: [] });
  const again = await request.delete(`${methodDomains(org, okta.id)}/${verified.domain_id}`, { headers: auth(token) });
  expect(again.status()).toBe(404);
  expectErrorBody(await again.json(), 404, /not linked/);

  // Removing the domain takes its remaining link with it.
  await request.delete(`${domainsOf(org)}/${verified.domain_id}`, { headers: auth(token) });
  expect(await (await request.get(methodDomains(org, azure.id), { headers: auth(token) })).json()).toEqual({ domains: [] });
  expect(await auditOf(db, { event: 'domain.linked', actorEmail: member.email })).toHaveLength(2);
  expect(await auditOf(db, { event: 'domain.unlinked', actorEmail: member.email })).toHaveLength(1);
});

// "Disabled for managed users" decides who may create personal tokens; none reaches the
// organization either way (seed 000). This test used to expect Bob's token (not managed) to be
// accepted on /v1/me under that mode.
test('verifying makes the people on the domain managed, "disabled for managed users" then refuses exactly them new personal tokens, removing releases them', async ({
  request,
  member,
}) => {
  const token = await login(request, member.email, member.password);
  const org = member.organizationId;
  const name = uniqueDomain();
  const alice = await seedMemberAt(db, org, `alice@${name}`, { proven: true });
  const bob = await seedMemberAt(db, org, `bob@eu.${name}`, { proven: true });
  const aliceToken = await seedPersonalToken(db, alice.userId);
  const bobToken = await seedPersonalToken(db, bob.userId);
  const managerOf = async (userId: string) => {
    const { users } = await (await request.get(`/v1/organization/${org}/user`, { headers: auth(token) })).json();
    return users.find((u: { user_id: string }) => u.user_id === userId).user_info.managing_organization_id;
  };
  const create = async (who: { email: string; password: string }) =>
    request.post('/v1/access_token', { data: { description: 'new' }, headers: auth(await login(request, who.email, who.password)) });

  const domain = await addAndVerify(request, token, org, name);
  expect(await managerOf(alice.userId)).toBe(org);
  expect(await managerOf(bob.userId)).toBeNull();

  await setPolicy(db, org, { personalTokensMode: 'disabled_for_managed' });
  const refused = await create(alice);
  expect(refused.status()).toBe(403);
  expect((await refused.json()).message).toBe(`Organization "${member.organizationName}" does not allow its managed users to create personal tokens`);
  expect((await create(bob)).status()).toBe(200);
  // Neither personal token reaches the organization, managed owner or not.
  for (const personal of [aliceToken, bobToken]) {
    const used = await request.get('/v1/me', { headers: auth(personal) });
    expect(used.status()).toBe(403);
    expect((await used.json()).message).toMatch(/^Organization ".*" does not accept personal tokens: only users it does not manage may create them/);
  }

  await request.delete(`${domainsOf(org)}/${domain.domain_id}`, { headers: auth(token) });
  expect(await managerOf(alice.userId)).toBeNull();
  expect((await create(alice)).status()).toBe(200);
  await setPolicy(db, org, { personalTokensMode: 'enabled' });
  expect((await request.get('/v1/me', { headers: auth(aliceToken) })).status()).toBe(200);
});

test('only super admins of the organization: 403 for members, 404 for others; 405 for other methods', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const domain = (await (await add(request, admin, member.organizationId, { domain_name: uniqueDomain() })).json()) as Wire;
  const idp = await seedIdentityProvider(db, member.organizationId);
  const colleague = await seedOrgMember(db, member.organizationId);
  const outsider = await seedMember(db);
  const org = member.organizationId;
  const routes: [string, string, unknown?][] = [
    ['GET', domainsOf(org)],
    ['POST', domainsOf(org), { domain_name: uniqueDomain() }],
    ['GET', `${domainsOf(org)}/${domain.domain_id}`],
    ['PATCH', `${domainsOf(org)}/${domain.domain_id}`, { verification_type: 'http' }],
    ['POST', `${domainsOf(org)}/${domain.domain_id}/verify`],
    ['DELETE', `${domainsOf(org)}/${domain.domain_id}`],
    ['GET', methodDomains(org, idp.id)],
    ['PUT', methodDomains(org, idp.id), { domain_id: domain.domain_id }],
    ['DELETE', `${methodDomains(org, idp.id)}/${domain.domain_id}`],
  ];
  for (const [who, status] of [
    [await login(request, colleague.email, colleague.password), 403],
    [await login(request, outsider.email, outsider.password), 404],
  ] as const) {
    for (const [method, url, body] of routes) {
      const response = await request.fetch(url, { method, headers: headers(who), ...(body ? json(body) : {}) });
      expect(response.status(), `${method} ${url}`).toBe(status);
      expectErrorBody(await response.json(), status, /./);
    }
  }
  expect((await request.get(`${domainsOf(org)}/${domain.domain_id}`, { headers: auth(admin) })).status()).toBe(200);
  expect((await request.get('/v1/organization/' + org + '/domains', { headers: {} })).status()).toBe(401);

  for (const [method, url] of [
    ['DELETE', domainsOf(org)],
    ['PUT', `${domainsOf(org)}/${domain.domain_id}`],
    ['GET', `${domainsOf(org)}/${domain.domain_id}/verify`],
    ['POST', methodDomains(org, idp.id)],
    ['GET', `${methodDomains(org, idp.id)}/${domain.domain_id}`],
  ] as const) {
    const response = await request.fetch(url, { method, headers: auth(admin) });
    expect(response.status(), `${method} ${url}`).toBe(405);
    expectErrorBody(await response.json(), 405, /not allowed/);
  }
});
