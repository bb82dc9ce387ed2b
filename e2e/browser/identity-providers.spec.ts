import type { Page } from '@playwright/test';
import { auth, expect, login, test } from '../support/fixtures';
import { publishChallenge, uniqueDomain } from '../support/domains';
import { accountIdOf, configureIdp, TestIdp } from '../support/saml';
import { SignInPage } from '../support/pages';
import { auditOf, seedOrgMember } from '../support/seed';
import { screenshotPath, servers } from '../support/env';
import { generateKeyPair, type KeyPair } from '@/lib/testing/saml-idp';

// Admin → Identity providers walked as an admin would, against a real SAML IdP on 127.0.0.1
// (lib/testing/saml-idp.ts): add, configure from metadata, link an account, test sign-in,
// SP-initiated and IdP-initiated sign-in, and a new person through the signup URL.

let idp: TestIdp;
let nextYear: KeyPair;
test.beforeAll(async () => {
  idp = await (await TestIdp.create()).start();
  nextYear = await generateKeyPair('next-year.example.test');
});
test.afterAll(async () => idp?.stop());

/** At the test IdP's page: sign in as this address; the IdP posts back to our ACS. */
async function signInAtIdp(page: Page, email: string) {
  await expect(page.getByRole('heading', { name: 'Test IdP sign-in' })).toBeVisible();
  await page.getByLabel('IdP user').fill(email);
  await page.getByRole('button', { name: 'Sign in at IdP' }).click();
}

