import { auth, expect, login, test } from '../support/fixtures';
import { Authenticator } from '../support/authenticator';
import { servers } from '../support/env';
import {
  addMembership,
  auditOf,
  seedMember,
  seedOrgMember,
  seedPersonalToken,
  seedTotp,
  setManagedBy,
  setTwoFactorRequired,
  totpCredentialOf,
} from '../support/seed';

// DELETE /v1/organization/{organization_id}/user/{user_id}/two-factor (ours): a super admin
// removes a member's authenticator app and recovery codes. The rule of deactivation applies:
// not for someone who also belongs to other organizations, unless this organization manages them.

const db = servers.main.database;
const url = (organizationId: string, userId: string) => `/v1/organization/${organizationId}/user/${userId}/two-factor`;
const errorBody = (status: number, code: string, message: string) => ({ message, errors: [{ error_code: code, message, status }] });
const RESET_MESSAGE = (email: string, required: boolean) =>
  `Two-factor authentication of ${email} was reset: their authenticator app and recovery codes no longer work. ` +
  (required
    ? 'This organization requires two-factor authentication: they must set up an authenticator at their next password sign-in.'
    : 'This organization does not require two-factor authentication: they sign in with their password alone until they set up an authenticator again.');

test('a super admin resets a member’s 2FA: the next password sign-in must enroll again; audited with who did it', async ({ request, member }) => {
  await setTwoFactorRequired(db, member.organizationId);
  // The admin works with a personal token: password sessions without an authenticator are held back here.
  const admin = await seedPersonalToken(db, member.userId);
  const bob = await seedOrgMember(db, member.organizationId);
  const { secret } = await seedTotp(db, bob.userId);

  // Before: bob's password alone gets 510 (a code is needed), and his method list says 2FA is on.
  const credentials = { email: bob.email, password: bob.password };
  expect((await request.post('/v1/userauth', { data: credentials })).status()).toBe(510);
  const methodsUrl = `/v1/organization/${member.organizationId}/user/${bob.userId}/authentication_methods`;
  const before = await (await request.get(methodsUrl, { headers: auth(admin) })).json();
  expect(before.authentication_methods).toMatchObject([{ type: 'internal', is_enabled_2fa: true }]);

  const response = await request.delete(url(member.organizationId, bob.userId), { headers: auth(admin) });
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ message: RESET_MESSAGE(bob.email, true), enrollment_required: true });
  expect(await totpCredentialOf(db, bob.userId)).toBeUndefined();

  // The old authenticator's code no longer helps, and the member list says 2FA is off.
  const after = await (await request.get(methodsUrl, { headers: auth(admin) })).json();
  expect(after.authentication_methods).toEqual([
    {
      type: 'internal',
      name: 'Password',
      is_enabled_2fa: false,
      last_used_time: null,
      method_id: null,
      local_provider_id: null,
      remote_provider_id: bob.email,
      organization_id: member.organizationId,
      user_email: bob.email,
      user_id: bob.userId,
    },
  ]);
  const withOldCode = await request.post('/v1/userauth', { data: { ...credentials, otp: await new Authenticator(secret).nextCode() } });
  const session = (await withOldCode.json()).token as string;
  expect(withOldCode.status()).toBe(200);
  // The password signs in, and the session can do nothing but enroll.
  const held = await request.get('/v1/me', { headers: auth(session) });
  expect(held.status()).toBe(403);
  expect((await held.json()).errors[0].error_code).toBe('two_factor_enrollment_required');

  const [event] = await auditOf(db, { event: 'member.two_factor_reset', actorEmail: member.email });
  expect(event).toMatchObject({
    organizationId: member.organizationId,
    actorUserId: member.userId,
    details: { user_id: bob.userId, user_email: bob.email, reset_by: member.email, was_enabled: true, recovery_codes_left: 10, enrollment_required: true },
  });
});

