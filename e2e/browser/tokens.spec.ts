import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import { insertTokens } from '../support/seed';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test('generate a token, use it, watch "last used" change, revoke it', async ({ page, member, signInPage, shell, request }) => {
  await signInPage.goto();
  await signInPage.signIn(member.email, member.password);
  await shell.expectSignedIn(member.organizationName);
  await shell.nav().getByRole('link', { name: 'Tokens' }).click();
  await expect(page.getByRole('heading', { name: 'Tokens', exact: true })).toBeVisible();

  const form = page.getByRole('form', { name: 'Generate token' });
  // Bad input is flagged beside the fields.
  await form.getByRole('button', { name: 'Generate token' }).click();
  await expect(form.getByText('Enter a description')).toBeVisible();
  await form.getByLabel('Max age', { exact: true }).selectOption('custom');
  await form.getByLabel('Custom max age', { exact: true }).fill('5');
  await form.getByLabel('Custom max age unit').selectOption('minutes');
  await form.getByLabel('IP address or range').fill('10.0.0.0/33');
  await form.getByRole('button', { name: 'Add', exact: true }).click();
  await expect(form.getByText('Not an IP address or CIDR range: 10.0.0.0/33')).toBeVisible();
  await form.getByRole('button', { name: 'Generate token' }).click();
  await expect(form.getByText('The shortest max age is 600 seconds (10 minutes)')).toBeVisible();

  await form.getByLabel('Description').fill('Deploy script');
  await form.getByLabel('Max age', { exact: true }).selectOption('86400');
  await form.getByLabel('IP address or range').fill('2001:db8::/32');
  await form.getByRole('button', { name: 'Add', exact: true }).click();
  await form.getByRole('button', { name: 'Add your current IP (127.0.0.1)' }).click();
  await expect(form.getByRole('list', { name: 'Allowed IP ranges' })).toContainText('127.0.0.1/32');
  await form.getByRole('button', { name: 'Generate token' }).click();

  await expect(page.getByText('It is shown only once and cannot be shown again')).toBeVisible();
  const fullToken = (await page.getByTestId('full-token').textContent())!;
  expect(fullToken).toMatch(/^pcls_/);
  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(fullToken);
  await page.screenshot({ path: `${process.env.E2E_DIR}/tokens-created.png`, fullPage: true });

  const row = page.getByTestId(`token-row-${fullToken.slice(0, 16)}`);
  await expect(row).toContainText('Deploy script');
  await expect(row).toContainText('Personal token · password');
  await expect(row.getByTestId('last-used')).toHaveText('Never used');

  const me = await request.get('/v1/me', { headers: { ...auth(fullToken), 'user-agent': 'aiven-client/4.16.0' } });
  expect(me.status()).toBe(200);
  await page.reload();
  await expect(row.getByTestId('last-used')).toContainText('UTC');
  await expect(row).toContainText('127.0.0.1');
  await expect(row).toContainText('aiven-client 4.16.0');

  // Edit the description.
  await row.getByRole('button', { name: /Edit description/ }).click();
  await row.getByLabel('Description').fill('Deploy script (prod)');
  await row.getByRole('button', { name: 'Save' }).click();
  await expect(row).toContainText('Deploy script (prod)');

  // The current session is marked.
  await expect(page.getByText('Current', { exact: true })).toHaveCount(1);
  await page.screenshot({ path: `${process.env.E2E_DIR}/tokens-list.png`, fullPage: true });

  await row.getByRole('button', { name: 'Revoke' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Anything using this token stops working at once');
  await dialog.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toHaveCount(0);
  expect((await request.get('/v1/me', { headers: auth(fullToken) })).status()).toBe(401);
});

test('revoke another session and it is signed out; sign out everywhere else', async ({ browser, page, member, signInPage, shell }) => {
  // A second browser signs in as the same person.
  const otherContext = await browser.newContext({ baseURL: servers.main.url });
  const other = await otherContext.newPage();
  await other.goto('/signin');
  await other.getByLabel('Email').fill(member.email);
  await other.getByLabel('Password').fill(member.password);
  await other.getByRole('button', { name: 'Sign in' }).click();
  await expect(other.getByTestId('current-organization')).toContainText(member.organizationName);
  const otherToken = (await otherContext.cookies()).find((c) => c.name === 'next-auth.session-token')!.value;

  await signInPage.goto();
  await signInPage.signIn(member.email, member.password);
  await shell.expectSignedIn(member.organizationName);
  await page.goto('/profile/tokens');
  const otherRow = page.getByTestId(`token-row-${otherToken.slice(0, 16)}`);
  await expect(otherRow).toContainText('Session · password');
  await otherRow.getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(otherRow).toHaveCount(0);

  await other.getByRole('link', { name: 'Tokens' }).click();
  await expect(other).toHaveURL(/\/signin/);
  await otherContext.close();

  // Two more sessions elsewhere (CLI sign-ins), then sign out everywhere else.
  await login(page.request, member.email, member.password);
  await login(page.request, member.email, member.password);
  await page.reload();
  await expect(page.getByRole('heading', { name: /Your tokens and sessions/ })).toContainText('(3)');
  await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Sign out others' }).click();
  await expect(page.getByText('Signed out everywhere else: 2 tokens revoked.')).toBeVisible();
  await expect(page.getByRole('heading', { name: /Your tokens and sessions/ })).toContainText('(1)');
});

test('revoking the session in use signs you out', async ({ page, member, signInPage, shell }) => {
  await signInPage.goto();
  await signInPage.signIn(member.email, member.password);
  await shell.expectSignedIn(member.organizationName);
  await page.goto('/profile/tokens');
  const current = page.getByRole('row').filter({ hasText: 'Current' });
  await current.getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('dialog')).toContainText('revoking it signs you out');
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(page).toHaveURL(/\/signin/);
});

test('a thousand tokens are paged', async ({ page, member, signInPage, shell }) => {
  insertTokens(servers.main.database, member.userId, Array.from({ length: 1000 }, (_, i) => `page${String(i).padStart(4, '0')}`));
  await signInPage.goto();
  await signInPage.signIn(member.email, member.password);
  await shell.expectSignedIn(member.organizationName);
  await page.goto('/profile/tokens');
  await expect(page.getByRole('heading', { name: /Your tokens and sessions/ })).toContainText('(1001)');
  await expect(page.locator('tbody tr')).toHaveCount(50);
  await expect(page.getByRole('navigation', { name: 'Pages' })).toContainText('Page 1 of 21');
  await page.getByRole('link', { name: 'Older →' }).click();
  await expect(page.getByRole('navigation', { name: 'Pages' })).toContainText('Page 2 of 21');
  await expect(page.locator('tbody tr')).toHaveCount(50);
});
