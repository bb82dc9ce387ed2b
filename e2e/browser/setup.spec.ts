import { expect, test } from '../support/fixtures';
import { screenshotPath, servers } from '../support/env';
import { auditOf, userByEmail } from '../support/seed';
import { ConsoleShell } from '../support/pages';

// The "setup" server starts on an empty database: the console must ask for the first
// organization and super admin. This is the only test that uses it.
const { url, database } = servers.setup;

test('first run: the setup page creates the organization and signs the admin in', async ({ page }) => {
  await page.goto(`${url}/`);
  await expect(page).toHaveURL(`${url}/setup`);
  await expect(page.getByRole('heading', { name: 'Set up Portcullis' })).toBeVisible();

  // Bad input: messages beside the fields, nothing created.
  await page.getByLabel('Organization name').fill('  ');
  await page.getByLabel('Your email').fill('not-an-email');
  await page.getByLabel('Password').fill('short');
  await page.getByRole('button', { name: 'Create organization' }).click();
  await expect(page.getByText('Enter the organization name')).toBeVisible();
  await expect(page.getByText('Enter a valid email address')).toBeVisible();
  await expect(page.getByText('Use at least 12 characters')).toBeVisible();
  await expect(page.getByLabel('Password')).toHaveAttribute('aria-invalid', 'true');
  expect(await userByEmail(database, 'owner@first-run.test')).toBeUndefined();

  await page.getByLabel('Organization name').fill('Acme Robotics');
  await page.getByLabel('Your email').fill('Owner@First-Run.test');
  await page.getByLabel('Password').fill('correct horse battery staple');
  await page.getByRole('button', { name: 'Create organization' }).click();

  const shell = new ConsoleShell(page);
  await expect(page).toHaveURL(`${url}/`);
  await shell.expectSignedIn('Acme Robotics');
  await expect(page.getByRole('heading', { name: 'Acme Robotics' })).toBeVisible();
  await expect(page.getByText('Super admin')).toBeVisible();
  await expect(shell.profileButton()).toContainText('owner@first-run.test');
  await page.screenshot({ path: screenshotPath('console-overview') });

  expect(await auditOf(database, { event: 'setup.completed', actorEmail: 'owner@first-run.test' })).toHaveLength(1);

  // Setup is done for good: the page now sends people to sign in.
  await page.goto(`${url}/setup`);
  await expect(page).toHaveURL(`${url}/signin`);
});
