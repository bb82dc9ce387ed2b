import { expect, login, test, auth } from '../support/fixtures';
import { servers } from '../support/env';
import { auditOf, tokensOf } from '../support/seed';

test('a page asks for sign-in, a wrong password shows an error, the right one opens the console', async ({ page, member, signInPage, shell }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2F$/);

  await signInPage.signIn(member.email, 'definitely-wrong');
  await expect(signInPage.error()).toHaveText('Wrong email or password');
  await expect(page).toHaveURL(/\/signin/);

  await signInPage.password().fill(member.password);
  await signInPage.submit().click();
  await expect(page).toHaveURL('/');
  await shell.expectSignedIn(member.organizationName);
  await expect(page.getByTestId('client-ip')).toHaveText('127.0.0.1');

  // The cookie carries the session token: HttpOnly, SameSite=Lax, a login-created token.
  const cookie = (await page.context().cookies()).find((c) => c.name === 'next-auth.session-token');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  const sessions = await tokensOf(servers.main.database, member.userId);
  expect(sessions).toHaveLength(1);
  expect(sessions[0]).toMatchObject({ kind: 'session', authMethod: 'password', createdManually: false, tokenPrefix: cookie!.value.slice(0, 16) });
  expect(await auditOf(servers.main.database, { event: 'auth.sign_in_failed', actorEmail: member.email })).toHaveLength(1);
});

test('empty fields are flagged beside the form fields without a request', async ({ page, signInPage }) => {
  await signInPage.goto();
  await signInPage.submit().click();
  await expect(page.getByText('Enter a valid email address')).toBeVisible();
  await expect(page.getByText('Enter your password')).toBeVisible();
});

test('sign-out revokes the session token and returns to sign-in', async ({ page, member, signInAs, shell, request }) => {
  await signInAs(member);
  const token = (await page.context().cookies()).find((c) => c.name === 'next-auth.session-token')!.value;

  await shell.signOut();
  await expect(page).toHaveURL(/\/signin/);
  expect(await tokensOf(servers.main.database, member.userId)).toHaveLength(0);
  expect((await request.get('/v1/me', { headers: auth(token) })).status()).toBe(401);
  expect(await auditOf(servers.main.database, { event: 'auth.sign_out', actorEmail: member.email })).toHaveLength(1);

  await page.goto('/');
  await expect(page).toHaveURL(/\/signin/);
});

test('a session revoked through the API is signed out on its next click', async ({ page, member, signInAs, shell, request }) => {
  await signInAs(member);
  const sessionToken = (await page.context().cookies()).find((c) => c.name === 'next-auth.session-token')!.value;
  // The CLI signs in too, so the user has a second token to act with.
  const cliToken = await login(request, member.email, member.password);
  expect((await request.get('/v1/me', { headers: auth(sessionToken) })).status()).toBe(200);

  // Revoke the browser's session through the API: POST /v1/me/logout made with that session's token.
  expect((await request.post('/v1/me/logout', { headers: auth(sessionToken) })).status()).toBe(200);

  await shell.nav().getByRole('link', { name: 'Overview' }).click();
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  // The CLI's own token is untouched.
  expect((await request.get('/v1/me', { headers: auth(cliToken) })).status()).toBe(200);
});

test('too many wrong passwords lock the account for a while, with a clear message', async ({ member, signInPage }) => {
  await signInPage.goto();
  for (let i = 0; i < 5; i++) {
    await signInPage.signIn(member.email, `wrong-${i}`);
    await expect(signInPage.error()).toHaveText('Wrong email or password');
  }
  await signInPage.signIn(member.email, member.password);
  await expect(signInPage.error()).toContainText('Too many failed sign-in attempts for this account');
});
