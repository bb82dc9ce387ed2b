import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import { seedOrgMember, setManagedBy, setPolicy } from '../support/seed';

const db = servers.main.database;

test('a managed member: shown as such, and "disabled for managed users" refuses their personal tokens only', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const managed = await seedOrgMember(db, member.organizationId);
  const free = await seedOrgMember(db, member.organizationId);
  setManagedBy(db, managed.userId, member.organizationId);

  const { users } = await (await request.get(`/v1/organization/${member.organizationId}/user`, { headers: auth(admin) })).json();
  const byId = (id: string) => users.find((u: { user_id: string }) => u.user_id === id).user_info;
  expect(byId(managed.userId).managing_organization_id).toBe(member.organizationId);
  expect(byId(free.userId).managing_organization_id).toBeNull();

  const tokenOf = async (who: { email: string; password: string }) => {
    const session = await login(request, who.email, who.password);
    const created = await request.post('/v1/access_token', { data: { description: 'mine' }, headers: auth(session) });
    return { session, created };
  };
  const managedBefore = await tokenOf(managed);
  expect(managedBefore.created.status()).toBe(200);
  const managedToken = (await managedBefore.created.json()).full_token;

  setPolicy(db, member.organizationId, { personalTokensMode: 'disabled_for_managed' });
  // The managed member can neither use nor create personal tokens here...
  const used = await request.get('/v1/me', { headers: auth(managedToken) });
  expect(used.status()).toBe(403);
  expect((await used.json()).message).toMatch(/personal tokens of its managed users/);
  const again = await request.post('/v1/access_token', { data: { description: 'again' }, headers: auth(managedBefore.session) });
  expect(again.status()).toBe(403);
  expect((await again.json()).message).toMatch(/does not allow its managed users to create personal tokens/);
  // ...while a member it does not manage still can.
  const freeTokens = await tokenOf(free);
  expect(freeTokens.created.status()).toBe(200);
  expect((await request.get('/v1/me', { headers: auth((await freeTokens.created.json()).full_token) })).status()).toBe(200);
});
