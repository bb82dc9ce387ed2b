import { auth, expect, test } from '../support/fixtures';
import { servers } from '../support/env';
import { SignInPage } from '../support/pages';
import { continueWith, providerLabels, signInError, StandInProvider, type Provider } from '../support/oauth';
import { auditByDetails, auditOf, identitiesOf, seedInvitation, seedMember, setPolicy, tokensOf, unique, userByEmail } from '../support/seed';

// Third-party sign-in through real protocol peers on 127.0.0.1 (e2e/support/oauth-peers.ts):
// oidc-provider standing in for Google and Microsoft, a GitHub OAuth and API server for GitHub.

const db = servers.main.database;

test('the sign-in page offers each configured provider, and none where none is configured', async ({ page }) => {
  await page.goto('/signin');
  for (const label of Object.values(providerLabels)) await expect(page.getByRole('button', { name: `Continue with ${label}` })).toBeVisible();
  await page.goto(`${servers.proxied.url}/signin`);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByRole('button', { name: /Continue with/ })).toHaveCount(0);
});

test('Google: a verified address links the existing account; the session records the method', async ({ page, member, shell }) => {
  await continueWith(page, 'google');
  await new StandInProvider(page).signInAs(member.email);

  await expect(page.getByRole('heading', { name: 'Account linked' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText('linked to your existing Portcullis account with the same address, which Google has verified');
  await page.getByRole('link', { name: 'Continue to the console' }).click();
  await shell.expectSignedIn(member.organizationName);

  expect(await identitiesOf(db, member.userId)).toMatchObject([{ provider: 'google', email: member.email }]);
  expect((await tokensOf(db, member.userId)).map((t) => t.authMethod)).toEqual(['google']);
  expect((await auditOf(db, { event: 'auth.sign_in', actorEmail: member.email }))[0]!.details).toMatchObject({ method: 'google', outcome: 'linked' });

  // Next time the same Google account simply signs in.
  await page.context().clearCookies();
  await continueWith(page, 'google');
  await new StandInProvider(page).signInAs(member.email);
  await shell.expectSignedIn(member.organizationName);

  // The session carries its method: turning Google off ends it for the organization at once.
  await setPolicy(db, member.organizationId, { oauthGoogleEnabled: false });
  await page.reload();
  await expect(page.getByRole('alert')).toContainText(`Organization "${member.organizationName}" does not allow sign-in with Google`);
});

test('Microsoft: a new person with a pending invitation gets an account and joins', async ({ page, member, shell }) => {
  const email = `${unique('newcomer')}@example.test`;
  await seedInvitation(db, member.organizationId, email);

  await continueWith(page, 'microsoft');
  await new StandInProvider(page).signInAs(email);

  await expect(page.getByRole('heading', { name: 'Account created' })).toBeVisible();
  await expect(page.getByRole('main')).toContainText(member.organizationName);
  await page.getByRole('link', { name: 'Continue to the console' }).click();
  await shell.expectSignedIn(member.organizationName);

  const user = (await userByEmail(db, email))!;
  expect(await identitiesOf(db, user.id)).toMatchObject([{ provider: 'microsoft', email }]);
  expect((await tokensOf(db, user.id)).map((t) => t.authMethod)).toEqual(['microsoft']);
});

test('a new person without an invitation is told so, and no account is made', async ({ page }) => {
  const email = `${unique('stranger')}@example.test`;
  await continueWith(page, 'google');
  await new StandInProvider(page).signInAs(email);
  await expect(signInError(page)).toContainText(`No Portcullis account uses ${email}, and no organization has invited it`);
  expect(await userByEmail(db, email)).toBeUndefined();
});

test('GitHub: sign in, then unlink on Profile → Authentication; link again from there', async ({ page, member }) => {
  await continueWith(page, 'github');
  await new StandInProvider(page).signInAs(member.email, { login: unique('octo') });
  await expect(page.getByRole('heading', { name: 'Account linked' })).toBeVisible();
  expect((await tokensOf(db, member.userId)).map((t) => t.authMethod)).toEqual(['github']);

  await page.goto('/profile/authentication');
  const methods = page.getByRole('list', { name: 'Sign-in methods' });
  await expect(methods).toContainText('Email and password');
  await expect(methods).toContainText('GitHub');
  await page.getByRole('button', { name: 'Unlink GitHub' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Unlink' }).click();
  // This session came through GitHub: unlinking ended it (and every other GitHub session).
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect(await identitiesOf(db, member.userId)).toEqual([]);
  expect(await tokensOf(db, member.userId)).toEqual([]);
  expect((await auditOf(db, { event: 'identity.unlinked', actorEmail: member.email }))[0]!.details).toMatchObject({ provider: 'github', sessions_ended: 1 });

  await new SignInPage(page).signIn(member.email, member.password);
  await expect(page).toHaveURL(/\/profile\/authentication$/);
  await expect(methods).not.toContainText('GitHub');

  // Linking while signed in: any GitHub account of theirs, whatever its address.
  await page.getByRole('button', { name: 'Link GitHub' }).click();
  await new StandInProvider(page).signInAs(`${unique('personal')}@elsewhere.test`, { verified: false });
  await expect(page.getByRole('status')).toContainText('Your GitHub account is linked');
  await expect(methods).toContainText('@elsewhere.test');
  // Linking signs nobody in: the session is still the password one.
  expect((await tokensOf(db, member.userId)).map((t) => t.authMethod)).toEqual(['password']);
  expect((await auditOf(db, { event: 'identity.linked', actorEmail: member.email }))[0]!.details).toMatchObject({ provider: 'github', via: 'profile' });
});

// Someone else holds (or may hold) the Google account linked to this user: unlinking it must
// take away what it already got, not only future sign-ins. Before, the old Google session and a
// personal token made from it kept working after the unlink.
test('unlinking Google ends the Google session and the personal tokens made through it', async ({ page, member, request, shell }) => {
  await continueWith(page, 'google');
  await new StandInProvider(page).signInAs(member.email);
  await expect(page.getByRole('heading', { name: 'Account linked' })).toBeVisible();
  const googleSession = (await page.context().cookies()).find((c) => c.name === 'next-auth.session-token')!.value;
  const made = await request.post('/v1/access_token', { headers: auth(googleSession), data: { description: 'made through google' } });
  expect(made.status()).toBe(200);
  const personal = (await made.json()).full_token as string;
  expect((await request.get('/v1/me', { headers: auth(googleSession) })).status()).toBe(200);

  // The owner signs in with the password elsewhere and unlinks Google.
  await page.context().clearCookies();
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(member.email, member.password);
  await shell.expectSignedIn(member.organizationName);
  await page.goto('/profile/authentication');
  await page.getByRole('button', { name: 'Unlink Google' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Unlink' }).click();
  await expect(page.getByRole('list', { name: 'Sign-in methods' })).not.toContainText('Google');

  for (const token of [googleSession, personal]) {
    const refused = await request.get('/v1/me', { headers: auth(token) });
    expect(refused.status()).toBe(401);
    expect((await refused.json()).message).toBe('Invalid token: it does not exist or has been revoked');
  }
  // The password session that unlinked stays.
  expect((await tokensOf(db, member.userId)).map((t) => t.authMethod)).toEqual(['password']);
  expect((await auditOf(db, { event: 'identity.unlinked', actorEmail: member.email }))[0]!.details).toMatchObject({
    provider: 'google',
    sessions_ended: 1,
    personal_tokens_revoked: 1,
  });
});

test('the organization’s policy refuses each provider it turns off, naming the allowed methods', async ({ page }) => {
  const cases: { provider: Provider; off: Parameters<typeof setPolicy>[2] }[] = [
    { provider: 'google', off: { oauthGoogleEnabled: false } },
    { provider: 'microsoft', off: { oauthMicrosoftEnabled: false } },
    { provider: 'github', off: { oauthEnabled: false } },
  ];
  for (const { provider, off } of cases) {
    const member = await seedMember(db);
    await setPolicy(db, member.organizationId, off);
    await page.context().clearCookies();
    await continueWith(page, provider);
    await new StandInProvider(page).signInAs(member.email);
    await expect(signInError(page)).toContainText(
      `Organization "${member.organizationName}" does not allow sign-in with ${providerLabels[provider]}. Allowed methods: password`,
    );
    expect(await identitiesOf(db, member.userId)).toEqual([]);
    expect(await tokensOf(db, member.userId)).toEqual([]);
    expect((await auditOf(db, { event: 'auth.sign_in_failed', actorEmail: member.email }))[0]!.details).toMatchObject({ method: provider, reason: 'method_not_allowed' });
  }
});

test('an unverified address does not take over the existing account', async ({ page, member }) => {
  await continueWith(page, 'google');
  await new StandInProvider(page).signInAs(member.email, { verified: false });
  await expect(signInError(page)).toContainText(`Google has not verified ${member.email}`);
  expect(await identitiesOf(db, member.userId)).toEqual([]);
  expect(await tokensOf(db, member.userId)).toEqual([]);
});

test('failures at the provider land on the sign-in page and in the audit log', async ({ page }) => {
  // Denied consent.
  await continueWith(page, 'github');
  await new StandInProvider(page).deny();
  await expect(page).toHaveURL(/\/signin\?error=oauth_access_denied/);
  await expect(signInError(page)).toContainText('You did not allow Portcullis to use your GitHub account');

  // An expired or forged code: the callback arrives with a code the provider never issued.
  // GitHub's redirect back is rewritten on its way to the browser.
  const email = `${unique('coder')}@example.test`;
  await continueWith(page, 'github');
  await page.route('**/login/oauth/authorize/decide?**', async (route) => {
    const response = await route.fetch({ maxRedirects: 0 });
    const location = new URL(response.headers().location!);
    location.searchParams.set('code', 'not-a-code-github-issued');
    await route.fulfill({ status: 302, headers: { ...response.headers(), location: location.toString() } });
  });
  await new StandInProvider(page).signInAs(email);
  await expect(signInError(page)).toContainText('The sign-in code from GitHub had expired or was already used');

  const failures = (await auditByDetails(db, 'auth.sign_in_failed', { method: 'github' })).map((e) => e.details.reason);
  expect(failures).toEqual(expect.arrayContaining(['access_denied', 'invalid_code']));

  // Google's (OpenID) side: denied consent, and an answer naming another issuer (RFC 9207's
  // `iss`, which openid-client checks against the issuer it discovered).
  await continueWith(page, 'google');
  await new StandInProvider(page).deny();
  await expect(signInError(page)).toContainText('You did not allow Portcullis to use your Google account');

  const google = `http://127.0.0.1:${process.env.E2E_GOOGLE_PORT}`;
  // Playwright does not intercept the requests of a redirect chain, so the provider's redirect
  // after sign-in becomes a page that navigates on, and that navigation is intercepted.
  await page.route(`${google}/interaction/*/login`, async (route) => {
    const response = await route.fetch({ maxRedirects: 0 });
    const next = new URL(response.headers().location!, google).toString();
    await route.fulfill({ status: 200, headers: { ...response.headers(), 'content-type': 'text/html' }, body: `<meta http-equiv="refresh" content="0;url=${next}">` });
  });
  await page.route(`${google}/auth/**`, async (route) => {
    const response = await route.fetch({ maxRedirects: 0 });
    const location = response.headers().location ?? '';
    if (!location.includes('code=')) return route.fulfill({ response });
    const forged = new URL(location);
    forged.searchParams.set('iss', 'https://issuer.invalid');
    await route.fulfill({ status: 302, headers: { ...response.headers(), location: forged.toString() } });
  });
  await continueWith(page, 'google');
  await new StandInProvider(page).signInAs(email);
  await expect(signInError(page)).toContainText('The answer came from an issuer other than the Google this console trusts');
  const googleFailures = (await auditByDetails(db, 'auth.sign_in_failed', { method: 'google' })).map((e) => e.details.reason);
  expect(googleFailures).toEqual(expect.arrayContaining(['access_denied', 'wrong_issuer']));
});
