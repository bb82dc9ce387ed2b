import { auth, expect, login, test } from '../support/fixtures';
import { screenshotPath, servers } from '../support/env';
import { seedIdentityProvider } from '../support/domains';
import { submitPasswordSignIn } from '../support/pages';
import { insertTokenRow, insertTokens } from '../support/seed';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test('generate a token, use it, watch "last used" change, revoke it', async ({ page, signInAndOpen, request }) => {
  await signInAndOpen('Tokens');

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
  await page.screenshot({ path: screenshotPath('tokens-created'), fullPage: true });

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
  await page.screenshot({ path: screenshotPath('tokens-list'), fullPage: true });

  await row.getByRole('button', { name: 'Revoke' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Anything using this token stops working at once');
  await dialog.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toHaveCount(0);
  expect((await request.get('/v1/me', { headers: auth(fullToken) })).status()).toBe(401);
});

test('revoke another session and it is signed out; sign out everywhere else', async ({ browser, page, member, signInAs }) => {
  // A second browser signs in as the same person.
  const otherContext = await browser.newContext({ baseURL: servers.main.url });
  const other = await otherContext.newPage();
  await submitPasswordSignIn(other, member);
  await expect(other.getByTestId('current-organization')).toContainText(member.organizationName);
  const otherToken = (await otherContext.cookies()).find((c) => c.name === 'next-auth.session-token')!.value;

  await signInAs(member);
  await page.goto('/profile/tokens');
  const otherRow = page.getByTestId(`token-row-${otherToken.slice(0, 16)}`);
  await expect(otherRow).toContainText('Session · password');
  await otherRow.getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(otherRow).toHaveCount(0);

  await other.getByRole('link', { name: 'Tokens', exact: true }).click();
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

test('revoking the session in use signs you out', async ({ page, member, signInAs }) => {
  await signInAs(member);
  await page.goto('/profile/tokens');
  const current = page.getByRole('row').filter({ hasText: 'Current' });
  await current.getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('dialog')).toContainText('revoking it signs you out');
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await expect(page).toHaveURL(/\/signin/);
});

test('a thousand tokens are paged', async ({ page, member, signInAs }) => {
  await insertTokens(servers.main.database, member.userId, Array.from({ length: 1000 }, (_, i) => `page${String(i).padStart(4, '0')}`));
  await signInAs(member);
  await page.goto('/profile/tokens');
  await expect(page.getByRole('heading', { name: /Your tokens and sessions/ })).toContainText('(1001)');
  await expect(page.locator('tbody tr')).toHaveCount(50);
  await expect(page.getByRole('navigation', { name: 'Pages' })).toContainText('Page 1 of 21');
  await page.getByRole('link', { name: 'Older →' }).click();
  await expect(page.getByRole('navigation', { name: 'Pages' })).toContainText('Page 2 of 21');
  await expect(page.locator('tbody tr')).toHaveCount(50);
});

test('profile menu → Tokens, and the table fits a 1280-pixel-wide window without scrolling sideways', async ({ page, member, signInAs, shell }) => {
  const db = servers.main.database;
  // The widest rows a person gets: a long description, a session through an IdP with a long
  // name, used last from a full IPv6 address by a known client; an expiring token never used.
  const idp = await seedIdentityProvider(db, member.organizationId, 'Contoso Corporate Azure Active Directory (production tenant)');
  const now = Date.now();
  const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  await insertTokenRow(db, member.userId, {
    kind: 'session',
    authMethod: `saml:${idp.id}`,
    createdManually: false,
    description: '',
    expiryTime: at(now + 86_400_000),
    lastUsedTime: at(now),
    lastIp: '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
    lastUserAgent: 'aiven-client/4.16.0 (Linux; x86_64) python-requests/2.32.3',
  });
  await insertTokenRow(db, member.userId, {
    description: 'Nightly deploy of the payments-service-eu-west-1 Kafka topics and OpenSearch index templates from CI',
    expiryTime: at(now + 30 * 86_400_000),
    maxAgeSeconds: 30 * 86_400,
    lastUsedTime: at(now),
    lastIp: '203.0.113.254',
    lastUserAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  });
  await insertTokenRow(db, member.userId, { kind: 'application', authMethod: 'api', description: 'Terraform' });

  await page.setViewportSize({ width: 1280, height: 800 });
  await signInAs(member);

  // Seed 000: "Click your profile icon → Tokens".
  await shell.profileButton().click();
  const menu = page.getByRole('menu');
  await expect(menu.getByRole('menuitem')).toHaveText(['Tokens', 'Authentication', 'API reference', 'Sign out']);
  await menu.getByRole('menuitem', { name: 'Tokens' }).click();
  await expect(page).toHaveURL(/\/profile\/tokens$/);
  await expect(page.getByRole('heading', { name: 'Tokens', exact: true })).toBeVisible();
  await expect(page.getByRole('menu')).toHaveCount(0);

  const rows = page.locator('tbody tr');
  await expect(rows).toHaveCount(4);
  await expect(page.locator('tbody')).toContainText('Session · SSO: Contoso Corporate Azure Active Directory (production tenant)');
  await expect(page.locator('tbody')).toContainText('2001:0db8:85a3:0000:0000:8a2e:0370:7334');
  const widths = await page.locator('table').evaluate((table) => {
    const container = table.parentElement!;
    return {
      table: table.scrollWidth,
      container: container.clientWidth,
      containerScroll: container.scrollWidth,
      document: document.documentElement.scrollWidth,
      window: document.documentElement.clientWidth,
    };
  });
  expect(widths.table).toBeLessThanOrEqual(widths.container);
  expect(widths.containerScroll).toBeLessThanOrEqual(widths.container);
  expect(widths.document).toBeLessThanOrEqual(widths.window);
  await page.screenshot({ path: screenshotPath('tokens-1280'), fullPage: true });

  // The Authentication entry leads to its page too.
  await shell.profileButton().click();
  await page.getByRole('menu').getByRole('menuitem', { name: 'Authentication' }).click();
  await expect(page).toHaveURL(/\/profile\/authentication$/);
});