test('refusals: exact status and body for each', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const bob = await seedOrgMember(db, member.organizationId);
  await seedTotp(db, bob.userId);

  // No 2FA to reset.
  const carol = await seedOrgMember(db, member.organizationId);
  const none = await request.delete(url(member.organizationId, carol.userId), { headers: auth(admin) });
  expect(none.status()).toBe(409);
  expect(await none.json()).toEqual(errorBody(409, 'conflict', `${carol.email} has no two-factor authentication to reset.`));

  // Not a member of this organization (a user of another one, and nobody at all): 404.
  const stranger = await seedMember(db);
  await seedTotp(db, stranger.userId);
  for (const userId of [stranger.userId, 'u-nobody']) {
    const response = await request.delete(url(member.organizationId, userId), { headers: auth(admin) });
    expect(response.status()).toBe(404);
    expect(await response.json()).toEqual(errorBody(404, 'not_found', `User ${userId} is not a member of this organization`));
  }
  expect(await totpCredentialOf(db, stranger.userId)).toBeDefined();

  // bob also belongs to another organization that manages him: his 2FA is not ours to reset.
  const elsewhere = await seedMember(db);
  await addMembership(db, elsewhere.organizationId, bob.userId);
  await setManagedBy(db, bob.userId, elsewhere.organizationId);
  const refused = await request.delete(url(member.organizationId, bob.userId), { headers: auth(admin) });
  expect(refused.status()).toBe(409);
  expect(await refused.json()).toEqual(
    errorBody(
      409,
      'conflict',
      `${bob.email} also belongs to other organizations and is not managed by this one: their two-factor authentication is not this organization's alone to change. ` +
        'They can turn it off themselves under Profile → Authentication with a code or a recovery code, or the operator of this server can remove it.',
    ),
  );
  expect(await totpCredentialOf(db, bob.userId)).toBeDefined();

  // Once this organization manages him, it may.
  await setManagedBy(db, bob.userId, member.organizationId);
  const allowed = await request.delete(url(member.organizationId, bob.userId), { headers: auth(admin) });
  expect(allowed.status()).toBe(200);
  expect(await allowed.json()).toEqual({ message: RESET_MESSAGE(bob.email, false), enrollment_required: false });

  // Their own: with a code, on their profile.
  await seedTotp(db, member.userId);
  const own = await request.delete(url(member.organizationId, member.userId), { headers: auth(admin) });
  expect(own.status()).toBe(409);
  expect((await own.json()).message).toBe(
    'To turn off your own two-factor authentication, use Profile → Authentication: it asks for a code or a recovery code.',
  );

  // Only DELETE.
  const get = await request.get(url(member.organizationId, carol.userId), { headers: auth(admin) });
  expect(get.status()).toBe(405);
});

test.describe('attacks', () => {
  test('a plain member cannot reset anyone’s 2FA, not even a colleague’s: 403', async ({ request, member }) => {
    const bob = await seedOrgMember(db, member.organizationId);
    const carol = await seedOrgMember(db, member.organizationId);
    await seedTotp(db, carol.userId);
    const session = await login(request, bob.email, bob.password);
    const response = await request.delete(url(member.organizationId, carol.userId), { headers: auth(session) });
    expect(response.status()).toBe(403);
    expect(await response.json()).toEqual(errorBody(403, 'forbidden', 'Only super admins of this organization may do this'));
    expect(await totpCredentialOf(db, carol.userId)).toBeDefined();
  });

  test('another organization’s admin cannot reach our member by user id, through either organization id', async ({ request, member }) => {
    const bob = await seedOrgMember(db, member.organizationId);
    await seedTotp(db, bob.userId);
    const attacker = await seedMember(db);
    const session = await login(request, attacker.email, attacker.password);

    // Through our organization: they are not in it, so it does not exist for them.
    const ours = await request.delete(url(member.organizationId, bob.userId), { headers: auth(session) });
    expect(ours.status()).toBe(404);
    expect(await ours.json()).toEqual(errorBody(404, 'not_found', `Organization ${member.organizationId} not found`));
    // Through their own: bob is not their member.
    const theirs = await request.delete(url(attacker.organizationId, bob.userId), { headers: auth(session) });
    expect(theirs.status()).toBe(404);
    expect(await theirs.json()).toEqual(errorBody(404, 'not_found', `User ${bob.userId} is not a member of this organization`));
    // Nor read what the member's page shows.
    for (const path of ['authentication_methods', 'access-tokens']) {
      const read = await request.get(`/v1/organization/${attacker.organizationId}/user/${bob.userId}/${path}`, { headers: auth(session) });
      expect(read.status(), path).toBe(404);
    }
    expect(await totpCredentialOf(db, bob.userId)).toBeDefined();
  });

  test('a leaked admin token without the authentication:write scope cannot reset 2FA; one with it can', async ({ request, member }) => {
    const bob = await seedOrgMember(db, member.organizationId);
    await seedTotp(db, bob.userId);
    const session = await login(request, member.email, member.password);
    const tokenWith = async (scopes: string[]) => {
      const response = await request.post('/v1/access_token', { data: { description: `scoped ${scopes.join(' ')}`, scopes }, headers: auth(session) });
      expect(response.status()).toBe(200);
      return (await response.json()).full_token as string;
    };
    for (const scopes of [['organizations'], ['organizations:write'], ['authentication:read'], ['user', 'projects']]) {
      const token = await tokenWith(scopes);
      const response = await request.delete(url(member.organizationId, bob.userId), { headers: auth(token) });
      expect(response.status(), scopes.join()).toBe(403);
      expect(await response.json(), scopes.join()).toEqual(
        errorBody(403, 'forbidden', `This token's scopes (${scopes.join(', ')}) do not allow write access to authentication`),
      );
    }
    expect(await totpCredentialOf(db, bob.userId)).toBeDefined();
    const allowed = await request.delete(url(member.organizationId, bob.userId), { headers: auth(await tokenWith(['authentication:write'])) });
    expect(allowed.status()).toBe(200);
    expect(await totpCredentialOf(db, bob.userId)).toBeUndefined();
  });
});
