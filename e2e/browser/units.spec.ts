import { auth, expect, login, test } from '../support/fixtures';
import { screenshotPath, servers } from '../support/env';
import { auditOf, seedOrgMember, unique } from '../support/seed';

// Admin → Units and moving a project into a unit on the Projects page, walked as a super admin
// would; then what a plain member of the organization sees.

test('a super admin creates a unit, moves a project into it and back; a unit holding a project is not deleted', async ({ page, member, signInAndOpen, shell }) => {
  await signInAndOpen('Units');
  await expect(page.getByText('No units yet.')).toBeVisible();
  const create = page.getByRole('form', { name: 'Create unit' });
  // An empty name is refused beside the field, before anything is sent.
  await create.getByRole('button', { name: 'Create unit' }).click();
  await expect(create.getByText('Enter the unit name')).toBeVisible();
  await create.getByLabel('Unit name').fill('Payments');
  await create.getByRole('button', { name: 'Create unit' }).click();
  const row = page.getByTestId('unit-row-Payments');
  await expect(row).toContainText('Payments');
  await expect(row.getByRole('cell').nth(2)).toHaveText('0');
  // The same name again, in other letters: refused beside the field.
  await create.getByLabel('Unit name').fill('PAYMENTS');
  await create.getByRole('button', { name: 'Create unit' }).click();
  await expect(create.getByText('Unit "PAYMENTS" already exists')).toBeVisible();
  await expect(page.getByRole('row')).toHaveCount(2);

  // A project of the organization, moved into the unit from the Projects page.
  await shell.nav().getByRole('link', { name: 'Projects' }).click();
  const project = unique('ledger').toLowerCase();
  await page.getByRole('form', { name: 'Create project' }).getByLabel('Project name').fill(project);
  await page.getByRole('button', { name: 'Create project' }).click();
  await expect(page.getByRole('heading', { name: project })).toBeVisible();
  await expect(page.getByText(`In organization ${member.organizationName}.`)).toBeVisible();
  await shell.nav().getByRole('link', { name: 'Projects' }).click();
  const projectRow = page.getByTestId(`project-row-${project}`);
  await expect(projectRow.getByRole('cell').nth(1)).toHaveText('Organization level');
  await projectRow.getByRole('button', { name: `Move ${project}` }).click();
  const dialog = page.getByRole('dialog', { name: `Move ${project}` });
  await expect(dialog.getByLabel('Move to').locator('option')).toHaveText(['Unit: Payments']);
  await expect(dialog).toContainText(`A unit follows ${member.organizationName}'s rules`);
  await page.screenshot({ path: screenshotPath('units-move-dialog') });
  await dialog.getByRole('button', { name: 'Move project' }).click();
  await expect(dialog).toBeHidden();
  await expect(projectRow.getByRole('cell').nth(1)).toHaveText('Payments');
  await page.screenshot({ path: screenshotPath('units-projects'), fullPage: true });

  await projectRow.getByRole('link', { name: project }).click();
  await expect(page.getByText(`In unit Payments of organization ${member.organizationName}, under the organization's rules.`)).toBeVisible();

  // Admin → Units counts it, and refuses to delete the unit while it holds it.
  await shell.nav().getByRole('link', { name: 'Units' }).click();
  await expect(row.getByRole('cell').nth(2)).toHaveText('1');
  await page.screenshot({ path: screenshotPath('units'), fullPage: true });
  await row.getByRole('button', { name: 'Delete Payments' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete Payments?' });
  await expect(confirm).toContainText('The unit still holds 1 project. Move it to the organization or another unit on the Projects page first.');
  await confirm.getByRole('button', { name: 'Delete unit' }).click();
  await expect(confirm.getByRole('alert')).toHaveText(
    'Unit "Payments" still holds 1 project(s): move them to the organization or another unit, or delete them, first',
  );
  await confirm.getByRole('button', { name: 'Cancel' }).click();

  // Back to the organization's level; then the empty unit is renamed and deleted.
  await shell.nav().getByRole('link', { name: 'Projects' }).click();
  await projectRow.getByRole('button', { name: `Move ${project}` }).click();
  await expect(dialog.getByLabel('Move to').locator('option')).toHaveText([`${member.organizationName} (organization level)`]);
  await dialog.getByRole('button', { name: 'Move project' }).click();
  await expect(projectRow.getByRole('cell').nth(1)).toHaveText('Organization level');

  await shell.nav().getByRole('link', { name: 'Units' }).click();
  await row.getByRole('button', { name: 'Rename Payments' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename Payments' });
  await rename.getByLabel('New name').fill('Billing');
  await rename.getByRole('button', { name: 'Rename' }).click();
  const renamed = page.getByTestId('unit-row-Billing');
  await expect(renamed.getByRole('cell').nth(2)).toHaveText('0');
  await renamed.getByRole('button', { name: 'Delete Billing' }).click();
  const confirmEmpty = page.getByRole('dialog', { name: 'Delete Billing?' });
  await expect(confirmEmpty).toContainText('The unit holds no projects.');
  await confirmEmpty.getByRole('button', { name: 'Delete unit' }).click();
  await expect(page.getByText('No units yet.')).toBeVisible();

  const events = await Promise.all(
    ['unit.created', 'project.moved', 'unit.updated', 'unit.deleted'].map(async (event) => (await auditOf(servers.main.database, { event, actorEmail: member.email })).length),
  );
  expect(events).toEqual([1, 2, 1, 1]);
});

test('a plain member sees which unit holds a project, but no Units page and no move', async ({ page, member, signInAs, shell, request }) => {
  // The super admin sets the scene through the API.
  const token = await login(request, member.email, member.password);
  const headers = { ...auth(token), 'content-type': 'application/json' };
  const accountId = (await (await request.get('/v1/account', { headers: auth(token) })).json()).accounts[0].account_id;
  const unit = (await (await request.post('/v1/account', { headers, data: { account_name: 'Research', parent_account_id: accountId } })).json()).account;
  const project = unique('lab').toLowerCase();
  expect((await request.post('/v1/project', { headers, data: { project, account_id: unit.account_id } })).status()).toBe(200);

  const colleague = await seedOrgMember(servers.main.database, member.organizationId);
  await signInAs(colleague);
  await expect(shell.nav().getByRole('link', { name: 'Units' })).toHaveCount(0);
  await shell.nav().getByRole('link', { name: 'Projects' }).click();
  const projectRow = page.getByTestId(`project-row-${project}`);
  await expect(projectRow.getByRole('cell').nth(1)).toHaveText('Research');
  await expect(projectRow.getByRole('button')).toHaveCount(0);
  await page.goto('/admin/units');
  await expect(page.getByRole('heading', { name: 'Super admins only' })).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'Only super admins' })).toHaveText('Only super admins of this organization may open this page.');
});
