import { expect, test } from '../support/fixtures';
import { screenshotPath, servers } from '../support/env';
import { unique } from '../support/seed';

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

test('invite a new person: they accept through the copied link, sign up and appear in Users', async ({ browser, page, member, signInAs, shell }) => {
  test.slow();
  await signInAs(member);
  await shell.nav().getByRole('link', { name: 'Users', exact: true }).click();
  const invite = page.getByRole('form', { name: 'Invite a member' });
  await invite.getByLabel('Email address').fill('not an email');
  await invite.getByRole('button', { name: 'Invite' }).click();
  await expect(invite.getByText('Enter a valid email address')).toBeVisible();

  const email = `${unique('newcomer')}@example.test`;
  await invite.getByLabel('Email address').fill(email);
  await invite.getByRole('button', { name: 'Invite' }).click();
  await page.getByRole('button', { name: 'Copy link' }).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toMatch(new RegExp(`^${servers.main.url}/invite/`));
  await expect(page.getByRole('list', { name: 'Pending invitations' })).toContainText(email);
  await page.screenshot({ path: screenshotPath('users-invitations'), fullPage: true });

  // The newcomer opens the link in their own browser.
  const context = await browser.newContext({ baseURL: servers.main.url });
  const newcomer = await context.newPage();
  await newcomer.goto(link);
  await expect(newcomer.getByRole('heading', { name: `Join ${member.organizationName}` })).toBeVisible();
  await expect(newcomer.getByText(`${member.email} invited ${email}`)).toBeVisible();
  const form = newcomer.getByRole('form', { name: 'Create your account' });
  await form.getByLabel('Your name').fill('Nora Newcomer');
  await form.getByLabel('Choose a password').fill('short');
  await form.getByRole('button', { name: 'Create account and join' }).click();
  await expect(form.getByText('Use at least 12 characters')).toBeVisible();
  await form.getByLabel('Choose a password').fill('a long and private passphrase');
  await form.getByRole('button', { name: 'Create account and join' }).click();
  await expect(newcomer.getByTestId('current-organization')).toContainText(member.organizationName);
  await context.close();

  await page.reload();
  await expect(page.getByTestId(`member-row-${email}`)).toContainText('Nora Newcomer');
  await expect(page.getByText('No pending invitations.')).toBeVisible();

  // A used link says so.
  const again = await browser.newContext({ baseURL: servers.main.url });
  const late = await again.newPage();
  await late.goto(link);
  await expect(late.getByRole('main').getByRole('alert')).toContainText('This invitation link is not valid');
  await again.close();
});
