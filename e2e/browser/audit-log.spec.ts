import { auth, expect, login, test } from '../support/fixtures';
import { screenshotPath, servers } from '../support/env';
import { AuditLogPage } from '../support/admin-pages';
import { recordEvents, seedOrgMember } from '../support/seed';

const db = servers.main.database;

test('a super admin filters the audit log to find a member’s sign-in', async ({ page, request, member, signInAs, shell }) => {
  // Four sign-ins (argon2 is slow on purpose) and a long walk: more than 30 seconds on a busy machine.
  test.slow();
  const bob = await seedOrgMember(db, member.organizationId);
  // bob mistypes his password, then signs in with the CLI.
  await request.post('/v1/userauth', { data: { email: bob.email, password: 'not his password' }, headers: { 'user-agent': 'aiven-client/4.16.0' } });
  const cli = await request.post('/v1/userauth', { data: { email: bob.email, password: bob.password }, headers: { 'user-agent': 'aiven-client/4.16.0' } });
  expect(cli.status()).toBe(200);

  await signInAs(member);
  // A change with old and new values, made through the API.
  const admin = await login(request, member.email, member.password);
  await request.patch(`/v1/organization/${member.organizationId}/user/${bob.userId}`, { data: { is_super_admin: true }, headers: auth(admin) });

  await shell.nav().getByRole('link', { name: 'Audit log' }).click();
  const log = new AuditLogPage(page);
  await expect(log.heading()).toBeVisible();
  // Two sign-ins of the admin, bob's failure and sign-in, and the change.
  await expect(log.count()).toContainText('(5)');
  const change = log.rows().first();
  await expect(change).toContainText('member.updated');
  await expect(change).toContainText(`Made ${bob.email} super admin`);
  await expect(change.getByRole('definition')).toHaveText('false → true');
  await page.screenshot({ path: screenshotPath('audit-log'), fullPage: true });

  // Find bob's sign-in: part of his address, and the event.
  await log.filter({ person: bob.email.split('@')[0]!.toUpperCase(), event: 'auth.sign_in' });
  await expect(page).toHaveURL(/event=auth\.sign_in/);
  await expect(log.count()).toContainText('(1)');
  const signIn = log.rows().first();
  await expect(signIn).toContainText(bob.email);
  await expect(signIn).toContainText('auth.sign_in');
  await expect(signIn).toContainText('127.0.0.1');
  await expect(signIn).toContainText('aiven-client 4.16.0');
  await expect(signIn).toContainText('Signed in with password');
  await page.screenshot({ path: screenshotPath('audit-log-filtered'), fullPage: true });

  // Failed sign-ins are their own event.
  await log.filter({ event: 'auth.sign_in_failed' });
  await expect(log.rows()).toHaveCount(1);
  await expect(log.rows().first()).toContainText('Sign-in with password failed: wrong email or password');

  // A time range: nothing in the future; a reversed range is flagged beside its field.
  await log.filter({ person: '', event: '', from: '2099-01-01T00:00' });
  await expect(page.getByText('No events match these filters.')).toBeVisible();
  await log.filter({ from: '2026-03-02T00:00', to: '2026-03-01T00:00' });
  await expect(log.form().getByText('The end of the time range is before its start')).toBeVisible();
  await log.form().getByRole('button', { name: 'Clear' }).click();
  await expect(log.count()).toContainText('(5)');
});

test('a bad filter in the address is shown beside its field', async ({ page, member, signInAs }) => {
  await signInAs(member);
  const response = await page.goto('/admin/audit-log?event=DROP%20TABLE&from=2026-03-02&to=2026-03-01');
  expect(response?.status()).toBe(200);
  const form = new AuditLogPage(page).form();
  await expect(form.getByText('Not an event name')).toBeVisible();
  await expect(form.getByText('The end of the time range is before its start')).toBeVisible();
});

test('the log is paged, 50 events a page, and the filters stay while paging', async ({ page, member, signInAs }) => {
  await recordEvents(
    db,
    member.organizationId,
    Array.from({ length: 120 }, (_, i) => ({
      time: `2026-01-01T${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00Z`,
      event: 'auth.sign_in' as const,
      actorEmail: 'pager@example.test',
      details: { method: 'password', n: i },
    })),
  );
  await signInAs(member);
  const log = new AuditLogPage(page);
  await log.goto();
  await log.filter({ person: 'pager' });
  await expect(log.count()).toContainText('(120)');
  await expect(log.rows()).toHaveCount(50);
  await expect(log.rows().first().locator('time')).toHaveAttribute('datetime', '2026-01-01T01:59:00Z');
  await expect(log.pages()).toContainText('Page 1 of 3');
  await log.pages().getByRole('link', { name: 'Older →' }).click();
  await expect(log.pages()).toContainText('Page 2 of 3');
  await expect(page).toHaveURL(/actor=pager/);
  await expect(log.rows().first().locator('time')).toHaveAttribute('datetime', '2026-01-01T01:09:00Z');
  await log.pages().getByRole('link', { name: 'Older →' }).click();
  await expect(log.rows()).toHaveCount(20);
  await expect(log.rows().last().locator('time')).toHaveAttribute('datetime', '2026-01-01T00:00:00Z');
});
