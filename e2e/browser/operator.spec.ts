import { AuditLogPage } from '../support/admin-pages';
import { runAdmin } from '../support/admin-cli';
import { screenshotPath, servers } from '../support/env';
import { expect, test } from '../support/fixtures';
import { setPolicy } from '../support/seed';

const db = servers.main.database;

test('an admin locked out by the allowlist is let back in by the operator, and reads it in the audit log', async ({ page, member, signInAs, signInPage }) => {
  test.slow();
  // The organization's allowlist admits nobody the tests sign in from (127.0.0.1).
  await setPolicy(db, member.organizationId, { ipAllowlist: ['192.0.2.0/24'] });
  await signInPage.goto();
  await signInPage.signIn(member.email, member.password);
  await expect(signInPage.error()).toHaveText("IP address 127.0.0.1 is not in your organization's IP allowlist");

  // On the server host: npm run admin -- unlock-organization "<name>", confirmed with "y".
  const run = await runAdmin(['unlock-organization', member.organizationName], {
    env: { DATABASE_URL: db, PUBLIC_URL: servers.main.url },
    answer: 'y\n',
  });
  expect(run.code, run.stderr).toBe(0);
  expect(run.stdout).toContain('  IP allowlist: 192.0.2.0/24 → (none: any address)');

  await signInAs(member);

  const log = new AuditLogPage(page);
  await log.goto();
  await log.filter({ person: 'operator' });
  await expect(log.count()).toContainText('(1)');
  const row = log.rows().first();
  await expect(row.getByRole('cell').nth(1)).toHaveText('operator (server host)');
  await expect(row).toContainText('operator.organization_unlocked');
  await expect(row).toContainText('server host');
  await expect(row).toContainText('portcullis-admin');
  await expect(row).toContainText('Operator unlocked the organization: cleared the IP allowlist');
  await expect(row.getByRole('definition')).toHaveText('["192.0.2.0/24"] → []');
  await page.screenshot({ path: screenshotPath('audit-log-operator'), fullPage: true });
});
