import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { passwordResets } from '@/db/tables';
import { hashToken } from '@/lib/tokens/token';
import { auth, expect, login, test } from '../support/fixtures';
import { runAdmin, type AdminRun as Run } from '../support/admin-cli';
import { servers } from '../support/env';
import { db as database, membershipOf, organizationByName, seedColleague, seedMember, seedTotp, setPolicy, totpCredentialOf } from '../support/seed';

// Operator recovery (break-glass): the real `npm run admin` command, run as an operator would on
// the server host, against the database file the running main server uses. The server picks up
// each change at its next request; the organization's audit log shows the operator.

const db = servers.main.database;

/** `npm run admin -- ...args` against the main server's database; `answer` is typed at the prompt. */
const admin = (args: string[], { answer = '' }: { answer?: string } = {}) =>
  runAdmin(args, { env: { DATABASE_URL: db, PUBLIC_URL: servers.main.url }, answer });

/** No stack trace: no "    at fn (file:line)" frames, no "Error:" from node itself with a trace. */
const noStackTrace = (run: Run) => expect(`${run.stdout}\n${run.stderr}`).not.toMatch(/^\s+at .+[:(]/m);

const signIn = (request: import('@playwright/test').APIRequestContext, email: string, password: string) =>
  request.post(`${servers.main.url}/v1/userauth`, { data: { email, password } });

const accountOf = async (name: string) => (await organizationByName(db, name))!.accountId;

test.describe.configure({ timeout: 120_000 });

test('unlock-organization: a refused confirmation changes nothing; --yes turns password sign-in back on and clears the allowlist', async ({ request }) => {
  const member = await seedMember(db);
  // Locked out: passwords off, and an allowlist that admits no address of the tests (127.0.0.1).
  await setPolicy(db, member.organizationId, { passwordAuthEnabled: false, ipAllowlist: ['10.0.0.0/8'] });
  const refused = await signIn(request, member.email, member.password);
  expect(refused.status()).toBe(403);
  expect((await refused.json()).message).toBe(
    `Organization "${member.organizationName}" does not allow sign-in with a password. Allowed methods: Google, Microsoft, GitHub, SAML single sign-on.`,
  );

  const declined = await admin(['unlock-organization', member.organizationName], { answer: 'n\n' });
  expect(declined.code).toBe(1);
  expect(declined.stdout).toContain(`Unlocking "${member.organizationName}" (${member.organizationId}) changes its policy:`);
  expect(declined.stdout).toContain('  password sign-in: off → on');
  expect(declined.stdout).toContain('  IP allowlist: 10.0.0.0/8 → (none: any address)');
  expect(declined.stdout).toContain(`Unlock "${member.organizationName}" (${member.organizationId})? [y/N] `);
  expect(declined.stderr.trim()).toBe('Not confirmed: nothing changed.');
  expect(await organizationByName(db, member.organizationName)).toMatchObject({ passwordAuthEnabled: false, ipAllowlist: ['10.0.0.0/8'] });
  expect((await signIn(request, member.email, member.password)).status()).toBe(403);

  // No answer at all (end of input) is no, too.
  expect((await admin(['unlock-organization', member.organizationId])).code).toBe(1);
  expect(await organizationByName(db, member.organizationName)).toMatchObject({ passwordAuthEnabled: false });

  const done = await admin(['unlock-organization', member.organizationId, '--yes']);
  expect(done.code, done.stderr).toBe(0);
  expect(done.stdout).not.toContain('[y/N]');
  expect(done.stdout).toContain(`Unlocked "${member.organizationName}" (${member.organizationId}):`);
  expect(done.stdout).toContain(`Super admins who can then sign in with their password: ${member.email}.`);
  expect(await organizationByName(db, member.organizationName)).toMatchObject({ passwordAuthEnabled: true, ipAllowlist: [] });

  // The running server lets the admin in over HTTP now.
  const token = await login(request, member.email, member.password);
  const events = await request.get(`/v1/account/${await accountOf(member.organizationName)}/events?actor=operator`, { headers: auth(token) });
  expect(events.status()).toBe(200);
  const body = await events.json();
  expect(body.total).toBe(1);
  expect(body.events[0]).toMatchObject({
    action_type: 'operator.organization_unlocked',
    action_description: 'Operator unlocked the organization: turned password sign-in back on and cleared the IP allowlist',
    actor: 'operator (server host)',
    actor_user_id: null,
    actor_email: null,
    ip: null,
    user_agent: 'portcullis-admin',
    details: {
      old: { password_auth_enabled: false, ip_allowlist: ['10.0.0.0/8'] },
      new: { password_auth_enabled: true, ip_allowlist: [] },
      operator: { os_user: expect.any(String), host: expect.any(String) },
    },
  });

  // Run again: nothing to do, nothing asked, nothing recorded.
  const again = await admin(['unlock-organization', member.organizationId]);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain('already allows password sign-in and has no IP allowlist: nothing to change.');
  const after = await request.get(`/v1/account/${await accountOf(member.organizationName)}/events?event=operator.organization_unlocked`, { headers: auth(token) });
  expect((await after.json()).total).toBe(1);
});

test('make-super-admin: a plain member becomes super admin and reaches the admin API; declining changes nothing', async ({ request }) => {
  const member = await seedMember(db);
  const colleague = await seedColleague(db, member.organizationId);
  const colleagueToken = await login(request, colleague.email, colleague.password);
  const users = `/v1/organization/${member.organizationId}/user`;
  const before = await request.get(users, { headers: auth(colleagueToken) });
  expect(before.status()).toBe(403);

  const declined = await admin(['make-super-admin', colleague.email, member.organizationId], { answer: 'no\n' });
  expect(declined.code).toBe(1);
  expect(declined.stdout).toContain(`${colleague.email} (${colleague.userId}) is a member of "${member.organizationName}" (${member.organizationId}): they will become a super admin.`);
  expect((await membershipOf(db, member.organizationId, colleague.userId))!.isSuperAdmin).toBe(false);

  const done = await admin(['make-super-admin', colleague.userId, member.organizationName], { answer: 'y\n' });
  expect(done.code, done.stderr).toBe(0);
  expect(done.stdout).toContain(`Made ${colleague.email} (${colleague.userId}) a super admin of "${member.organizationName}" (${member.organizationId}).`);
  expect((await membershipOf(db, member.organizationId, colleague.userId))!.isSuperAdmin).toBe(true);
  expect((await request.get(users, { headers: auth(colleagueToken) })).status()).toBe(200);

  const events = await request.get(`/v1/account/${await accountOf(member.organizationName)}/events?event=operator.super_admin_granted`, { headers: auth(colleagueToken) });
  expect((await events.json()).events).toEqual([
    expect.objectContaining({ actor: 'operator (server host)', actor_email: null, action_description: `Operator made ${colleague.email} super admin` }),
  ]);
});

test('reset-password prints a one-time link on PUBLIC_URL and stores only its hash; remove-2fa lets a password sign-in through without a code', async ({ request }) => {
  const member = await seedMember(db);
  await seedTotp(db, member.userId);
  expect((await signIn(request, member.email, member.password)).status()).toBe(510);

  const reset = await admin(['reset-password', member.email, '-y']);
  expect(reset.code, reset.stderr).toBe(0);
  expect(reset.stdout).toContain('Their two-factor authentication stays: the next sign-in still asks for a code (remove-2fa removes it).');
  const link = /(\S+\/reset-password\/\S+)/.exec(reset.stdout)![1]!;
  expect(link).toMatch(new RegExp(`^${servers.main.url.replace(/[.]/g, '\\.')}/reset-password/[A-Za-z0-9_-]{43}$`));
  const secret = link.split('/').pop()!;
  const stored = await database(db)
    .select()
    .from(passwordResets)
    .where(and(eq(passwordResets.userId, member.userId), eq(passwordResets.tokenHash, hashToken(secret))));
  expect(stored).toEqual([expect.objectContaining({ requestedBy: 'operator', usedTime: null })]);
  // The password is never shown, and still works until the link is used.
  expect(reset.stdout).not.toContain(member.password);

  const removed = await admin(['remove-2fa', member.userId, '--yes']);
  expect(removed.code, removed.stderr).toBe(0);
  expect(removed.stdout).toContain(`Removed the two-factor authentication of ${member.email} (${member.userId}).`);
  expect(await totpCredentialOf(db, member.userId)).toBeUndefined();
  const token = await login(request, member.email, member.password);

  const events = await request.get(`/v1/account/${await accountOf(member.organizationName)}/events?actor=operator`, { headers: auth(token) });
  const body = await events.json();
  expect(body.events.map((e: { action_type: string; actor: string }) => [e.action_type, e.actor])).toEqual([
    ['operator.two_factor_removed', 'operator (server host)'],
    ['operator.password_reset_issued', 'operator (server host)'],
  ]);
  // The audit log never holds the link.
  expect(JSON.stringify(body)).not.toContain(secret);
});

test('--help lists the commands; unknown users and organizations are a message and a non-zero exit, never a stack trace', async () => {
  const help = await admin(['--help']);
  expect(help.code).toBe(0);
  for (const command of ['list-organizations', 'make-super-admin <user> <organization>', 'reset-password <user>', 'unlock-organization <organization>', 'remove-2fa <user>']) {
    expect(help.stdout).toContain(`  ${command}`);
  }

  const cases: [string[], number, string][] = [
    [['reset-password', 'nobody@example.test', '--yes'], 1, 'Error: No user with the email address or user id "nobody@example.test"'],
    [['remove-2fa', 'u00000000000', '--yes'], 1, 'Error: No user with the email address or user id "u00000000000"'],
    [['unlock-organization', 'No Such Org', '--yes'], 1, 'Error: No organization with the id, account id or name "No Such Org"'],
    [['make-super-admin', 'admin@main.test', 'org000000000', '--yes'], 1, 'Error: No organization with the id, account id or name "org000000000"'],
    [['frobnicate'], 2, 'Error: unknown command "frobnicate"'],
    [['reset-password'], 2, 'Error: usage: reset-password <user>'],
  ];
  for (const [args, code, message] of cases) {
    const run = await admin(args);
    expect(run.code, args.join(' ')).toBe(code);
    expect(run.stderr, args.join(' ')).toContain(message);
    noStackTrace(run);
  }

  // A database that does not exist is refused: a SQLite path is never created empty, and
  // PostgreSQL's own words say which database is missing.
  const onPostgres = db.startsWith('postgres://');
  const elsewhere = onPostgres ? Object.assign(new URL(db), { pathname: '/missing' }).toString() : path.join(path.dirname(db), 'missing', 'none.db');
  const missing = await runAdmin(['list-organizations'], { env: { DATABASE_URL: elsewhere } });
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain(onPostgres ? 'Error: database "missing" does not exist' : `Error: No database at ${elsewhere}.`);
  noStackTrace(missing);
});

test('list-organizations shows the server’s organizations and their super admins', async () => {
  const member = await seedMember(db);
  const run = await admin(['list-organizations', '--json']);
  expect(run.code, run.stderr).toBe(0);
  const list = JSON.parse(run.stdout) as { id: string; name: string; superAdmins: { email: string }[] }[];
  expect(list.find((o) => o.id === member.organizationId)).toMatchObject({ name: member.organizationName, superAdmins: [{ email: member.email, hasPassword: true }] });
  expect(list.find((o) => o.name === 'Main Test Org')!.superAdmins.map((a) => a.email)).toContain('admin@main.test');
});
