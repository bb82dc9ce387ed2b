import type { Page } from '@playwright/test';
import { auth, expect, test } from '../support/fixtures';
import { Authenticator } from '../support/authenticator';
import { screenshotPath, servers } from '../support/env';
import { auditOf, seedColleague, seedPersonalToken, setTwoFactorRequired, tokensOf } from '../support/seed';

const shot = (page: Page, name: string) => page.screenshot({ path: screenshotPath(name), fullPage: true });
const sessionCookie = async (page: Page) => (await page.context().cookies()).find((c) => c.name === 'next-auth.session-token')!.value;

/** Sets up an authenticator on Profile → Authentication; returns it and the recovery codes shown. */
async function enroll(page: Page) {
  await page.getByRole('button', { name: 'Set up authenticator app' }).click();
  const form = page.getByRole('form', { name: 'Set up authenticator app' });
  await expect(form.getByRole('img', { name: /^QR code for / })).toBeVisible();
  const secret = (await form.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  const authenticator = new Authenticator(secret);
  await shot(page, 'two-factor-setup');

  // A wrong code is flagged at the field; nothing is turned on.
  await form.getByLabel('Authentication code').fill(authenticator.wrongCode());
  await form.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
  await expect(form.getByText('Wrong authentication code')).toBeVisible();

  await form.getByLabel('Authentication code').fill(await authenticator.nextCode());
  await form.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
  await expect(page.getByRole('heading', { name: /Two-factor authentication is on/ })).toBeVisible();
  const codes = await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').allTextContents();
  expect(codes).toHaveLength(10);
  for (const code of codes) expect(code).toMatch(/^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
  return { authenticator, codes };
}

test('enroll an authenticator, sign in with a code and with a recovery code, turn it off', async ({ page, member, signInAndOpen, signInPage, shell }) => {
  await signInAndOpen('Authentication');
  await expect(page.getByRole('list', { name: 'Sign-in methods' })).toContainText('Email and password');
  await expect(page.getByTestId('two-factor-state')).toHaveText('Off');

  const { authenticator, codes } = await enroll(page);
  await shot(page, 'two-factor-recovery-codes');
  await page.getByRole('button', { name: 'I have saved them' }).click();
  await expect(page.getByTestId('two-factor-state')).toHaveText('On');
  await expect(page.getByTestId('recovery-codes-left')).toHaveText('10 of 10 left');
  await shot(page, 'two-factor-on');
  expect(await auditOf(servers.main.database, { event: 'two_factor.enrolled', actorEmail: member.email })).toHaveLength(1);

  // Sign out; signing in now asks for a code.
  await shell.signOut();
  await expect(page).toHaveURL(/\/signin/);
  await signInPage.signIn(member.email, member.password);
  const codeField = page.getByLabel('Authentication code');
  await expect(codeField).toBeVisible();
  await expect(codeField).toBeFocused();
  expect(await tokensOf(servers.main.database, member.userId)).toHaveLength(0);
  await shot(page, 'two-factor-sign-in');

  await codeField.fill(authenticator.wrongCode());
  await signInPage.submit().click();
  await expect(signInPage.error()).toHaveText('Wrong authentication code');
  await codeField.fill(await authenticator.nextCode());
  await signInPage.submit().click();
  await shell.expectSignedIn(member.organizationName);

  // A recovery code works in the same field, once.
  await shell.signOut();
  await expect(page).toHaveURL(/\/signin/);
  await signInPage.signIn(member.email, member.password);
  await page.getByLabel('Authentication code').fill(codes[0]!.toUpperCase());
  await signInPage.submit().click();
  await shell.expectSignedIn(member.organizationName);
  await page.goto('/profile/authentication');
  await expect(page.getByTestId('recovery-codes-left')).toHaveText('9 of 10 left');

  // Turning it off takes a code: not a used one. (A recovery code here, as for a lost phone;
  // another TOTP code would mean waiting for the next 30-second step.)
  await page.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Authentication code').fill(codes[0]!);
  await dialog.getByRole('button', { name: 'Turn off', exact: true }).click();
  await expect(dialog.getByText('Wrong authentication code')).toBeVisible();
  await dialog.getByLabel('Authentication code').fill(codes[1]!);
  await dialog.getByRole('button', { name: 'Turn off', exact: true }).click();
  await expect(page.getByTestId('two-factor-state')).toHaveText('Off');
  expect(await auditOf(servers.main.database, { event: 'two_factor.disabled', actorEmail: member.email })).toHaveLength(1);
});

test('an organization requiring two-factor sends a password user to enrollment; a personal token keeps working', async ({ page, member, signInPage, shell, request }) => {
  await setTwoFactorRequired(servers.main.database, member.organizationId);
  const colleague = await seedColleague(servers.main.database, member.organizationId);
  const personalToken = await seedPersonalToken(servers.main.database, colleague.userId);

  await signInPage.goto();
  await signInPage.signIn(colleague.email, colleague.password);
  await expect(page).toHaveURL('/profile/authentication');
  const message = `Organization "${member.organizationName}" requires two-factor authentication for password sign-ins. Set up an authenticator to continue.`;
  await expect(page.getByRole('main').getByRole('alert')).toHaveText(message);
  await shot(page, 'two-factor-required');

  // Every other page sends it back; the API refuses its session, not its personal token.
  for (const path of ['/', '/profile/tokens']) {
    await page.goto(path);
    await expect(page, path).toHaveURL('/profile/authentication');
  }
  const session = await sessionCookie(page);
  expect((await request.get('/v1/me', { headers: auth(session) })).status()).toBe(403);
  expect((await request.get('/v1/me', { headers: auth(personalToken) })).status()).toBe(200);

  const { authenticator } = await enroll(page);
  await page.getByRole('button', { name: 'I have saved them, continue' }).click();
  await expect(page).toHaveURL('/');
  await shell.expectSignedIn(member.organizationName);
  await shell.nav().getByRole('link', { name: 'Tokens' }).click();
  await expect(page.getByRole('heading', { name: 'Tokens', exact: true })).toBeVisible();

  // The session that enrolled is now a two-factor session; the personal token still works.
  expect((await request.get('/v1/me', { headers: auth(session) })).status()).toBe(200);
  expect((await request.get('/v1/me', { headers: auth(personalToken) })).status()).toBe(200);

  // From now on the colleague signs in with a code, straight into the console.
  await shell.signOut();
  await signInPage.signIn(colleague.email, colleague.password);
  await page.getByLabel('Authentication code').fill(await authenticator.nextCode());
  await signInPage.submit().click();
  await shell.expectSignedIn(member.organizationName);
  await expect(page).toHaveURL('/');
});
