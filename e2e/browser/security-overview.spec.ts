import path from 'node:path';
import { expect, test } from '../support/fixtures';
import { servers } from '../support/env';
import { auditByDetails, confirmTotp, insertTokenRow, markApplicationUser, recordEvents, seedMember, seedOrgMember, tokensOf } from '../support/seed';

// The Overview of a super admin (lib/security-overview/): follow a recommendation to its fix and
// see it go; revoke unused tokens after a preview; a plain member keeps a personal version.

const db = servers.main.database;
const DAY = 24 * 60 * 60 * 1000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z');

test('Require 2FA: from the recommendation to the policy page, saved, and gone from the Overview', async ({ page, member, signInAs }) => {
  // bob signs in with a password alone. Past activity and tokens, for the charts and the
  // screenshot: seeded before the first view, which counts the past days once (as they never
  // change afterwards; docs/security-overview.md).
  const bob = await seedOrgMember(db, member.organizationId);
  const events = [];
  for (let day = 0; day < 30; day += 1) {
    for (let i = 0; i < (day * 7) % 5 + 1; i += 1) events.push({ time: daysAgo(day), event: 'auth.sign_in' as const, actorEmail: bob.email, details: { method: i % 3 ? 'password' : 'google' } });
  }
  events.push({ time: daysAgo(3), event: 'auth.sign_in_failed' as const, actorEmail: bob.email, details: { method: 'password', reason: 'wrong_credentials' } });
  events.push({ time: daysAgo(4), event: 'auth.sign_in_failed' as const, actorEmail: bob.email, details: { method: 'password', reason: 'ip_not_allowed' } });
  await recordEvents(db, member.organizationId, events);
  await insertTokenRow(db, bob.userId, { createTime: daysAgo(200), description: 'nightly export' });
  await signInAs(member);
  // The admin has an authenticator, set up after this sign-in (so that it asked for no code).
  await confirmTotp(db, member.userId);

  await page.goto('/');
  const recommendation = page.getByTestId('recommendation-require_two_factor');
  await expect(recommendation).toContainText('Require 2FA');
  await expect(recommendation).toContainText('1 member signs in with a password alone.');
  await expect(page.getByTestId('coverage-password_only')).toHaveText('1');
  await expect(page.getByTestId('coverage-password_2fa')).toHaveText('1');
  await expect(page.getByTestId('two-factor-share')).toHaveText('50%');
  await expect(page.getByTestId('tokens-personal-unused')).toHaveText('1');
  await expect(page.getByTestId('failures-total')).toHaveText('2');
  // Each chart has its numbers in text.
  await expect(page.getByRole('list', { name: 'Failed sign-ins by reason' })).toContainText('Wrong email or password');
  await expect(page.getByText('Sign-ins per day since', { exact: false }).first()).toBeAttached();
  await page.screenshot({ path: path.join(process.cwd(), 'reports', 'security-overview.png'), fullPage: true });

  // An address of failures explains itself: the audit log, filtered to its failed sign-ins.
  await page.getByTestId('failure-addresses').getByRole('link', { name: '198.51.100.7' }).click();
  await expect(page).toHaveURL(/\/admin\/audit-log\?event=auth\.sign_in_failed&from=[0-9-]+&ip=198\.51\.100\.7$/);
  await expect(page.getByLabel('Address')).toHaveValue('198.51.100.7');
  await expect(page.getByRole('heading', { name: /^Events/ })).toContainText('(2)');
  await page.goto('/');

  // The number explains itself: bob is the one.
  await page.getByTestId('coverage-password_only').click();
  await expect(page.getByRole('heading', { name: 'Members who sign in with a password alone' })).toBeVisible();
  await expect(page.getByTestId('coverage-member')).toHaveCount(1);
  await expect(page.getByTestId('coverage-member')).toContainText(bob.email);

  await page.goto('/');
  await recommendation.getByRole('link', { name: 'Require two-factor authentication' }).click();
  await expect(page.getByRole('heading', { name: 'Authentication policy' })).toBeVisible();
  const form = page.getByRole('form', { name: 'Authentication policy' });
  await expect(form.getByLabel('Require two-factor authentication')).toBeChecked();
  // The policy preview of the proposed change, before anything is saved.
  await expect(page.getByRole('region', { name: 'Impact of this change' })).toBeVisible();
  await form.getByRole('button', { name: 'Save policy' }).click();
  await expect(form.getByRole('status')).toHaveText('Policy saved. It applies to the next request.');

  await page.goto('/');
  await expect(page.getByTestId('recommendation-revoke_unused_tokens')).toBeVisible();
  await expect(page.getByTestId('recommendation-require_two_factor')).toHaveCount(0);
  // The figure itself stays until bob sets up an authenticator: the policy makes him, at his next sign-in.
  await expect(page.getByTestId('coverage-password_only')).toHaveText('1');
});

