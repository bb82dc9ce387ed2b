import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIRequestContext, Page } from '@playwright/test';
import { auth, expect, login, test } from '../support/fixtures';
import { screenshotPath, servers } from '../support/env';
import { StandInProvider } from '../support/oauth';
import { SignInPage } from '../support/pages';
import { accountIdOf, configureIdp, samlRequestsOf, TestIdp } from '../support/saml';
import { auditOf, identitiesOf, seedMember, setTwoFactorRequired, tokensOf, unique } from '../support/seed';

// Account linking in a real browser: the account link URL only opens a confirmation page of ours,
// and only that page's POST starts a link. The attacker makes their own organization with an IdP
// whose keys they hold, then sends the signed-in victim (another organization's member) there,
// from a page of another site and from a page on the same host but another port (same site, so
// the SameSite=Lax cookie goes along: only the Origin check stops that one).

const db = servers.main.database;
let attackerIdp: TestIdp;
test.beforeAll(async () => {
  attackerIdp = await (await TestIdp.create()).start();
});
test.afterAll(async () => attackerIdp?.stop());

async function signInAtIdp(page: Page, email: string) {
  await expect(page.getByRole('heading', { name: 'Test IdP sign-in' })).toBeVisible();
  await page.getByLabel('IdP user').fill(email);
  await page.getByRole('button', { name: 'Sign in at IdP' }).click();
}

/** A web server on 127.0.0.1 (same site as the console, another origin) serving one page. */
async function siteServing(html: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const autoPost = (action: string) => `<!doctype html><form id="f" method="post" action="${action}"></form><script>document.getElementById('f').submit()</script>`;

async function attackerWithIdp(request: APIRequestContext) {
  const attacker = await seedMember(db);
  const token = await login(request, attacker.email, attacker.password);
  const created = await request.post('/v1/account', { headers: { ...auth(token), 'content-type': 'application/json' }, data: { account_name: 'Acme IT Helpdesk' } });
  expect(created.status(), await created.text()).toBe(200);
  const configured = await configureIdp(request, token, (await created.json()).account.account_id, attackerIdp, {
    authentication_method_name: 'Company SSO',
    saml_idp_login_allowed: true,
  });
  return { configured, linkUrl: configured.wire.saml_account_link_url as string };
}

test('the attacker\'s link lands the signed-in victim on the confirmation page without a button; forms on other sites are refused; nothing is linked', async ({ page, request, member: victim, signInAs }) => {
  const { configured, linkUrl } = await attackerWithIdp(request);
  await signInAs(victim);

  // A page of another site sends the browser to the account link URL (a top-level navigation,
  // which carries the session cookie).
  await page.route('http://attacker.test/**', (route) =>
    route.fulfill({ contentType: 'text/html', body: `<!doctype html><a id="go" href="${linkUrl}">Claim your gift</a><script>document.getElementById('go').click()</script>` }),
  );
  await page.goto('http://attacker.test/gift');
  await expect(page).toHaveURL(`${servers.main.url}/profile/authentication/link/${configured.accountId}/${configured.methodId}`);
  await expect(page.getByRole('heading', { name: 'Link Company SSO to your account?' })).toBeVisible();
  await expect(page.getByTestId('link-organization')).toContainText('Acme IT Helpdesk');
  await expect(page.getByTestId('link-account')).toHaveText(victim.email);
  await expect(page.getByRole('region', { name: 'Link identity provider' }).getByRole('alert')).toHaveText(
    'You can link only identity providers of organizations you belong to: "Company SSO" belongs to organization "Acme IT Helpdesk", which you are not a member of.',
  );
  await expect(page.getByRole('button', { name: /Link and continue/ })).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('saml-link-refused'), fullPage: true });
  expect(await samlRequestsOf(configured.methodId)).toEqual([]);

  // A page on another port of the same host (same site: the cookie goes along) auto-posts the form.
  const sameSite = await siteServing(autoPost(`${servers.main.url}${configured.loginUrl}?purpose=link`));
  try {
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().includes('/login?purpose=link')), page.goto(sameSite.url)]);
    expect(response.status()).toBe(403);
    await expect(page.getByRole('heading', { name: 'Single sign-on refused' })).toBeVisible();
    await expect(page.getByRole('alert')).toHaveText('Origin: This request was not made on a page of this console (the browser says it came from a same-site page).');
  } finally {
    await sameSite.close();
  }
  // And a page of another site (the cookie stays home, but the refusal does not depend on that).
  await page.route('http://attacker.test/post', (route) => route.fulfill({ contentType: 'text/html', body: autoPost(`${servers.main.url}${configured.loginUrl}?purpose=link`) }));
  const [crossSite] = await Promise.all([page.waitForResponse((r) => r.url().includes('/login?purpose=link')), page.goto('http://attacker.test/post')]);
  expect(crossSite.status()).toBe(403);
  await expect(page.getByRole('alert')).toHaveText('Origin: This request was not made on a page of this console (the browser says it came from a cross-site page).');
  expect(await samlRequestsOf(configured.methodId)).toEqual([]);

  // The attacker's IdP cannot sign in as the victim (IdP-initiated, allowed on it).
  const acs = `${servers.main.url}${configured.loginUrl.replace(/login$/, 'acs')}`;
  await page.goto(`${attackerIdp.baseUrl}/initiate?acs=${encodeURIComponent(acs)}&audience=${encodeURIComponent(configured.entityId)}&email=${encodeURIComponent(victim.email)}`);
  await expect(page.getByRole('alert')).toContainText('No Portcullis account is linked to this Company SSO identity');
  expect(await identitiesOf(db, victim.userId)).toEqual([]);
  expect((await tokensOf(db, victim.userId)).every((t) => t.authMethod === 'password')).toBe(true);
});

