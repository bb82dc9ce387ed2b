import type { APIRequestContext } from '@playwright/test';
import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import {
  accountIdOf,
  configureIdp,
  postToAcs,
  SAME_ORIGIN,
  samlRequestsOf,
  samlResponse,
  sessionCookie,
  sessionFromSetCookie,
  startSignIn,
  TestIdp,
  type ConfiguredIdp,
} from '../support/saml';
import { addMembership, auditOf, identitiesOf, seedMember, seedOrgMember, setTwoFactorRequired, tokensOf } from '../support/seed';

// Account linking spends the browser's session: an attacker who can make a signed-in victim's
// browser open a URL must not get their IdP identity linked to the victim's account. Here the
// attacker is a user who creates their own organization (POST /v1/account) and adds an IdP whose
// keys they hold (a TestIdp in this process); the victim is a member of another organization.

let attackerIdp: TestIdp;
test.beforeAll(async () => {
  attackerIdp = await (await TestIdp.create()).start();
});
test.afterAll(async () => attackerIdp?.stop());

const db = servers.main.database;
const ATTACKER_SITE = { origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site' } as const;

/** The attacker's own organization, made through the API, with an enabled IdP of theirs. */
async function attackerWithIdp(request: APIRequestContext, options: Record<string, unknown> = {}) {
  const attacker = await seedMember(db);
  const token = await login(request, attacker.email, attacker.password);
  const created = await request.post('/v1/account', { headers: { ...auth(token), 'content-type': 'application/json' }, data: { account_name: 'Acme IT Helpdesk' } });
  expect(created.status(), await created.text()).toBe(200);
  const { account } = await created.json();
  const configured = await configureIdp(request, token, account.account_id, attackerIdp, options);
  return { attacker, token, configured, organizationId: account.organization_id as string, linkUrl: configured.wire.saml_account_link_url as string };
}

const confirmationPath = (idp: ConfiguredIdp) => `/profile/authentication/link/${idp.accountId}/${idp.methodId}`;

test('the account link URL sent to another organization\'s signed-in member starts nothing: confirmation page, no request, no link, no sign-in as them', async ({ request }) => {
  const { configured, linkUrl, organizationId } = await attackerWithIdp(request, { saml_idp_login_allowed: true });
  const victim = await seedMember(db);
  const victimSession = await login(request, victim.email, victim.password);
  expect(linkUrl).toBe(`${servers.main.url}${configured.loginUrl}?purpose=link`);

  // The victim's browser follows the attacker's link: a top-level cross-site GET, which carries
  // the SameSite=Lax session cookie. It lands on our confirmation page; no SAML request exists.
  const opened = await request.get(linkUrl, { maxRedirects: 0, headers: { ...sessionCookie(victimSession), 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' } });
  expect(opened.status()).toBe(303);
  expect(opened.headers()['location']).toBe(`${servers.main.url}${confirmationPath(configured)}`);
  expect(await samlRequestsOf(configured.methodId)).toEqual([]);

  // That page names the IdP and its organization and offers no button to a non-member.
  const page = await request.get(confirmationPath(configured), { headers: sessionCookie(victimSession) });
  expect(page.status()).toBe(200);
  const html = await page.text();
  expect(html).toContain('You can link only identity providers of organizations you belong to');
  expect(html).toContain('which you are not a member of.');
  expect(html).not.toContain('Link and continue');

  // A form on the attacker's site posting to the login URL: refused before the session is read.
  const crossSite = await request.post(`${configured.loginUrl}?purpose=link`, { maxRedirects: 0, headers: { ...sessionCookie(victimSession), ...ATTACKER_SITE } });
  expect(crossSite.status()).toBe(403);
  const crossHtml = await crossSite.text();
  expect(crossHtml).toContain('data-reason="cross_site"');
  expect(crossHtml).toContain('This request was not made on a page of this console (the browser says it came from a cross-site page).');
  // A page on the same host but another port is same-site (the cookie goes along) yet another origin.
  const sameSite = await request.post(`${configured.loginUrl}?purpose=link`, {
    maxRedirects: 0,
    headers: { ...sessionCookie(victimSession), origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-site' },
  });
  expect(sameSite.status()).toBe(403);
  expect(await sameSite.text()).toContain('data-reason="cross_site"');

  // Even a POST that claims our origin (no browser would send it for the attacker) is refused: not a member.
  const forged = await request.post(`${configured.loginUrl}?purpose=link`, { maxRedirects: 0, headers: { ...sessionCookie(victimSession), ...SAME_ORIGIN } });
  expect(forged.status()).toBe(403);
  const forgedHtml = await forged.text();
  expect(forgedHtml).toContain('data-reason="link_not_member"');
  expect(forgedHtml).toContain(`&#34;${configured.wire.authentication_method_name}&#34; belongs to organization &#34;Acme IT Helpdesk&#34;, which you are not a member of.`);
  expect(await samlRequestsOf(configured.methodId)).toEqual([]);

  // The attacker's IdP answers anyway, as the victim: IdP-initiated (allowed on it) and SP-initiated.
  for (const inResponseTo of [undefined, await startSignIn(request, configured)]) {
    const answer = await postToAcs(request, configured, samlResponse(attackerIdp, configured, { nameId: victim.email, inResponseTo, attributes: { email: victim.email } }));
    expect(answer.status()).toBe(403);
    expect(answer.headers()['set-cookie']).toBeUndefined();
    expect(await answer.text()).toContain('data-reason="not_linked"');
  }
  expect(await identitiesOf(db, victim.userId)).toEqual([]);
  expect((await tokensOf(db, victim.userId)).map((t) => t.authMethod)).toEqual(['password']);

  // The attempts are in the victim's organization's audit log and the attacker's.
  const refused = (await auditOf(db, { event: 'auth.sign_in_failed', actorEmail: victim.email })).filter((e) => e.details.stage === 'start');
  // Each of the three refused POSTs, once in the victim's organization and once in the attacker's.
  expect(refused.map((e) => e.details.reason).sort()).toEqual(['cross_site', 'cross_site', 'cross_site', 'cross_site', 'link_not_member', 'link_not_member']);
  expect(new Set(refused.map((e) => e.organizationId))).toEqual(new Set([victim.organizationId, organizationId]));
});

test('a member links their organization\'s IdP only through the confirmation page\'s POST; audited in each of their organizations', async ({ request, member }) => {
  const token = await login(request, member.email, member.password);
  const configured = await configureIdp(request, token, await accountIdOf(member.organizationName), attackerIdp);
  const second = await seedMember(db);
  await addMembership(db, second.organizationId, member.userId);

  // Signed out: the POST sends the browser to sign in and back to the confirmation page.
  const signedOut = await request.post(`${configured.loginUrl}?purpose=link`, { maxRedirects: 0, headers: SAME_ORIGIN });
  expect(signedOut.status()).toBe(303);
  expect(signedOut.headers()['location']).toBe(`${servers.main.url}/signin?callbackUrl=${encodeURIComponent(confirmationPath(configured))}`);

  const page = await request.get(confirmationPath(configured), { headers: sessionCookie(token) });
  expect(await page.text()).toContain('Link and continue to');
  const requestId = await startSignIn(request, configured, 'link', token);
  expect(await samlRequestsOf(configured.methodId)).toMatchObject([{ id: requestId, purpose: 'link', userId: member.userId }]);
  const linked = await postToAcs(request, configured, samlResponse(attackerIdp, configured, { nameId: `idp-${member.email}`, inResponseTo: requestId }));
  expect(linked.status(), await linked.text()).toBe(303);
  expect(await identitiesOf(db, member.userId)).toMatchObject([{ provider: `saml:${configured.methodId}`, subject: `idp-${member.email}` }]);
  const events = await auditOf(db, { event: 'identity_provider.account_linked', actorEmail: member.email });
  expect(new Set(events.map((e) => e.organizationId))).toEqual(new Set([member.organizationId, second.organizationId]));
});

test('a member removed from the IdP\'s organization after starting a link cannot finish it', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const accountId = await accountIdOf(member.organizationName);
  const configured = await configureIdp(request, admin, accountId, attackerIdp);
  const colleague = await seedOrgMember(db, member.organizationId);
  const session = await login(request, colleague.email, colleague.password);
  const requestId = await startSignIn(request, configured, 'link', session);
  const removed = await request.delete(`/v1/organization/${member.organizationId}/user/${colleague.userId}`, { headers: auth(admin) });
  expect(removed.status(), await removed.text()).toBe(200);
  const answer = await postToAcs(request, configured, samlResponse(attackerIdp, configured, { nameId: `idp-${colleague.email}`, inResponseTo: requestId }));
  expect(answer.status()).toBe(403);
  expect(await answer.text()).toContain('data-reason="link_not_member"');
  expect(await identitiesOf(db, colleague.userId)).toEqual([]);
});

test('test sign-in: a same-origin POST by a super admin of the IdP\'s organization; never a GET, never from another site', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const accountId = await accountIdOf(member.organizationName);
  const configured = await configureIdp(request, admin, accountId, attackerIdp);

  const get = await request.get(`${configured.loginUrl}?purpose=test`, { maxRedirects: 0, headers: sessionCookie(admin) });
  expect(get.status()).toBe(405);
  expect(get.headers()['allow']).toBe('POST');
  const getHtml = await get.text();
  expect(getHtml).toContain('A test sign-in starts from the &#34;Test sign-in&#34; button on the identity provider&#39;s page in the console.');
  expect(getHtml).not.toContain('recorded in the organization');

  const crossSite = await request.post(`${configured.loginUrl}?purpose=test`, { maxRedirects: 0, headers: { ...sessionCookie(admin), ...ATTACKER_SITE } });
  expect(crossSite.status()).toBe(403);
  expect(await crossSite.text()).toContain('data-reason="cross_site"');
  const noOrigin = await request.post(`${configured.loginUrl}?purpose=test`, { maxRedirects: 0, headers: sessionCookie(admin) });
  expect(noOrigin.status()).toBe(403);
  expect(await noOrigin.text()).toContain('no Origin or Sec-Fetch-Site header');

  const plain = await seedOrgMember(db, member.organizationId);
  const plainSession = await login(request, plain.email, plain.password);
  const notAdmin = await request.post(`${configured.loginUrl}?purpose=test`, { maxRedirects: 0, headers: { ...sessionCookie(plainSession), ...SAME_ORIGIN } });
  expect(notAdmin.status()).toBe(403);
  expect(await notAdmin.text()).toContain('Only super admins of the organization may test its identity providers.');
  expect(await samlRequestsOf(configured.methodId)).toEqual([]);

  const requestId = await startSignIn(request, configured, 'test', admin);
  expect(await samlRequestsOf(configured.methodId)).toMatchObject([{ id: requestId, purpose: 'test', userId: member.userId }]);
});

test('a password session held back by required 2FA enrollment cannot start link, test or SSO sign-in, and so cannot become an SSO session', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const accountId = await accountIdOf(member.organizationName);
  const configured = await configureIdp(request, admin, accountId, attackerIdp);
  await setTwoFactorRequired(db, member.organizationId);
  const heldBack = await login(request, member.email, member.password);
  expect((await request.get('/v1/me', { headers: auth(heldBack) })).status()).toBe(403);

  const message = `Organization &#34;${member.organizationName}&#34; requires two-factor authentication for password sign-ins.`;
  const attempts = [
    request.post(`${configured.loginUrl}?purpose=link`, { maxRedirects: 0, headers: { ...sessionCookie(heldBack), ...SAME_ORIGIN } }),
    request.post(`${configured.loginUrl}?purpose=test`, { maxRedirects: 0, headers: { ...sessionCookie(heldBack), ...SAME_ORIGIN } }),
    request.get(`${configured.loginUrl}?purpose=signin`, { maxRedirects: 0, headers: sessionCookie(heldBack) }),
    request.get(`${configured.loginUrl}?purpose=signup`, { maxRedirects: 0, headers: sessionCookie(heldBack) }),
  ];
  for (const response of await Promise.all(attempts)) {
    expect(response.status()).toBe(403);
    const html = await response.text();
    expect(html).toContain('data-reason="two_factor_enrollment_required"');
    expect(html).toContain(message);
    expect(html).toContain('set up an authenticator under Profile → Authentication, or sign out first.');
    expect(html).toContain('<a href="/profile/authentication">Set up two-factor authentication</a>');
  }
  // Nothing was started, so no IdP answer can turn into a session.
  expect(await samlRequestsOf(configured.methodId)).toEqual([]);
  expect(await identitiesOf(db, member.userId)).toEqual([]);
  const tried = (await auditOf(db, { event: 'auth.sign_in_failed', actorEmail: member.email })).filter((e) => e.details.reason === 'two_factor_enrollment_required');
  expect(tried.map((e) => e.details.purpose).sort()).toEqual(['link', 'signin', 'signup', 'test']);

  // SSO sign-in without a held-back session in the browser is not affected.
  expect((await request.get(`${configured.loginUrl}?purpose=signin`, { maxRedirects: 0 })).status()).toBe(303);
});

test('the link a held-back session could not start is the one that used to become an SSO session', async ({ request, member }) => {
  // The same walk by a session nothing holds back ends in an SSO session: the refusal above is what closes it.
  const admin = await login(request, member.email, member.password);
  const accountId = await accountIdOf(member.organizationName);
  const configured = await configureIdp(request, admin, accountId, attackerIdp);
  const requestId = await startSignIn(request, configured, 'link', admin);
  const answer = await postToAcs(request, configured, samlResponse(attackerIdp, configured, { nameId: `idp-${member.email}`, inResponseTo: requestId }));
  const sso = sessionFromSetCookie(answer.headers()['set-cookie']);
  expect((await request.get('/v1/me', { headers: auth(sso) })).status()).toBe(200);
});
