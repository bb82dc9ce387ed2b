import { expect, test } from '../support/fixtures';
import { screenshotPath, servers } from '../support/env';
import { signInElsewhere, UsersPage } from '../support/admin-pages';
import { auditOf, confirmTotp, membershipOf, seedOrgMember, userByEmail } from '../support/seed';

const db = servers.main.database;

test('a super admin promotes a member, deactivates them (their next request is refused) and reactivates them', async ({ browser, page, member, signInAs, shell }) => {
  // Two people sign in (argon2 on purpose is slow) and the walk is long: on a busy machine it
  // needs more than the default 30 seconds.
  test.slow();
  const bob = await seedOrgMember(db, member.organizationId, { realName: 'Bob Builder' });
  const carol = await seedOrgMember(db, member.organizationId);
  await confirmTotp(db, carol.userId);
  // bob is signed in elsewhere and working.
  const bobPage = await signInElsewhere(browser, bob.email, bob.password);
  await expect(bobPage.getByTestId('current-organization')).toContainText(member.organizationName);

  await signInAs(member);
  await shell.nav().getByRole('link', { name: 'Users', exact: true }).click();
  const users = new UsersPage(page);
  await expect(users.heading()).toBeVisible();
  await expect(page.getByRole('heading', { name: /^Members/ })).toContainText('(3)');

  // Who is who: names, sign-in methods, 2FA, role, activity, state.
  const me = users.row(member.email);
  await expect(me).toContainText('You');
  await expect(me.getByTestId('last-activity')).toContainText('UTC');
  await expect(users.superAdminSwitch(member.email)).toHaveAttribute('aria-checked', 'true');
  const bobRow = users.row(bob.email);
  await expect(bobRow).toContainText('Bob Builder');
  await expect(bobRow.getByTestId('sign-in-methods')).toHaveText('password');
  await expect(bobRow.getByTestId('two-factor')).toHaveText('Off');
  await expect(bobRow.getByTestId('state')).toHaveText('Active');
  await expect(users.row(carol.email).getByTestId('sign-in-methods')).toHaveText('passwordauthenticator app');
  await expect(users.row(carol.email).getByTestId('two-factor')).toHaveText('On');
  await expect(users.row(carol.email).getByTestId('last-activity')).toHaveText('Never');

  // Make bob super admin.
  await users.superAdminSwitch(bob.email).click();
  await expect(users.notice()).toHaveText(`${bob.email} is now a super admin.`);
  await expect(users.superAdminSwitch(bob.email)).toHaveAttribute('aria-checked', 'true');
  expect((await membershipOf(db, member.organizationId, bob.userId))?.isSuperAdmin).toBe(true);
  await page.screenshot({ path: screenshotPath('users'), fullPage: true });

  // Deactivate him: the dialog says what happens.
  await bobRow.getByRole('button', { name: 'Deactivate' }).click();
  await expect(users.dialog()).toContainText(`${bob.email} can no longer sign in, and their sessions and tokens stop working at once`);
  await page.screenshot({ path: screenshotPath('users-deactivate-dialog') });
  await users.dialog().getByRole('button', { name: 'Deactivate' }).click();
  await expect(bobRow.getByTestId('state')).toHaveText('Deactivated');
  await expect(users.notice()).toHaveText(`${bob.email} was deactivated.`);
  expect((await userByEmail(db, bob.email))?.state).toBe('deactivated');

  // bob's next request is refused.
  const refused = await bobPage.goto('/');
  expect(refused?.status()).toBe(403);
  await expect(bobPage.getByRole('alert')).toHaveText('This user account is deactivated');

  // Reactivated, he is back in.
  await users.confirmRowAction(bob.email, 'Reactivate');
  await expect(bobRow.getByTestId('state')).toHaveText('Active');
  expect((await bobPage.goto('/'))?.status()).toBe(200);
  await expect(bobPage.getByTestId('current-organization')).toContainText(member.organizationName);
  // As a super admin now, he sees the Admin section.
  await expect(bobPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users', exact: true })).toBeVisible();

  expect((await auditOf(db, { event: 'member.updated', actorEmail: member.email })).map((e) => e.details.new)).toEqual([
    { state: 'active' },
    { state: 'deactivated' },
    { is_super_admin: true },
  ]);
  await bobPage.context().close();
});

test('the last super admin is told why they cannot step down; a member is removed', async ({ page, member, signInAs }) => {
  const bob = await seedOrgMember(db, member.organizationId);
  await signInAs(member);
  const users = new UsersPage(page);
  await users.goto();

  await users.superAdminSwitch(member.email).click();
  await expect(users.error()).toHaveText(
    `${member.email} is the last active super admin of this organization and cannot be demoted: make another member super admin first`,
  );
  await expect(users.superAdminSwitch(member.email)).toHaveAttribute('aria-checked', 'true');
  await users.confirmRowAction(member.email, 'Deactivate');
  await expect(users.error()).toContainText('cannot be deactivated');
  await page.screenshot({ path: screenshotPath('users-last-super-admin'), fullPage: true });
  await users.confirmRowAction(member.email, 'Remove');
  await expect(users.error()).toContainText('cannot be removed');
  expect((await membershipOf(db, member.organizationId, member.userId))?.isSuperAdmin).toBe(true);

  await users.row(bob.email).getByRole('button', { name: 'Remove' }).click();
  await expect(users.dialog()).toContainText(`${bob.email} loses access to ${member.organizationName} at once`);
  await users.dialog().getByRole('button', { name: 'Remove' }).click();
  await expect(users.notice()).toHaveText(`${bob.email} was removed from ${member.organizationName}.`);
  await expect(users.row(bob.email)).toHaveCount(0);
  expect(await membershipOf(db, member.organizationId, bob.userId)).toBeUndefined();
  expect((await userByEmail(db, bob.email))?.state).toBe('active');
});

test('a member who is not a super admin has no Admin section and gets 403 on its pages', async ({ browser, member }) => {
  const bob = await seedOrgMember(db, member.organizationId);
  const page = await signInElsewhere(browser, bob.email, bob.password);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('link', { name: 'Tokens' })).toBeVisible();
  await expect(nav.getByText('Admin')).toHaveCount(0);
  for (const path of ['/admin/users', '/admin/audit-log']) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(403);
    await expect(page.getByRole('heading', { name: 'Super admins only' })).toBeVisible();
    await expect(page.getByTestId(`member-row-${member.email}`)).toHaveCount(0);
  }
  await page.screenshot({ path: screenshotPath('admin-forbidden'), fullPage: true });
  await page.context().close();
});
