import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import { configureIdp, postToAcs, samlResponse, sessionFromSetCookie, startSignIn, TestIdp } from '../support/saml';
import { auditOf, seedIdentity, seedMember, setManagedBy, setPolicy, userByEmail } from '../support/seed';

// Deleting an organization must take with it what only it vouched for: sessions made through its
// identity providers (whoever they belong to) and the tokens of its application users. Before,
// both kept working after the organization was gone (the application user as a user of no
// organization, the SSO session under its holder's other organizations).

const db = servers.main.database;
let idp: TestIdp;
test.beforeAll(async () => {
  idp = await (await TestIdp.create()).start();
});
test.afterAll(async () => idp?.stop());

const json = (token: string) => ({ ...auth(token), 'content-type': 'application/json' });

test('deleting an organization ends the SSO sessions through its IdP and its application users’ tokens', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const created = await request.post('/v1/account', { headers: json(admin), data: { account_name: 'Short-lived' } });
  expect(created.status()).toBe(200);
  const { account_id: accountId, organization_id: organizationId } = (await created.json()).account;

  // Its identity provider, and a person of another organization linked to it earlier.
  const configured = await configureIdp(request, admin, accountId, idp);
  const outsider = await seedMember(db);
  // Whatever that organization's default for other organizations' identity providers is, it allows them here.
  await setPolicy(db, outsider.organizationId, { samlAllowExternal: true });
  await seedIdentity(db, outsider.userId, `saml:${configured.methodId}`, `idp-${outsider.email}`);
  const requestId = await startSignIn(request, configured);
  const acs = await postToAcs(request, configured, samlResponse(idp, configured, { nameId: `idp-${outsider.email}`, inResponseTo: requestId }));
  expect(acs.status(), await acs.text()).toBe(303);
  const ssoSession = sessionFromSetCookie(acs.headers()['set-cookie']);
  expect((await request.get('/v1/me', { headers: auth(ssoSession) })).status()).toBe(200);

  // Its application user, with a token.
  const appUser = await (await request.post(`/v1/organization/${organizationId}/application-users`, { headers: json(admin), data: { name: 'CI' } })).json();
  const appToken = (await (await request.post(`/v1/organization/${organizationId}/application-users/${appUser.user_id}/access-tokens`, { headers: json(admin), data: { description: 'deploys' } })).json()).full_token as string;
  expect((await request.get('/v1/me', { headers: auth(appToken) })).status()).toBe(200);

  const deleted = await request.delete(`/v1/account/${accountId}`, { headers: auth(admin) });
  expect(deleted.status()).toBe(200);

  for (const token of [ssoSession, appToken]) {
    const refused = await request.get('/v1/me', { headers: auth(token) });
    expect(refused.status()).toBe(401);
    expect((await refused.json()).message).toBe('Invalid token: it does not exist or has been revoked');
  }
  // The admin's own password session and the outsider's other ways in are untouched.
  expect((await request.get('/v1/me', { headers: auth(admin) })).status()).toBe(200);
  expect((await request.get('/v1/me', { headers: auth(await login(request, outsider.email, outsider.password)) })).status()).toBe(200);
  expect((await auditOf(db, { event: 'organization.deleted', actorEmail: member.email }))[0]!.details).toMatchObject({
    organization_id: organizationId,
    sessions_ended: 1,
    personal_tokens_revoked: 0,
    application_users_deleted: 1,
    application_tokens_revoked: 1,
  });
});

test('deleting an organization that manages users releases them: 200, and they sign in as before, unmanaged', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const created = await request.post('/v1/account', { headers: json(admin), data: { account_name: 'Managing, short-lived' } });
  expect(created.status()).toBe(200);
  const { account_id: accountId, organization_id: organizationId } = (await created.json()).account;
  // A person the organization manages (as a verified domain would make them), who also belongs elsewhere.
  const managed = await seedMember(db);
  await setManagedBy(db, managed.userId, organizationId);

  const deleted = await request.delete(`/v1/account/${accountId}`, { headers: auth(admin) });
  expect(deleted.status(), await deleted.text()).toBe(200);
  const me = await request.get('/v1/me', { headers: auth(await login(request, managed.email, managed.password)) });
  expect(me.status()).toBe(200);
  expect((await userByEmail(db, managed.email))!.managingOrganizationId).toBeNull();
  expect((await auditOf(db, { event: 'organization.deleted', actorEmail: member.email })).find((e) => e.details.organization_id === organizationId)!.details).toMatchObject({
    managed_users_released: 1,
  });
});
