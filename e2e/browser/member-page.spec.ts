import { expect, test } from '../support/fixtures';
import { Authenticator } from '../support/authenticator';
import { screenshotPath, servers } from '../support/env';
import { signInElsewhere } from '../support/admin-pages';
import { submitPasswordSignIn } from '../support/pages';
import {
  addMembership,
  auditOf,
  seedIdentity,
  seedMember,
  seedOrgMember,
  seedPersonalToken,
  seedTotp,
  setTwoFactorRequired,
  tokensOf,
  totpCredentialOf,
} from '../support/seed';

const db = servers.main.database;

test('a super admin opens a member’s page, revokes a token and resets 2FA; the member must enroll at the next sign-in', async ({ browser, page, request, member, signInPage, shell }) => {
  // Three sign-ins (argon2 is slow on purpose) and a TOTP step to wait for on a busy machine.
  test.slow();
  await setTwoFactorRequired(db, member.organizationId);
  const adminAuthenticator = new Authenticator((await seedTotp(db, member.userId)).secret);
  const bob = await seedOrgMember(db, member.organizationId, { realName: 'Bob Builder' });
  const bobAuthenticator = new Authenticator((await seedTotp(db, bob.userId)).secret);
  await seedIdentity(db, bob.userId, 'github', 'gh-4242');
  const bobToken = await seedPersonalToken(db, bob.userId);
  // bob signs in once over the API (with his code) and works: a session with a last use.
  const signedIn = await request.post('/v1/userauth', { data: { email: bob.email, password: bob.password, otp: await bobAuthenticator.nextCode() } });
  expect(signedIn.status()).toBe(200);
  const bobSession = (await signedIn.json()).token as string;
  expect((await request.get('/v1/me', { headers: { authorization: `aivenv1 ${bobSession}` } })).status()).toBe(200);
  const personal = (await tokensOf(db, bob.userId)).find((t) => t.kind === 'personal')!;
  const session = (await tokensOf(db, bob.userId)).find((t) => t.kind === 'session')!;

  await signInPage.goto();
  await signInPage.signIn(member.email, member.password);
  await page.getByLabel('Authentication code').fill(await adminAuthenticator.nextCode());
  await signInPage.submit().click();
  await shell.expectSignedIn(member.organizationName);
  await shell.nav().getByRole('link', { name: 'Users', exact: true }).click();
  await page.getByTestId(`member-row-${bob.email}`).getByRole('link', { name: 'Bob Builder' }).click();

  // Who bob is here.
  await expect(page).toHaveURL(`/admin/users/${bob.userId}`);
  await expect(page.getByRole('heading', { name: 'Bob Builder', level: 1 })).toBeVisible();
  await expect(page.getByRole('main')).toContainText(bob.email);
  await expect(page.getByTestId('member-role')).toHaveText('Member');
  await expect(page.getByTestId('member-managed')).toHaveText('Not managed');
  await expect(page.getByTestId('member-other-organizations')).toHaveText('None');

  // How he signs in: password with 2FA, his GitHub account, the authenticator app.
  const password = page.getByTestId('method-internal');
  await expect(password).toContainText('Password');
  await expect(password).toContainText('Password sign-ins ask for an authenticator code');
  await expect(password.getByTestId('last-used')).toContainText('UTC');
  await expect(page.getByTestId('method-github')).toContainText('GitHub');
  await expect(page.getByTestId('method-github')).toContainText('gh-4242');
  await expect(page.getByTestId('method-github').getByTestId('last-used')).toHaveText('Never');
  const app = page.getByTestId('method-authenticator');
  await expect(app).toContainText('Authenticator app');
  await expect(app).toContainText('10 recovery codes left');
  await expect(app.getByTestId('last-used')).toContainText('UTC');
  await expect(page.getByTestId('two-factor-state')).toHaveText('On: password sign-ins ask for a code from their authenticator app.');
  await expect(page.getByText('This organization requires two-factor authentication for password sign-ins.')).toBeVisible();

  // His session and his personal token.
  await expect(page.getByRole('heading', { name: /^Sessions and tokens/ })).toContainText('(2)');
  const sessionRow = page.getByTestId(`member-token-${session.tokenPrefix}`);
  await expect(sessionRow).toContainText('Login session');
  await expect(sessionRow).toContainText('via password');
  const tokenRow = page.getByTestId(`member-token-${personal.tokenPrefix}`);
  await expect(tokenRow).toContainText('Personal token');
  await expect(tokenRow).toContainText('seeded personal token');
  await page.screenshot({ path: screenshotPath('member-page'), fullPage: true });
  // The table fits a 1280-pixel window: Revoke is reachable without scrolling sideways.
  const box = tokenRow.locator('xpath=ancestor::table/..');
  expect(await box.evaluate((el) => el.scrollWidth - el.clientWidth)).toBe(0);

  // Revoke the personal token: it stops working at once.
  await tokenRow.getByRole('button', { name: `Revoke ${personal.tokenPrefix}` }).click();
  await expect(page.getByRole('dialog')).toContainText('Anything using this token stops working at once.');
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('main').getByRole('status').first()).toHaveText(`Token ${personal.tokenPrefix} of ${bob.email} revoked.`);
  await expect(tokenRow).toHaveCount(0);
  expect((await request.get('/v1/me', { headers: { authorization: `aivenv1 ${bobToken}` } })).status()).toBe(401);

  // Reset his 2FA: the dialog says what happens.
  await page.getByRole('button', { name: 'Reset two-factor authentication' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Their authenticator app and all their recovery codes stop working at once.');
  await expect(dialog).toContainText('at their next password sign-in they must set up a new authenticator');
  await page.screenshot({ path: screenshotPath('member-page-reset-dialog') });
  await dialog.getByRole('button', { name: 'Reset' }).click();
  await expect(page.getByRole('main').getByRole('status').first()).toHaveText(
    `Two-factor authentication of ${bob.email} was reset: their authenticator app and recovery codes no longer work. ` +
      'This organization requires two-factor authentication: they must set up an authenticator at their next password sign-in.',
  );
  await expect(page.getByTestId('two-factor-state')).toHaveText('Off.');
  await expect(page.getByTestId('method-authenticator')).toHaveCount(0);
  await expect(page.getByTestId('two-factor-reset-refusal')).toHaveText(`${bob.email} has no two-factor authentication to reset.`);
  expect(await totpCredentialOf(db, bob.userId)).toBeUndefined();
  await page.screenshot({ path: screenshotPath('member-page-after-reset'), fullPage: true });

  // bob's next password sign-in asks for no code and leads only to setting up an authenticator.
  const bobBrowser = await (await browser.newContext({ baseURL: servers.main.url })).newPage();
  await submitPasswordSignIn(bobBrowser, bob);
  await expect(bobBrowser).toHaveURL('/profile/authentication');
  await expect(bobBrowser.getByRole('main').getByRole('alert')).toHaveText(
    `Organization "${member.organizationName}" requires two-factor authentication for password sign-ins. Set up an authenticator to continue.`,
  );
  await expect(bobBrowser.getByRole('button', { name: 'Set up authenticator app' })).toBeVisible();
  await bobBrowser.context().close();

  expect(await auditOf(db, { event: 'member.two_factor_reset', actorEmail: member.email })).toMatchObject([
    { organizationId: member.organizationId, details: { user_email: bob.email, reset_by: member.email, enrollment_required: true } },
  ]);
  expect(await auditOf(db, { event: 'member.token_revoked', actorEmail: member.email })).toMatchObject([
    { details: { user_email: bob.email, token_prefix: personal.tokenPrefix, kind: 'personal' } },
  ]);
});

test('the page says why 2FA cannot be reset for a member of other organizations; others’ members and plain members get nothing', async ({ browser, page, member, signInAs }) => {
  const carol = await seedOrgMember(db, member.organizationId);
  await seedTotp(db, carol.userId);
  const elsewhere = await seedMember(db);
  await addMembership(db, elsewhere.organizationId, carol.userId);

  await signInAs(member);
  await page.goto(`/admin/users/${carol.userId}`);
  await expect(page.getByTestId('member-other-organizations')).toHaveText('Also a member of 1 other organization');
  await expect(page.getByTestId('two-factor-reset-refusal')).toHaveText(
    `${carol.email} also belongs to other organizations and is not managed by this one: their two-factor authentication is not this organization's alone to change. ` +
      'They can turn it off themselves under Profile → Authentication with a code or a recovery code, or the operator of this server can remove it.',
  );
  await expect(page.getByRole('button', { name: 'Reset two-factor authentication' })).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('member-page-other-organizations'), fullPage: true });

  // A user of another organization, by id: not found, nothing of theirs shown.
  const response = await page.goto(`/admin/users/${elsewhere.userId}`);
  expect(response?.status()).toBe(404);
  await expect(page.getByText(elsewhere.email)).toHaveCount(0);

  // A plain member of this organization: the Admin pages' 403.
  const plain = await seedOrgMember(db, member.organizationId);
  const plainPage = await signInElsewhere(browser, plain.email, plain.password);
  const forbidden = await plainPage.goto(`/admin/users/${carol.userId}`);
  expect(forbidden?.status()).toBe(403);
  await expect(plainPage.getByRole('heading', { name: 'Super admins only' })).toBeVisible();
  await expect(plainPage.getByText(carol.email)).toHaveCount(0);
  await plainPage.context().close();
  expect(await totpCredentialOf(db, carol.userId)).toBeDefined();
});