test('Revoke unused tokens…: preview, confirm, revoked and audited; other tokens stay', async ({ page, member, signInAs }) => {
  const bob = await seedOrgMember(db, member.organizationId);
  const oldPrefix = await insertTokenRow(db, bob.userId, { createTime: daysAgo(120), description: 'old script' });
  const recentPrefix = await insertTokenRow(db, bob.userId, { createTime: daysAgo(120), lastUsedTime: daysAgo(2), description: 'in use' });
  const sessionPrefix = await insertTokenRow(db, bob.userId, { kind: 'session', createTime: daysAgo(120) });
  const robot = await seedOrgMember(db, member.organizationId, { realName: 'Build robot' });
  await markApplicationUser(db, robot.userId);
  const robotPrefix = await insertTokenRow(db, robot.userId, { kind: 'application', authMethod: 'application', createTime: daysAgo(300), lastUsedTime: daysAgo(95) });
  const stranger = await seedMember(db);
  const strangerPrefix = await insertTokenRow(db, stranger.userId, { createTime: daysAgo(120) });

  await signInAs(member);
  await page.goto('/');
  await expect(page.getByTestId('tokens-personal-unused')).toHaveText('1');
  await expect(page.getByTestId('tokens-application-unused')).toHaveText('1');
  await page.getByTestId('recommendation-revoke_unused_tokens').getByRole('link', { name: 'Revoke unused tokens…' }).click();
  await expect(page.getByRole('heading', { name: 'Tokens unused for 90 days' })).toBeVisible();
  await expect(page.getByTestId(`overview-token-${oldPrefix}`)).toBeVisible();
  await expect(page.getByTestId(`overview-token-${robotPrefix}`)).toContainText('Build robot');
  for (const prefix of [recentPrefix, sessionPrefix, strangerPrefix]) await expect(page.getByTestId(`overview-token-${prefix}`)).toHaveCount(0);

  await page.getByRole('button', { name: 'Revoke 2 unused tokens…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Revoke 2 unused tokens?' });
  await dialog.getByRole('button', { name: 'Revoke tokens' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'revoked' })).toHaveText('2 tokens revoked.');
  await expect(page.getByTestId('tokens-empty')).toBeVisible();

  expect((await tokensOf(db, bob.userId)).map((t) => t.tokenPrefix).sort()).toEqual([recentPrefix, sessionPrefix].sort());
  expect(await tokensOf(db, robot.userId)).toEqual([]);
  expect((await tokensOf(db, stranger.userId)).map((t) => t.tokenPrefix)).toContain(strangerPrefix);
  const audited = await auditByDetails(db, 'member.unused_tokens_revoked', { count: 2 });
  expect(audited.filter((e) => e.organizationId === member.organizationId)).toHaveLength(1);
  expect(audited[0]!.actorUserId).toBe(member.userId);

  await page.goto('/');
  await expect(page.getByTestId('recommendation-revoke_unused_tokens')).toHaveCount(0);
  await expect(page.getByTestId('tokens-personal-unused')).toHaveText('0');
});

test('a plain member sees their own security only, and not the pages behind the figures', async ({ page, member, signInAs }) => {
  const plain = await seedOrgMember(db, member.organizationId);
  await insertTokenRow(db, plain.userId, { createTime: daysAgo(120) });
  await signInAs(plain);
  await page.goto('/');
  await expect(page.getByRole('region', { name: 'Your security' })).toBeVisible();
  await expect(page.getByTestId('your-methods')).toHaveText('Password');
  await expect(page.getByTestId('your-2fa')).toContainText('Off');
  await expect(page.getByTestId('your-tokens')).toContainText('1 never expire');
  await expect(page.getByTestId('your-tokens')).toContainText('1 unused for 90 days');
  await expect(page.getByRole('region', { name: 'What to fix next' })).toHaveCount(0);
  for (const url of ['/admin/security/tokens?filter=unused', '/admin/security/members?filter=password_only']) {
    await page.goto(url);
    await expect(page.getByRole('heading', { name: 'Super admins only' })).toBeVisible();
  }
});
