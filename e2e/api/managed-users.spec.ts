import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import { addMembership, seedMember, seedOrgMember, setManagedBy, setPolicy } from '../support/seed';

const db = servers.main.database;

// "Disabled for managed users" (seed 000: "Only non-managed users can create tokens (they still
// can't use them to access your organization)"). This test used to let the non-managed member's
// personal token into the organization (GET /v1/me answered 200); it is refused now, and works
// only on the resources of the member's other organization.
test('a managed member: shown as such; "disabled for managed users": managed members cannot create personal tokens, others can, and no personal token reaches the organization', async ({
  request,
  member,
}) => {
  const admin = await login(request, member.email, member.password);
  const org = member.organizationId;
  const managed = await seedOrgMember(db, org);
  const free = await seedOrgMember(db, org);
  await setManagedBy(db, managed.userId, org);
  // The non-managed member also belongs to another organization, which takes personal tokens.
  const elsewhere = await seedMember(db);
  await addMembership(db, elsewhere.organizationId, free.userId);

  const { users } = await (await request.get(`/v1/organization/${org}/user`, { headers: auth(admin) })).json();
  const byId = (id: string) => users.find((u: { user_id: string }) => u.user_id === id).user_info;
  expect(byId(managed.userId).managing_organization_id).toBe(org);
  expect(byId(free.userId).managing_organization_id).toBeNull();

  const tokenOf = async (who: { email: string; password: string }) => {
    const session = await login(request, who.email, who.password);
    const created = await request.post('/v1/access_token', { data: { description: 'mine' }, headers: auth(session) });
    return { session, created };
  };
  const managedBefore = await tokenOf(managed);
  expect(managedBefore.created.status()).toBe(200);
  const managedToken = (await managedBefore.created.json()).full_token;

  await setPolicy(db, org, { personalTokensMode: 'disabled_for_managed' });
  const refusal = `Organization "${member.organizationName}" does not accept personal tokens: only users it does not manage may create them, for use with other organizations; use an application user`;
  const refused = { message: refusal, errors: [{ error_code: 'forbidden', message: refusal, status: 403 }] };

  // The managed member can neither use nor create personal tokens...
  for (const url of [`/v1/organization/${org}`, '/v1/me']) {
    const used = await request.get(url, { headers: auth(managedToken) });
    expect(used.status(), url).toBe(403);
    expect(await used.json()).toEqual(refused);
  }
  const again = await request.post('/v1/access_token', { data: { description: 'again' }, headers: auth(managedBefore.session) });
  expect(again.status()).toBe(403);
  expect((await again.json()).message).toBe(`Organization "${member.organizationName}" does not allow its managed users to create personal tokens`);

  // ...the member it does not manage may create one, for use elsewhere...
  const freeTokens = await tokenOf(free);
  expect(freeTokens.created.status()).toBe(200);
  const freeToken = (await freeTokens.created.json()).full_token;
  const other = await request.get(`/v1/organization/${elsewhere.organizationId}`, { headers: auth(freeToken) });
  expect(other.status()).toBe(200);
  expect((await other.json()).organization_id).toBe(elsewhere.organizationId);

  // ...but it reaches none of this organization's resources: the organization itself, its
  // members, and the member's own resources, which answer to every organization of theirs.
  for (const url of [`/v1/organization/${org}`, `/v1/organization/${org}/user`, '/v1/me']) {
    const used = await request.get(url, { headers: auth(freeToken) });
    expect(used.status(), url).toBe(403);
    expect(await used.json()).toEqual(refused);
  }
  // Their login session is no personal token: it still works here.
  expect((await request.get(`/v1/organization/${org}`, { headers: auth(freeTokens.session) })).status()).toBe(200);

  // Back to "enabled": the same tokens work again (nothing was revoked).
  await setPolicy(db, org, { personalTokensMode: 'enabled' });
  expect((await request.get(`/v1/organization/${org}`, { headers: auth(freeToken) })).status()).toBe(200);
  expect((await request.get('/v1/me', { headers: auth(managedToken) })).status()).toBe(200);
});
