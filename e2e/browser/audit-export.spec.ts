import fs from 'node:fs';
import { expect, test } from '../support/fixtures';
import { servers } from '../support/env';
import { AuditLogPage, signInElsewhere } from '../support/admin-pages';
import { recordEvents, seedColleague, seedMember } from '../support/seed';

// Admin → Audit log → "Download CSV" / "Download JSON lines": the whole filtered view, every
// page of it, from the route handler app/(console)/admin/audit-log/export/route.ts.

const db = servers.main.database;

test('a super admin downloads the filtered log (every page) as CSV and JSON lines; others cannot', async ({ page, member, signInAs, shell, browser }) => {
  test.slow();
  // 120 events (more than two pages of 50), one with a formula in its actor, and some that the filter leaves out.
  await recordEvents(db, member.organizationId, [
    ...Array.from({ length: 120 }, (_, i) => ({
      time: `2026-01-05T10:${String(i >> 1).padStart(2, '0')}:00Z`,
      event: 'auth.sign_in' as const,
      actorEmail: 'export@example.test',
      details: { n: i },
    })),
    { time: '2026-01-05T12:00:00Z', event: 'auth.sign_in_failed' as const, actorEmail: '=HYPERLINK("http://evil.test","x")', details: { n: 999 } },
    { time: '2026-01-06T12:00:00Z', event: 'auth.sign_in' as const, actorEmail: 'outside@example.test', details: { n: -1 } },
  ]);
  await signInAs(member);
  await shell.nav().getByRole('link', { name: 'Audit log' }).click();
  const log = new AuditLogPage(page);
  await log.filter({ from: '2026-01-05T00:00', to: '2026-01-05T23:59' });
  await expect(log.count()).toContainText('(121)');

  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
  expect(csvDownload.suggestedFilename()).toMatch(/^audit-log-.+\.csv$/);
  const csv = fs.readFileSync((await csvDownload.path())!, 'utf8');
  const lines = csv.split('\r\n');
  expect(lines[0]).toBe('log_entry_id,create_time,action_type,action_description,actor,actor_user_id,actor_email,ip,user_agent,details');
  expect(lines).toHaveLength(1 + 121 + 1);
  expect(lines.at(-1)).toBe('');
  // The formula is text: a leading quote inside the quoted field.
  expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.test"",""x"")"`);
  expect(csv).not.toContain('outside@example.test');

  const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download JSON lines' }).click()]);
  const events = fs
    .readFileSync((await jsonDownload.path())!, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as { details: { n: number }; organization_id: string });
  expect(events.map((e) => e.details.n)).toEqual([999, ...Array.from({ length: 120 }, (_, i) => 119 - i)]);
  expect(new Set(events.map((e) => e.organization_id))).toEqual(new Set([member.organizationId]));

  // The download itself is in the log.
  await page.reload();
  await log.filter({ from: '', to: '', event: 'audit_log.exported' });
  await expect(log.rows()).toHaveCount(2);

  // A bad format or filter is a 400 in the API's error body, not a file.
  const bad = await page.request.get('/admin/audit-log/export?format=xlsx');
  expect(bad.status()).toBe(400);
  expect((await bad.json()).message).toBe('format: format must be csv or jsonl');

  // A plain member of the organization: 403, no file.
  const colleague = await seedColleague(db, member.organizationId);
  const other = await seedMember(db);
  for (const [person, status] of [[colleague, 403], [other, 200]] as const) {
    const elsewhere = await signInElsewhere(browser, person.email, person.password);
    const response = await elsewhere.request.get('/admin/audit-log/export?format=jsonl&from=2026-01-05&to=2026-01-05', { maxRedirects: 0 });
    expect(response.status(), person.email).toBe(status);
    // Another organization's admin gets their own organization's log, which has none of these events.
    if (status === 200) expect(await response.text()).toBe('');
    else expect((await response.json()).message).toBe('Only super admins of this organization may do this');
    await elsewhere.context().close();
  }
});
