import type { APIRequestContext } from '@playwright/test';
import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import { publishChallenge, uniqueDomain } from '../support/domains';
import { accountIdOf, configureIdp, postToAcs, samlResponse, sessionFromSetCookie, startSignIn, TestIdp, type ConfiguredIdp } from '../support/saml';
import { auditOf, identitiesOf, membershipOf, seedMember, seedMemberAt, tokensOf, unique, userByEmail } from '../support/seed';

// Pre-account hijacking, attacked over the wire: an account made for an address nobody proved
// (by an admin who copied an invitation link, or by another organization's IdP) is never joined
// to the real owner's sign-ins, and never collects invitations without the link's secret.
// The third-party half (Google) and the mailed invitations are in e2e/browser/proven-addresses.spec.ts.

const db = servers.main.database;
const html = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const json = (token: string) => ({ ...auth(token), 'content-type': 'application/json' });

let idp: TestIdp;
test.beforeAll(async () => {
  idp = await (await TestIdp.create()).start();
});
test.afterAll(async () => idp?.stop());

/** The organization adds and verifies the domain through the API; optionally links it to an IdP. */
async function verifyDomain(request: APIRequestContext, token: string, organizationId: string, name: string, linkTo?: ConfiguredIdp) {
  const domains = `/v1/organization/${organizationId}/domains`;
  const added = await (await request.post(domains, { headers: json(token), data: { domain_name: name } })).json();
  publishChallenge(name, [added.challenge_record_value]);
  const verified = await (await request.post(`${domains}/${added.domain_id}/verify`, { headers: auth(token) })).json();
  expect(verified.state).toBe('verified');
  if (linkTo) {
    const linked = await request.put(`/v1/organization/${organizationId}/authentication-methods/${linkTo.methodId}/domains`, { headers: json(token), data: { domain_id: added.domain_id } });
    expect(linked.status(), await linked.text()).toBe(200);
  }
}

test('a hostile IdP: purpose=signup for an address on a domain its organization has not verified is refused, no account made', async ({ request, member: attacker }) => {
  const attackerToken = await login(request, attacker.email, attacker.password);
  const hostile = await configureIdp(request, attackerToken, await accountIdOf(attacker.organizationName), idp);

  // Nobody verified the domain; then the victim's organization verified it. Either way: refused.
  const victimOrg = await seedMember(db);
  const victimToken = await login(request, victimOrg.email, victimOrg.password);
  const domain = uniqueDomain('victim');
  for (const step of ['unverified', 'verified by the victim organization'] as const) {
    if (step === 'verified by the victim organization') await verifyDomain(request, victimToken, victimOrg.organizationId, domain);
    const victim = `${unique('victim')}@${domain}`;
    const requestId = await startSignIn(request, hostile, 'signup');
    const response = await postToAcs(request, hostile, samlResponse(idp, hostile, { nameId: victim, inResponseTo: requestId, attributes: { email: victim } }));
    expect(response.status(), step).toBe(403);
    expect(response.headers()['set-cookie'], step).toBeUndefined();
    const page = await response.text();
    expect(page, step).toContain('data-reason="domain_not_verified"');
    expect(page, step).toContain(
      html(
        `${hostile.wire.authentication_method_name} can create accounts only for addresses on a domain that organization "${attacker.organizationName}" has verified, and ${victim} is not on one. Sign in to Portcullis another way, then use the account link URL to add ${hostile.wire.authentication_method_name}.`,
      ),
    );
    expect(await userByEmail(db, victim), step).toBeUndefined();
    expect((await auditOf(db, { event: 'auth.sign_in_failed', actorEmail: victim }))[0]!.details).toMatchObject({ reason: 'domain_not_verified', purpose: 'signup' });
  }
});

test('purpose=signup on the IdP organization’s own verified domain creates a proven account', async ({ request, member }) => {
  const token = await login(request, member.email, member.password);
  const configured = await configureIdp(request, token, await accountIdOf(member.organizationName), idp);
  const domain = uniqueDomain('own');
  await verifyDomain(request, token, member.organizationId, domain);
  const newcomer = `nia@${domain}`;
  const requestId = await startSignIn(request, configured, 'signup');
  const response = await postToAcs(request, configured, samlResponse(idp, configured, { nameId: newcomer, inResponseTo: requestId, attributes: { email: newcomer } }));
  expect(response.status(), await response.text()).toBe(303);
  const user = (await userByEmail(db, newcomer))!;
  expect(user.emailVerifiedTime).not.toBeNull();
  expect(await membershipOf(db, member.organizationId, user.id)).toBeDefined();
  expect((await auditOf(db, { event: 'user.email_verified', actorEmail: newcomer }))[0]!.details).toMatchObject({ how: 'sso_verified_domain' });
});

