import { auth, expect, login, test } from '../support/fixtures';
import { screenshotPath, servers } from '../support/env';
import { expectAdminPageRefused } from '../support/admin-pages';
import { publishChallenge, registerDomain, seedIdentityProvider, uniqueDomain } from '../support/domains';
import { accountIdOf, configureIdp, TestIdp } from '../support/saml';
import { seedOrgMember } from '../support/seed';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

// Admin → Domains as a person walks it: add a domain, read the record to publish off the page,
// publish it in the test DNS server (the one the main server's DNS_SERVERS names), verify,
// link it to an identity provider; then someone who signs up with an address on the domain
// shows as Managed on Admin → Users.

test('add a domain, publish its record, verify it, link it to an IdP; a new user on it is managed', async ({ browser, page, member, signInAndOpen, shell }) => {
  test.slow();
  const idpName = `Okta ${member.organizationName}`;
  await seedIdentityProvider(servers.main.database, member.organizationId, idpName);
  const name = uniqueDomain('acme');

  await signInAndOpen('Domains');

  const form = page.getByRole('form', { name: 'Add domain' });
  await form.getByLabel('Domain name').fill('https://not-a-domain/');
  await form.getByRole('button', { name: 'Add domain' }).click();
  await expect(form.getByText('Enter the domain name only, such as example.com')).toBeVisible();
  await form.getByLabel('Domain name').fill(name);
  await form.getByRole('button', { name: 'Add domain' }).click();

  const panel = page.getByRole('region', { name });
  await expect(panel.getByText('Unverified', { exact: true })).toBeVisible();
  // The record to publish, as shown, and its copy button.
  const record = panel.getByRole('group', { name: `TXT record for ${name}` });
  await expect(record.getByText(`_portcullis-challenge.${name}`)).toBeVisible();
  const value = (await record.getByText(/^token=[0-9a-f]{32},expiry=never$/).textContent())!;
  await record.getByRole('button', { name: 'Copy value' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(value);

  // Not published yet: the page says so, and keeps the check.
  registerDomain(name);
  await panel.getByRole('button', { name: 'Verify' }).click();
  await expect(panel.getByRole('status', { name: `Last check of ${name}` })).toContainText(`No TXT record at _portcullis-challenge.${name}`);
  await expect(panel.getByText('Verify the domain to link it to an identity provider.')).toBeVisible();

  publishChallenge(name, [value]);
  await panel.getByRole('button', { name: 'Verify' }).click();
  await expect(panel.getByRole('status', { name: `Last check of ${name}` })).toContainText(`Verified: _portcullis-challenge.${name} holds the expected value.`);
  await expect(panel.getByText('Verified', { exact: true })).toBeVisible();
  await expect(panel.getByText(/Last check: \d{4}-\d\d-\d\d \d\d:\d\d UTC/)).toBeVisible();

  await panel.getByLabel('Identity provider').selectOption({ label: idpName });
  await panel.getByRole('button', { name: 'Link', exact: true }).click();
  await expect(panel.getByRole('button', { name: `Unlink ${idpName}` })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('region', { name }).getByRole('button', { name: `Unlink ${idpName}` })).toBeVisible();
  await page.screenshot({ path: screenshotPath('domains'), fullPage: true });

  // Someone new joins with an address on the domain: invited, they sign up through the link.
  const email = `nora@${name}`;
  await shell.nav().getByRole('link', { name: 'Users', exact: true }).click();
  const invite = page.getByRole('form', { name: 'Invite a member' });
  await invite.getByLabel('Email address').fill(email);
  await invite.getByRole('button', { name: 'Invite' }).click();
  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  const context = await browser.newContext({ baseURL: servers.main.url });
  const newcomer = await context.newPage();
  await newcomer.goto(link);
  const signUp = newcomer.getByRole('form', { name: 'Create your account' });
  await signUp.getByLabel('Your name').fill('Nora Managed');
  await signUp.getByLabel('Choose a password').fill('a long and private passphrase');
  await signUp.getByRole('button', { name: 'Create account and join' }).click();
  await expect(newcomer.getByTestId('current-organization')).toContainText(member.organizationName);
  await context.close();

  await page.reload();
  const row = page.getByTestId(`member-row-${email}`);
  await expect(row).toContainText('Nora Managed');
  await expect(row.getByText('Managed', { exact: true })).toBeVisible();
  await expect(page.getByTestId(`member-row-${member.email}`).getByText('Managed', { exact: true })).toHaveCount(0);

  // Removing the domain (confirmed) takes its link and releases the user.
  await shell.nav().getByRole('link', { name: 'Domains' }).click();
  await page.getByRole('region', { name }).getByRole('button', { name: 'Remove domain' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(`Its links to 1 identity provider (${idpName}) go with it.`);
  await expect(dialog).toContainText('1 person is no longer managed by this organization.');
  await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(page.getByText('No domains yet.')).toBeVisible();
  await shell.nav().getByRole('link', { name: 'Users', exact: true }).click();
  await expect(page.getByTestId(`member-row-${email}`).getByText('Managed', { exact: true })).toHaveCount(0);
});

test('other members see no Domains page', async ({ page, member, signInAs }) => {
  const colleague = await seedOrgMember(servers.main.database, member.organizationId);
  await signInAs(colleague);
  await expectAdminPageRefused(page, { link: 'Domains', path: '/admin/domains' });
  await expect(page.getByRole('heading', { name: 'Domains', exact: true })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Super admins only' })).toBeVisible();
});

test('sign-in by email sends a newcomer on a verified, linked domain to its IdP; they arrive managed', async ({ browser, page, request, member, signInPage, shell }) => {
  const idp = await (await TestIdp.create()).start();
  try {
    // The admin's part, through the API: an identity provider, a domain verified in the test
    // DNS server and linked to it.
    const token = await login(request, member.email, member.password);
    const configured = await configureIdp(request, token, await accountIdOf(member.organizationName), idp);
    const name = uniqueDomain('sso');
    const headers = { ...auth(token), 'content-type': 'application/json' };
    const domains = `/v1/organization/${member.organizationId}/domains`;
    const added = await (await request.post(domains, { headers, data: { domain_name: name } })).json();
    publishChallenge(name, [added.challenge_record_value]);
    const verified = await (await request.post(`${domains}/${added.domain_id}/verify`, { headers })).json();
    expect(verified.state).toBe('verified');
    const linked = await request.put(`/v1/organization/${member.organizationId}/authentication-methods/${configured.methodId}/domains`, {
      headers,
      data: { domain_id: added.domain_id },
    });
    expect(linked.status(), await linked.text()).toBe(200);

    // A newcomer types only their work address; the sign-in page sends them to the IdP.
    const email = `ines@${name}`;
    idp.people.set(email, { email, firstName: 'Ines', lastName: 'Routed' });
    const context = await browser.newContext({ baseURL: servers.main.url });
    const newcomer = await context.newPage();
    await newcomer.goto('/signin');
    await newcomer.getByRole('link', { name: 'Sign in with SSO' }).click();
    const sso = newcomer.getByRole('form', { name: 'Sign in with SSO' });
    await sso.getByLabel('Work email').fill(email);
    await sso.getByRole('button', { name: 'Continue with SSO' }).click();
    await expect(newcomer.getByRole('heading', { name: 'Test IdP sign-in' })).toBeVisible();
    expect(newcomer.url().startsWith(idp.ssoUrl)).toBe(true);
    await newcomer.getByLabel('IdP user').fill(email);
    await newcomer.getByRole('button', { name: 'Sign in at IdP' }).click();
    await expect(newcomer.getByTestId('current-organization')).toContainText(member.organizationName);
    await context.close();

    // The admin sees them on Admin → Users, managed by the organization.
    await signInPage.goto();
    await signInPage.signIn(member.email, member.password);
    await shell.nav().getByRole('link', { name: 'Users', exact: true }).click();
    const row = page.getByTestId(`member-row-${email}`);
    await expect(row).toContainText('Ines Routed');
    await expect(row.getByText('Managed', { exact: true })).toBeVisible();
  } finally {
    await idp.stop();
  }
});
