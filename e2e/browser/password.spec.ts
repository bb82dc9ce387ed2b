import { randomInt } from 'node:crypto';
import type { Page } from '@playwright/test';
import { auth, expect, login, test } from '../support/fixtures';
import { Authenticator } from '../support/authenticator';
import { screenshotPath, servers } from '../support/env';
import { auditOf, seedMember, seedPersonalToken, seedSsoOnlyMember, seedTotp } from '../support/seed';
import { passwordResetLinkIn, withSmtpServer } from '../support/smtp';

// Password change on Profile → Authentication (main server), and "Forgot password?" → mail →
// /reset-password/<secret> → sign in (proxied server: it has SMTP). The wire format and the
// attacks over the API are in e2e/api/password.spec.ts.

const shot = (page: Page, name: string) => page.screenshot({ path: screenshotPath(name), fullPage: true });
const NEW = 'correct horse battery staple';

// The proxied server trusts X-Forwarded-For from 127.0.0.1: this file's requests come from an
// address of their own, so the per-address reset limit is not shared with other files' tests.
test.use({ extraHTTPHeaders: { 'x-forwarded-for': `198.19.${randomInt(256)}.${randomInt(1, 255)}` } });

test('Profile → Authentication → Change password: mistakes beside the fields, then changed; other sign-ins end, tokens stay', async ({ page, request, member, signInAs, signInPage, shell }) => {
  const elsewhere = await login(request, member.email, member.password);
  const personal = await seedPersonalToken(servers.main.database, member.userId);
  await signInAs(member);
  await page.goto('/profile/authentication');
  const card = page.getByRole('region', { name: 'Change password' });
  await expect(card).toContainText('A new password signs you out everywhere else');

  await card.getByLabel('Current password').fill('not my password at all');
  await card.getByLabel('New password', { exact: true }).fill(NEW);
  await card.getByLabel('Confirm new password').fill(`${NEW}!`);
  await card.getByRole('button', { name: 'Change password' }).click();
  await expect(card.getByText('The two new passwords differ')).toBeVisible();

  await card.getByLabel('Confirm new password').fill(NEW);
  await card.getByRole('button', { name: 'Change password' }).click();
  await expect(card.getByRole('alert')).toHaveText('Wrong current password');
  await expect(card.getByLabel('Current password')).toHaveAttribute('aria-invalid', 'true');

  await card.getByLabel('Current password').fill(member.password);
  await card.getByLabel('New password', { exact: true }).fill(member.password);
  await card.getByLabel('Confirm new password').fill(member.password);
  await card.getByRole('button', { name: 'Change password' }).click();
  await expect(card.getByRole('alert')).toHaveText('Choose a new password: this is your current one');
  await expect(card.getByLabel('New password', { exact: true })).toHaveAttribute('aria-invalid', 'true');

  await card.getByLabel('New password', { exact: true }).fill(NEW);
  await card.getByLabel('Confirm new password').fill(NEW);
  await card.getByRole('button', { name: 'Change password' }).click();
  await expect(card.getByTestId('password-changed')).toHaveText(
    'Your password is changed. You are still signed in here; every other sign-in has ended (1 other session signed out). Your personal tokens keep working: revoke them under Profile → Tokens if someone else may have one.',
  );
  await shot(page, 'password-change-done');
  expect((await request.get('/v1/me', { headers: auth(elsewhere) })).status()).toBe(401);
  expect((await request.get('/v1/me', { headers: auth(personal) })).status()).toBe(200);
  // This session goes on.
  await page.reload();
  await expect(page.getByRole('region', { name: 'Change password' })).toBeVisible();

  await shell.signOut();
  await signInPage.signIn(member.email, member.password);
  await expect(signInPage.error()).toBeVisible();
  await signInPage.signIn(member.email, NEW);
  await shell.expectSignedIn(member.organizationName);
});

test('"Also revoke my tokens" revokes the personal tokens with the change', async ({ page, request, member, signInAs }) => {
  const personal = await seedPersonalToken(servers.main.database, member.userId);
  await signInAs(member);
  await page.goto('/profile/authentication');
  const card = page.getByRole('region', { name: 'Change password' });
  await card.getByLabel('Current password').fill(member.password);
  await card.getByLabel('New password', { exact: true }).fill(NEW);
  await card.getByLabel('Confirm new password').fill(NEW);
  await card.getByLabel('Also revoke my tokens').check();
  await card.getByRole('button', { name: 'Change password' }).click();
  await expect(card.getByTestId('password-changed')).toContainText('Your personal tokens are revoked (1).');
  expect((await request.get('/v1/me', { headers: auth(personal) })).status()).toBe(401);
  expect((await auditOf(servers.main.database, { event: 'user.password_changed', actorEmail: member.email }))[0]!.details).toMatchObject({ personal_tokens_revoked: 1 });
});