test('a member opens the account link URL signed out: sign in, confirm on the page that names the IdP, then the IdP', async ({ browser, request, member }) => {
  const token = await login(request, member.email, member.password);
  const configured = await configureIdp(request, token, await accountIdOf(member.organizationName), attackerIdp, { authentication_method_name: 'Okta Workforce' });
  const context = await browser.newContext({ baseURL: servers.main.url });
  const page = await context.newPage();
  await page.goto(configured.wire.saml_account_link_url as string);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await new SignInPage(page).signIn(member.email, member.password);

  await expect(page.getByRole('heading', { name: 'Link Okta Workforce to your account?' })).toBeVisible();
  await expect(page.getByTestId('link-idp')).toHaveText('Okta Workforce (Custom SAML 2.0)');
  await expect(page.getByTestId('link-organization')).toHaveText(`${member.organizationName} (${member.organizationId})`);
  await expect(page.getByText('Link it only if you use it yourself and expected this.')).toBeVisible();
  await page.screenshot({ path: screenshotPath('saml-link-confirm'), fullPage: true });
  expect(await samlRequestsOf(configured.methodId)).toEqual([]);

  await page.getByRole('button', { name: 'Link and continue to Okta Workforce' }).click();
  await signInAtIdp(page, `okta-${member.email}`);
  await expect(page.getByTestId('current-organization')).toContainText(member.organizationName);
  expect(await identitiesOf(db, member.userId)).toMatchObject([{ provider: `saml:${configured.methodId}`, subject: `okta-${member.email}` }]);
  await context.close();
});

test('a third-party link started before 2FA became required does not finish while the session is held back', async ({ page, member, signInAs }) => {
  await signInAs(member);
  await page.goto('/profile/authentication');
  await page.getByRole('button', { name: 'Link GitHub' }).click();
  // While the person is at the provider, the organization starts requiring 2FA. (Waiting for the
  // provider's page first: set any earlier, it would race the click's own server action.)
  await expect(page.getByRole('heading', { name: /test stand-in/ })).toBeVisible();
  await setTwoFactorRequired(db, member.organizationId);
  await new StandInProvider(page).signInAs(`${unique('personal')}@elsewhere.test`, { verified: false, login: unique('octo') });
  await expect(page).toHaveURL(/\/profile\/authentication\?link_error=/);
  await expect(page.getByRole('alert').filter({ hasText: 'Until then no sign-in method can be linked.' })).toHaveText(
    `Organization "${member.organizationName}" requires two-factor authentication for password sign-ins. Set up an authenticator to continue. Until then no sign-in method can be linked.`,
  );
  expect(await identitiesOf(db, member.userId)).toEqual([]);
  expect((await auditOf(db, { event: 'identity.link_failed', actorEmail: member.email }))[0]!.details).toMatchObject({ provider: 'github', reason: 'two_factor_enrollment_required' });
});
