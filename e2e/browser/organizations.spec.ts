import { expect, test } from '../support/fixtures';
import { servers } from '../support/env';
import { addMembership, seedMember, seedOrgMember, setManagedBy } from '../support/seed';

test('a person in two organizations switches between them in the top bar', async ({ page, member, signInPage, shell }) => {
  const other = await seedMember(servers.main.database);
  await addMembership(servers.main.database, other.organizationId, member.userId);
  await signInPage.goto();
  await signInPage.signIn(member.email, member.password);
  const switcher = page.getByRole('combobox', { name: 'Organization' });
  await expect(switcher).toHaveValue(member.organizationId);
  await expect(page.getByRole('heading', { name: member.organizationName })).toBeVisible();
  // A member only (not super admin) of the second organization: its Admin section is gone.
  await expect(shell.nav().getByRole('link', { name: 'Authentication policy' })).toBeVisible();
  await switcher.selectOption({ label: other.organizationName });
  await expect(page.getByRole('heading', { name: other.organizationName })).toBeVisible();
  await expect(shell.nav().getByRole('link', { name: 'Authentication policy' })).toHaveCount(0);
  await page.reload();
  await expect(switcher).toHaveValue(other.organizationId);
});

test('Admin → Users marks the members the organization manages', async ({ page, member, signInPage, shell }) => {
  const managed = await seedOrgMember(servers.main.database, member.organizationId);
  await setManagedBy(servers.main.database, managed.userId, member.organizationId);
  await signInPage.goto();
  await signInPage.signIn(member.email, member.password);
  await shell.nav().getByRole('link', { name: 'Users', exact: true }).click();
  await expect(page.getByTestId(`member-row-${managed.email}`)).toContainText('Managed');
  await expect(page.getByTestId(`member-row-${member.email}`)).not.toContainText('Managed');
});