test('add and configure an IdP, link the account, test it, then sign in SP- and IdP-initiated', async ({ page, member, signInAndOpen, shell }) => {
  await signInAndOpen('Identity providers');

  const add = page.getByRole('form', { name: 'Add identity provider' });
  await add.getByLabel('Vendor').selectOption('okta');
  await add.getByRole('button', { name: 'Add identity provider' }).click();
  await expect(add.getByText('Enter a name')).toBeVisible();
  await add.getByLabel('Name').fill('Okta SSO');
  await add.getByRole('button', { name: 'Add identity provider' }).click();
  await expect(page.getByRole('heading', { name: 'Okta SSO' })).toBeVisible();
  await expect(page.getByTestId('idp-state')).toHaveText('Pending configuration');
  const accountId = await accountIdOf(member.organizationName);
  await expect(page.getByLabel('ACS URL', { exact: true })).toHaveText(new RegExp(`/v1/sso/saml/account/${accountId}/method/am[0-9a-f]+/acs$`));
  await expect(page.getByRole('button', { name: 'Copy ACS URL' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Copy SP entity ID / metadata URL' })).toBeVisible();
  await expect(page.getByText('Okta Admin Console → Applications')).toBeVisible();

  // Complete the connection from the IdP's metadata; the certificate's details show before saving.
  await page.getByText("Import the IdP's metadata XML").click();
  await page.getByLabel('Metadata XML', { exact: true }).fill(idp.metadataXml());
  await page.getByRole('button', { name: 'Import metadata' }).click();
  const connection = page.getByRole('form', { name: 'Identity provider connection' });
  await expect(connection.getByLabel('IdP SSO URL')).toHaveValue(idp.ssoUrl);
  await expect(connection.getByLabel('IdP entity ID')).toHaveValue(idp.entityId);
  await expect(connection.getByLabel('Certificate details')).toContainText('CN=test-idp.example.test');
  await connection.getByRole('button', { name: 'Save connection' }).click();
  await expect(page.getByTestId('idp-state')).toHaveText('Disabled');
  await page.getByRole('button', { name: 'Enable' }).click();
  await expect(page.getByTestId('idp-state')).toHaveText('Enabled');

  const options = page.getByRole('form', { name: 'Identity provider options' });
  await options.getByLabel('IdP-initiated login').check();
  await expect(options.getByText('IdP-initiated login is on')).toBeVisible();
  await options.getByRole('button', { name: 'Save options' }).click();
  await expect(options.getByText('Options saved.')).toBeVisible();
  await page.screenshot({ path: screenshotPath('identity-provider'), fullPage: true });

  // Rotation: the IdP's next certificate as a binary .cer file, beside the current one.
  const der = Buffer.from(nextYear.certificate.replace(/-----[A-Z ]+-----|\s+/g, ''), 'base64');
  await page.getByLabel('Add a certificate file', { exact: true }).setInputFiles({ name: 'next.cer', mimeType: 'application/pkix-cert', buffer: der });
  await page.getByRole('button', { name: 'Add certificate' }).click();
  await expect(page.getByTestId('certificate-row')).toHaveCount(2);
  await expect(page.getByTestId('certificate-row').nth(1)).toContainText('CN=next-year.example.test');

  // Test sign-in: a new tab with the SAML trace.
  // A same-origin form POST (the route refuses one from any other page) into a new tab.
  const [trace] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', { name: 'Test sign-in' }).click()]);
  await signInAtIdp(trace, 'someone@idp.test');
  await expect(trace.getByRole('heading', { name: 'SAML trace: Okta SSO' })).toBeVisible();
  await expect(trace.getByRole('status')).toContainText('All checks passed');
  await expect(trace.getByRole('table', { name: 'Assertion' })).toContainText(idp.entityId);
  await expect(trace.getByRole('table', { name: 'Mapped identity' })).toContainText('someone@idp.test');
  await trace.screenshot({ path: screenshotPath('saml-trace'), fullPage: true });
  await trace.close();

  // Link the admin's own account through the account link URL: it opens our confirmation page,
  // which names the provider and its organization; only its button goes on to the IdP.
  const linkUrl = (await page.getByLabel('Account link URL', { exact: true }).textContent())!;
  await page.goto(linkUrl);
  await expect(page.getByRole('heading', { name: 'Link Okta SSO to your account?' })).toBeVisible();
  await expect(page.getByTestId('link-organization')).toContainText(member.organizationName);
  await page.getByRole('button', { name: 'Link and continue to Okta SSO' }).click();
  await signInAtIdp(page, `okta-${member.email}`);
  await shell.expectSignedIn(member.organizationName);

  // SP-initiated from the sign-in page, by organization (by email: no verified domain, said plainly),
  // asked for by a page of the console: after the IdP, that page opens.
  await shell.signOut();
  await page.goto('/admin/identity-providers');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await page.getByRole('link', { name: 'Sign in with SSO' }).click();
  const sso = page.getByRole('form', { name: 'Sign in with SSO' });
  await sso.getByLabel('Work email').fill(member.email);
  await page.screenshot({ path: screenshotPath('sign-in-sso') });
  await sso.getByRole('button', { name: 'Continue with SSO' }).click();
  await expect(sso.getByRole('alert')).toContainText('No single sign-on is set up for example.test');
  await sso.getByLabel('By organization').check();
  await sso.getByLabel('Organization ID').fill(member.organizationId);
  await sso.getByRole('button', { name: 'Continue with SSO' }).click();
  await signInAtIdp(page, `okta-${member.email}`);
  await shell.expectSignedIn(member.organizationName);
  await expect(page).toHaveURL('/admin/identity-providers');
  const methodId = /method\/(am[0-9a-f]+)\//.exec(linkUrl)![1]!;
  await page.goto('/profile/tokens');
  await expect(page.getByRole('main')).toContainText('Session · SSO: Okta SSO');

  // IdP-initiated, from the IdP's dashboard (allowed above).
  await shell.signOut();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  const acs = `${servers.main.url}/v1/sso/saml/account/${accountId}/method/${methodId}/acs`;
  await page.goto(`${idp.baseUrl}/initiate?acs=${encodeURIComponent(acs)}&audience=${encodeURIComponent(acs.replace(/acs$/, 'metadata'))}&email=${encodeURIComponent(`okta-${member.email}`)}`);
  await shell.expectSignedIn(member.organizationName);

  await page.goto('/admin/identity-providers');
  await expect(page.getByTestId('idp-row-Okta SSO')).toContainText('Enabled');
  await page.screenshot({ path: screenshotPath('identity-providers'), fullPage: true });
});

test('the signup URL creates an account tied to the IdP; the account link URL asks to sign in first, then to confirm; a refusal shows its reason', async ({ browser, request, member }) => {
  const token = await login(request, member.email, member.password);
  const configured = await configureIdp(request, token, await accountIdOf(member.organizationName), idp);
  const context = await browser.newContext({ baseURL: servers.main.url });
  const page = await context.newPage();
  // Signup creates accounts only on a domain the IdP's organization verified.
  const domain = uniqueDomain('signup');
  const domains = `/v1/organization/${member.organizationId}/domains`;
  const added = await (await request.post(domains, { headers: auth(token), data: { domain_name: domain } })).json();
  publishChallenge(domain, [added.challenge_record_value]);
  expect((await (await request.post(`${domains}/${added.domain_id}/verify`, { headers: auth(token) })).json()).state).toBe('verified');
  const newcomer = `new-${Date.now()}@${domain}`;
  idp.people.set(newcomer, { email: newcomer, firstName: 'Nia', lastName: 'Newcomer' });
  await page.goto(`${configured.loginUrl}?purpose=signup`);
  await signInAtIdp(page, newcomer);
  await expect(page.getByTestId('current-organization')).toContainText(member.organizationName);

  // A colleague, signed out, opens the account link URL: sign in with the password first, then at the IdP.
  const colleague = await seedOrgMember(servers.main.database, member.organizationId);
  const linking = await browser.newContext({ baseURL: servers.main.url });
  const linkPage = await linking.newPage();
  await linkPage.goto(`${configured.loginUrl}?purpose=link`);
  await expect(linkPage.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await new SignInPage(linkPage).signIn(colleague.email, colleague.password);
  await expect(linkPage.getByRole('heading', { name: `Link ${configured.wire.authentication_method_name} to your account?` })).toBeVisible();
  await linkPage.getByRole('button', { name: /^Link and continue to / }).click();
  await signInAtIdp(linkPage, `idp-${colleague.email}`);
  await expect(linkPage.getByTestId('current-organization')).toContainText(member.organizationName);
  expect(await auditOf(servers.main.database, { event: 'identity_provider.account_linked', actorEmail: colleague.email })).toHaveLength(1);
  await linking.close();

  // Without a link, plain sign-in through the IdP says what to do instead.
  const stranger = await browser.newContext({ baseURL: servers.main.url });
  const strangerPage = await stranger.newPage();
  await strangerPage.goto(configured.loginUrl);
  await signInAtIdp(strangerPage, `stranger-${Date.now()}@idp.test`);
  await expect(strangerPage.getByRole('alert')).toContainText('Use the signup URL to create one, or sign in and use the account link URL');
  await strangerPage.screenshot({ path: screenshotPath('saml-refused') });
  await context.close();
  await stranger.close();
});
