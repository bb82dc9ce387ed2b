import { expect, test } from '../support/fixtures';
import { screenshotPath, servers } from '../support/env';
import { expectAdminPageRefused } from '../support/admin-pages';
import { seedIdentityProvider, seedMemberWithEmail } from '../support/domains';
import { seedIdentity, seedOrgMember, seedPersonalToken, setManagedBy, unique } from '../support/seed';

test('an admin is refused changes that would lock them out, then saves an allowlist with their IP', async ({ page, member, signInAs, shell }) => {
  await signInAs(member);
  await shell.nav().getByRole('link', { name: 'Authentication policy' }).click();
  await expect(page.getByRole('heading', { name: 'Authentication policy' })).toBeVisible();
  const form = page.getByRole('form', { name: 'Authentication policy' });
  const impact = page.getByRole('region', { name: 'Impact of this change' });

  // Password sign-in off while signed in with a password: the preview warns, saving is refused.
  await form.getByLabel('Allow password sign-in').uncheck();
  await expect(impact).toContainText('your current session (signed in with password) would stop working');
  await expect(impact).toContainText('1 member(s) would be left with no way to sign in here:');
  await expect(impact.getByRole('list', { name: 'Members left with no way to sign in' })).toHaveText(`${member.email} (has only password)`);
  await expect(impact).toContainText(member.email);
  await expect(impact).toContainText('1 session(s) stop working.');
  await expect(impact).toContainText('Application tokens are not affected.');
  await form.getByRole('button', { name: 'Save policy' }).click();
  await expect(form.getByRole('alert')).toContainText('This change would lock you out: your current session (signed in with password)');
  await form.getByRole('button', { name: 'Discard changes' }).click();
  await expect(form.getByLabel('Allow password sign-in')).toBeChecked();

  // An allowlist without the admin's address: shown on the page, refused on save.
  await form.getByLabel('IP address or range').fill('2001:db8::/33x');
  await form.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(form.getByText('Not an IP address or CIDR range: 2001:db8::/33x')).toBeVisible();
  await form.getByLabel('IP address or range').fill('10.0.0.0/8');
  await form.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(page.getByTestId('ip-status')).toContainText('127.0.0.1 is not in this list.');
  await expect(impact).toContainText('your IP address 127.0.0.1 is not in the new IP allowlist');
  await page.screenshot({ path: screenshotPath('policy-lockout'), fullPage: true });
  await form.getByRole('button', { name: 'Save policy' }).click();
  await expect(form.getByRole('alert')).toHaveText(
    'This change would lock you out: your IP address 127.0.0.1 is not in the new IP allowlist. Add it first.',
  );

  await form.getByRole('button', { name: 'Add your current IP (127.0.0.1)' }).click();
  await expect(page.getByTestId('ip-status')).toContainText('127.0.0.1 is allowed by this list.');
  await form.getByLabel('GitHub').uncheck();
  await form.getByRole('button', { name: 'Save policy' }).click();
  await expect(form.getByRole('status')).toHaveText('Policy saved. It applies to the next request.');

  await page.reload();
  await expect(form.getByRole('list', { name: 'Allowed IP ranges' })).toContainText('10.0.0.0/8');
  await expect(form.getByRole('list', { name: 'Allowed IP ranges' })).toContainText('127.0.0.1/32');
  await expect(form.getByLabel('GitHub')).not.toBeChecked();
  await page.screenshot({ path: screenshotPath('policy-saved'), fullPage: true });
});

test('a member who is not a super admin sees no Admin section and gets 403 on the page', async ({ page, member, signInAs }) => {
  const plain = await seedOrgMember(servers.main.database, member.organizationId);
  await signInAs(plain);
  await expectAdminPageRefused(page, { link: 'Authentication policy', path: '/admin/authentication-policy' });
  await expect(page.getByRole('heading', { name: 'Super admins only' })).toBeVisible();
  await expect(page.getByRole('form', { name: 'Authentication policy' })).toHaveCount(0);
});

test('a second member loses password sign-in once the policy turns it off', async ({ page, member, signInPage, request }) => {
  const plain = await seedOrgMember(servers.main.database, member.organizationId);
  // The admin turns passwords off through the API with a personal token (a password session
  // could not: the lockout guard refuses it).
  const session = (await (await request.post('/v1/userauth', { data: { email: member.email, password: member.password } })).json()).token;
  const personal = (await (await request.post('/v1/access_token', { data: { description: 'admin' }, headers: { authorization: `aivenv1 ${session}` } })).json()).full_token;
  const patched = await request.patch(`/v1/organization/${member.organizationId}/config/authentication`, {
    data: { password_auth_enabled: false },
    headers: { authorization: `aivenv1 ${personal}` },
  });
  expect(patched.status()).toBe(200);

  await signInPage.goto();
  await signInPage.signIn(plain.email, plain.password);
  await expect(signInPage.error()).toHaveText(
    `Organization "${member.organizationName}" does not allow sign-in with a password. Allowed methods: Google, Microsoft, GitHub, SAML single sign-on.`,
  );
});

test('the preview counts every way in: switching SAML off lists the member who has only SSO, not the one with a password too', async ({ page, member, signInAs }) => {
  const db = servers.main.database;
  const idp = await seedIdentityProvider(db, member.organizationId, 'Corp Okta');
  const ssoOnly = await seedMemberWithEmail(db, member.organizationId, `${unique('sso-only')}@example.test`);
  await seedIdentity(db, ssoOnly.id, `saml:${idp.id}`, unique('subject'));
  const both = await seedOrgMember(db, member.organizationId, { email: `${unique('password-and-sso')}@example.test` });
  await seedIdentity(db, both.userId, `saml:${idp.id}`, unique('subject'));
  // Personal tokens: one of a member this organization manages, one of a member it does not.
  const managed = await seedOrgMember(db, member.organizationId);
  await setManagedBy(db, managed.userId, member.organizationId);
  await seedPersonalToken(db, managed.userId);
  await seedPersonalToken(db, both.userId);

  await page.setViewportSize({ width: 1280, height: 800 });
  await signInAs(member);
  await page.goto('/admin/authentication-policy');
  const form = page.getByRole('form', { name: 'Authentication policy' });
  const impact = page.getByRole('region', { name: 'Impact of this change' });
  const losing = impact.getByRole('list', { name: 'Members left with no way to sign in' });

  await form.getByLabel('Allow SAML single sign-on').uncheck();
  await expect(impact).toContainText('1 member(s) would be left with no way to sign in here:');
  await expect(losing.getByRole('listitem')).toHaveText([`${ssoOnly.email} (has only SSO: Corp Okta)`]);
  await expect(impact).not.toContainText(both.email);
  await expect(impact).not.toContainText(member.email);
  await page.screenshot({ path: screenshotPath('policy-saml-off-1280'), fullPage: true });

  // Passwords off instead: the member with a password and SSO keeps SSO; the admin and the
  // password-only member have nothing left (and the admin is warned about their own session).
  await form.getByLabel('Allow SAML single sign-on').check();
  await form.getByLabel('Allow password sign-in').uncheck();
  await expect(losing.getByRole('listitem')).toHaveText([managed.email, member.email].sort().map((email) => `${email} (has only password)`));
  await expect(impact).not.toContainText(both.email);
  await expect(impact).not.toContainText(ssoOnly.email);

  // "Disabled for managed users": every personal token stops, the managed member's and the other's.
  await form.getByLabel('Allow password sign-in').check();
  await form.getByLabel('Disabled for managed users').check();
  await expect(impact).toContainText('2 personal token(s) stop working.');
  await expect(losing).toHaveCount(0);
});