test('a user who signs in only with Google sets a first password from a fresh sign-in; an older session is asked to sign in again', async ({ browser, member }) => {
  const fresh = await seedSsoOnlyMember(servers.main.database, member.organizationId);
  const context = await browser.newContext();
  await context.addCookies([{ name: 'next-auth.session-token', value: fresh.sessionToken, url: servers.main.url, httpOnly: true, sameSite: 'Lax' }]);
  const page = await context.newPage();
  await page.goto(`${servers.main.url}/profile/authentication`);
  const card = page.getByRole('region', { name: 'Set a password' });
  await expect(card.getByLabel('Current password')).toHaveCount(0);
  await shot(page, 'password-set-first');
  await card.getByLabel('New password', { exact: true }).fill(NEW);
  await card.getByLabel('Confirm new password').fill(NEW);
  await card.getByRole('button', { name: 'Set password' }).click();
  // The refresh after the change renames the card ("Set a password" becomes "Change password")
  // while the notice stays: look for the notice in the card whatever its name is by then.
  const passwordCard = page.getByRole('region').filter({ has: page.locator('#password-heading') });
  await expect(passwordCard.getByTestId('password-changed')).toContainText('Your password is set.');
  await expect(page.getByRole('region', { name: 'Change password' })).toBeVisible();
  await context.close();

  const stale = await seedSsoOnlyMember(servers.main.database, member.organizationId, { ageMs: 11 * 60_000 });
  const old = await browser.newContext();
  await old.addCookies([{ name: 'next-auth.session-token', value: stale.sessionToken, url: servers.main.url, httpOnly: true, sameSite: 'Lax' }]);
  const oldPage = await old.newPage();
  await oldPage.goto(`${servers.main.url}/profile/authentication`);
  const staleCard = oldPage.getByRole('region', { name: 'Set a password' });
  await expect(staleCard.getByTestId('password-needs-recent-sign-in')).toContainText('To set one, sign in again first');
  await expect(staleCard.getByLabel('New password', { exact: true })).toHaveCount(0);
  await staleCard.getByRole('button', { name: 'Sign out to sign in again' }).click();
  await expect(oldPage.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await old.close();
});

test('Forgot password? → the mailed link → a new password → sign-in still asks for the two-factor code', async ({ page, signInPage, shell }) => {
  const { url, database } = servers.proxied;
  const member = await seedMember(database);
  const { secret } = await seedTotp(database, member.userId);
  const authenticator = new Authenticator(secret);

  await signInPage.goto(url);
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
  const link = await withSmtpServer(async (received) => {
    await page.getByLabel('Email').fill(member.email);
    await page.getByRole('button', { name: 'Email me a reset link' }).click();
    await expect(page.getByTestId('reset-requested')).toHaveText(
      'If an account uses that address, we mailed it a link to reset the password. The link works once, within an hour.',
    );
    await shot(page, 'password-forgot-requested');
    await expect.poll(() => received.filter((m) => m.to.includes(member.email)).length, { timeout: 15_000 }).toBe(1);
    return passwordResetLinkIn(received.find((m) => m.to.includes(member.email))!);
  });

  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await expect(page.getByText(`For ${member.email}.`)).toBeVisible();
  await shot(page, 'password-reset-page');
  await page.getByLabel('New password', { exact: true }).fill(NEW);
  await page.getByLabel('Confirm new password').fill('something else entirely');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByText('The two new passwords differ')).toBeVisible();
  await page.getByLabel('Confirm new password').fill(NEW);
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByTestId('password-reset-done')).toContainText(`The password of ${member.email} is reset, and every sign-in of the account has ended.`);
  await shot(page, 'password-reset-done');

  await page.getByRole('link', { name: 'Sign in' }).click();
  await signInPage.signIn(member.email, NEW);
  // The reset did not touch two-factor authentication: the code is still asked for.
  const code = page.getByLabel('Authentication code');
  await expect(code).toBeVisible();
  await code.fill(await authenticator.nextCode());
  await signInPage.submit().click();
  await shell.expectSignedIn(member.organizationName);

  // The link worked once.
  await page.goto(link);
  await expect(page.locator('main').getByRole('alert')).toContainText('This password reset link has been used already: each link works once.');
  await expect(page.getByRole('button', { name: 'Set new password' })).toHaveCount(0);
  await shot(page, 'password-reset-used');
});

test('an unknown address gets the same answer in the browser, and no mail', async ({ page }) => {
  const { url } = servers.proxied;
  await page.goto(`${url}/forgot-password`);
  const address = `nobody-${randomInt(1e9)}@example.test`;
  await withSmtpServer(async (received) => {
    await page.getByLabel('Email').fill(address);
    await page.getByRole('button', { name: 'Email me a reset link' }).click();
    await expect(page.getByTestId('reset-requested')).toHaveText(
      'If an account uses that address, we mailed it a link to reset the password. The link works once, within an hour.',
    );
    await page.waitForTimeout(1000);
    expect(received.filter((m) => m.to.includes(address))).toEqual([]);
  });
});

test('without SMTP, "Forgot password?" says that reset needs mail and to ask an administrator', async ({ page, signInPage }) => {
  await signInPage.goto();
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page.getByTestId('reset-needs-mail')).toHaveText(
    'Password reset needs mail, and this server cannot send any (SMTP is not configured): ask an administrator to reset your password.',
  );
  await expect(page.getByRole('button', { name: 'Email me a reset link' })).toHaveCount(0);
  await shot(page, 'password-forgot-no-smtp');
});