test('domain-routed SSO does not link into an existing account whose address nobody proved; it does into a proven one', async ({ request, member }) => {
  const token = await login(request, member.email, member.password);
  const configured = await configureIdp(request, token, await accountIdOf(member.organizationName), idp);
  const domain = uniqueDomain('routed');
  await verifyDomain(request, token, member.organizationId, domain, configured);

  // An account for the address that its owner never proved, with a password someone else chose.
  const squatted = await seedMemberAt(db, member.organizationId, `ann@${domain}`);
  const ssoSignIn = async (email: string) =>
    postToAcs(request, configured, samlResponse(idp, configured, { nameId: email, inResponseTo: await startSignIn(request, configured), attributes: { email } }));

  const refused = await ssoSignIn(squatted.email);
  expect(refused.status()).toBe(403);
  expect(refused.headers()['set-cookie']).toBeUndefined();
  const page = await refused.text();
  expect(page).toContain('data-reason="email_not_proven"');
  expect(page).toContain(
    html(
      `The Portcullis account for ${squatted.email} has not proven that it owns the address, so ${configured.wire.authentication_method_name} is not linked to it automatically. Sign in another way, then link ${configured.wire.authentication_method_name} from Profile → Authentication or with the account link URL.`,
    ),
  );
  expect(await identitiesOf(db, squatted.userId)).toEqual([]);
  expect(await tokensOf(db, squatted.userId)).toEqual([]);
  expect((await auditOf(db, { event: 'auth.sign_in_failed', actorEmail: squatted.email }))[0]!.details).toMatchObject({ reason: 'email_not_proven' });

  // The same sign-in for an account whose owner proved the address links it and signs in.
  const proven = await seedMemberAt(db, member.organizationId, `bo@${domain}`, { proven: true });
  const linked = await ssoSignIn(proven.email);
  expect(linked.status(), await linked.text()).toBe(303);
  const me = await (await request.get('/v1/me', { headers: auth(sessionFromSetCookie(linked.headers()['set-cookie'])) })).json();
  expect(me.user.user).toBe(proven.email);
  expect(await identitiesOf(db, proven.userId)).toMatchObject([{ provider: `saml:${configured.methodId}`, subject: proven.email }]);
});

test('API accept: an unproven account cannot collect an invitation without invite_secret; a wrong one is refused; the right one works', async ({ request, member }) => {
  // The account was made by someone who is not the owner of the address (e.g. another
  // organization's admin through a link they copied) and who holds its password.
  const squatterOrg = await seedMember(db);
  const victim = await seedMemberAt(db, squatterOrg.organizationId, `${unique('victim')}@example.test`);
  const squatterToken = await login(request, victim.email, victim.password);

  // Another organization invites the address (no SMTP on the main server: its admin gets the link).
  const adminToken = await login(request, member.email, member.password);
  const invited = await (await request.post(`/v1/organization/${member.organizationId}/invitation`, { headers: json(adminToken), data: { user_email: victim.email } })).json();
  const secret = (invited.invite_link as string).split('/invite/')[1]!;
  const accept = (data: unknown) => request.post(`/v1/organization/${member.organizationId}/invitation/${encodeURIComponent(victim.email)}`, { headers: json(squatterToken), data });

  const missing = await accept({ action: 'accept' });
  expect(missing.status()).toBe(403);
  expect(await missing.json()).toEqual({
    message: `${victim.email} is not a proven address yet, so accepting needs "invite_secret": the secret at the end of the invitation link (/invite/<secret>)`,
    errors: [expect.objectContaining({ status: 403 })],
  });
  const wrong = await accept({ action: 'accept', invite_secret: `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}` });
  expect(wrong.status()).toBe(403);
  expect((await wrong.json()).message).toBe('invite_secret does not match this invitation: give the secret at the end of the invitation link (/invite/<secret>)');
  expect((await accept({ action: 'accept', invite_secret: 42 })).status()).toBe(400);
  expect(await membershipOf(db, member.organizationId, victim.userId)).toBeUndefined();

  const accepted = await accept({ action: 'accept', invite_secret: secret });
  expect(accepted.status(), await accepted.text()).toBe(200);
  expect(await membershipOf(db, member.organizationId, victim.userId)).toBeDefined();
  // The link was copied by the admin, not mailed: the address is still not proven.
  expect((await userByEmail(db, victim.email))!.emailVerifiedTime).toBeNull();
});
