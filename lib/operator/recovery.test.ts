import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { organizations, passwordResets, recoveryCodes, totpCredentials } from '@/db/tables';
import { isOperatorEvent } from '@/lib/audit/record';
import { auditEventToWire } from '@/lib/audit-log/wire';
import { hashRecoveryCode } from '@/lib/two-factor/recovery-codes';
import { hashToken } from '@/lib/tokens/token';
import type { Ctx } from '@/lib/context';
import { asyncRejection, rejection } from '@/lib/testing/errors';
import { addMember, seedOrganizationWithAdmin, seedTotp, setUserFields } from '@/lib/testing/members';
import { dumpDatabase, listAuditEvents, seedMembership, seedUser, testCtxInFile } from '@/lib/testing/seed';
import { issueOperatorPasswordReset, previewPasswordReset } from './password-reset';
import { operatorRemoveTwoFactor, previewRemoveTwoFactor } from './two-factor';

// reset-password and remove-2fa, on the cores of lib/passwords/reset.ts and
// lib/two-factor/reset.ts, against a real SQLite file.

const OPERATOR = { osUser: 'root', host: 'console-host' };
const OPERATOR_DETAILS = { os_user: 'root', host: 'console-host' };
beforeEach(() => {
  vi.stubEnv('PUBLIC_URL', 'https://console.example.test');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** Alice: a member of Acme and of Globex, with a password. */
async function world() {
  const ctx = testCtxInFile();
  const acme = (await seedOrganizationWithAdmin(ctx, { name: 'Acme' })).organization;
  const globex = (await seedOrganizationWithAdmin(ctx, { name: 'Globex' })).organization;
  const alice = await addMember(ctx, acme.id, { email: 'alice@acme.test' });
  await seedMembership(ctx, { organizationId: globex.id, userId: alice.id });
  return { ctx, acme, globex, alice };
}

const resetsOf = (ctx: Ctx, userId: string) => ctx.db.select().from(passwordResets).where(eq(passwordResets.userId, userId));

describe('reset-password', () => {
  it('prints a one-time link on PUBLIC_URL, stores only its hash, and audits in each of the user’s organizations without the link', async () => {
    const { ctx, acme, globex, alice } = await world();
    const preview = await previewPasswordReset({ ctx, input: { user: 'alice@acme.test' } });
    expect(preview).toEqual({
      lines: [
        `A one-time link to set a new password for alice@acme.test (${alice.id}) will be printed here.`,
        'It works once, for one hour, and replaces any unused earlier link.',
        'Their current password works until the link is used.',
      ],
      question: 'Issue a password reset link for alice@acme.test?',
    });
    expect(await resetsOf(ctx, alice.id)).toEqual([]);

    const outcome = await issueOperatorPasswordReset({ ctx, operator: OPERATOR, input: { user: alice.id } });
    const link = outcome.lines.map((l) => l.trim()).find((l) => l.startsWith('https://'))!;
    expect(link).toMatch(/^https:\/\/console\.example\.test\/reset-password\/[A-Za-z0-9_-]{43}$/);
    expect(outcome).toEqual({
      changed: true,
      lines: [
        `Password reset link for alice@acme.test (${alice.id}), valid once until 2026-03-01T13:00:00Z (UTC):`,
        '',
        `  ${link}`,
        '',
        'Hand it to them over a channel you trust. It is not stored and cannot be shown again (run this again for a new one).',
      ],
    });
    const secret = link.split('/').pop()!;
    expect(await resetsOf(ctx, alice.id)).toEqual([expect.objectContaining({ requestedBy: 'operator', tokenHash: hashToken(secret), usedTime: null })]);

    const events = (await listAuditEvents(ctx)).filter(isOperatorEvent);
    expect(events.map((e) => e.organizationId).sort()).toEqual([acme.id, globex.id].sort());
    for (const event of events) {
      expect(event).toMatchObject({
        event: 'operator.password_reset_issued',
        details: { user_id: alice.id, user_email: 'alice@acme.test', expiry_time: '2026-03-01T13:00:00Z', operator: OPERATOR_DETAILS },
      });
    }
    expect(auditEventToWire(events[0]!, acme).action_description).toBe(
      'Operator issued a password reset link for alice@acme.test (valid until 2026-03-01T13:00:00Z)',
    );
    // The secret is on the operator's screen only.
    expect(await dumpDatabase(ctx)).not.toContain(secret);
    // A second run replaces the first link.
    await issueOperatorPasswordReset({ ctx, operator: OPERATOR, input: { user: alice.id } });
    expect(await resetsOf(ctx, alice.id)).toHaveLength(1);
    expect((await resetsOf(ctx, alice.id))[0]!.tokenHash).not.toBe(hashToken(secret));
  });

  it('says what still stands in the way: 2FA stays, no password yet, no organization allows passwords, PUBLIC_URL unset', async () => {
    const { ctx, acme, globex, alice } = await world();
    await seedTotp(ctx, alice.id);
    const sso = await seedUser(ctx, { email: 'sso@acme.test' });
    await seedMembership(ctx, { organizationId: acme.id, userId: sso.id });
    await ctx.db.update(organizations).set({ passwordAuthEnabled: false });

    const lines = (await previewPasswordReset({ ctx, input: { user: 'alice@acme.test' }, env: { PUBLIC_URL: 'https://x.test' } })).lines;
    expect(lines).toContain('Their two-factor authentication stays: the next sign-in still asks for a code (remove-2fa removes it).');
    expect(lines).toContain('None of their organizations allows password sign-in (Acme, Globex): unlock-organization turns it back on.');
    expect(lines.join('\n')).not.toContain('no password yet');
    expect(lines.join('\n')).not.toContain('PUBLIC_URL');

    const ssoLines = (await previewPasswordReset({ ctx, input: { user: sso.id }, env: {} })).lines;
    expect(ssoLines).toContain('sso@acme.test has no password yet: the link sets one.');
    expect(ssoLines).toContain('PUBLIC_URL is not set here: the link starts with the default address. Set it as the server has it.');
    expect(ssoLines.join('\n')).not.toContain('two-factor');
    expect(ssoLines.join('\n')).not.toContain('current password');
    expect(globex.id).toBeTruthy();
  });

  it('the note that no organization allows passwords needs every one of them to forbid it, and at least one organization', async () => {
    const { ctx, acme, alice } = await world();
    const loner = await seedUser(ctx, { email: 'loner@example.test', passwordHash: 'h' });
    const note = 'None of their organizations allows password sign-in (Acme, Globex): unlock-organization turns it back on.';
    await ctx.db.update(organizations).set({ passwordAuthEnabled: false }).where(eq(organizations.id, acme.id));
    const env = { PUBLIC_URL: 'https://x.test' };
    expect((await previewPasswordReset({ ctx, input: { user: alice.id }, env })).lines).not.toContain(note);
    expect((await previewPasswordReset({ ctx, input: { user: loner.id }, env })).lines).toEqual([
      `A one-time link to set a new password for loner@example.test (${loner.id}) will be printed here.`,
      'It works once, for one hour, and replaces any unused earlier link.',
      'Their current password works until the link is used.',
    ]);
    await ctx.db.update(organizations).set({ passwordAuthEnabled: false });
    expect((await previewPasswordReset({ ctx, input: { user: alice.id }, env })).lines).toContain(note);
  });

  it('refuses application users, deactivated users and unknown ones, issuing nothing', async () => {
    const { ctx, acme } = await world();
    const robot = await addMember(ctx, acme.id, { email: 'robot@acme.test' });
    await setUserFields(ctx, robot.id, { isApplicationUser: true });
    const gone = await addMember(ctx, acme.id, { email: 'gone@acme.test' });
    await setUserFields(ctx, gone.id, { state: 'deactivated' });
    const cases: [string, string, string][] = [
      ['robot@acme.test', 'conflict', `robot@acme.test (${robot.id}) is an application user: it has no password, only application tokens`],
      ['gone@acme.test', 'conflict', `gone@acme.test (${gone.id}) is deactivated: a new password would not let them sign in`],
      ['nobody@acme.test', 'not_found', 'No user with the email address or user id "nobody@acme.test"'],
      ['', 'bad_request', 'user: Name the user by email address or user id'],
    ];
    for (const [user, code, message] of cases) {
      const previewError = await rejection(() => previewPasswordReset({ ctx, input: { user } }));
      expect([previewError.code, previewError.message]).toEqual([code, message]);
      const applyError = await asyncRejection(() => issueOperatorPasswordReset({ ctx, operator: OPERATOR, input: { user } }));
      expect([applyError.code, applyError.message]).toEqual([code, message]);
    }
    expect(await ctx.db.select().from(passwordResets)).toEqual([]);
    expect((await listAuditEvents(ctx)).filter(isOperatorEvent)).toEqual([]);
  });
});


describe('remove-2fa', () => {
  async function enroll(ctx: Ctx, userId: string, { codes = 3, used = 1 } = {}) {
    await seedTotp(ctx, userId);
    await ctx.db
      .insert(recoveryCodes)
      .values(Array.from({ length: codes }, (_, i) => ({ userId, codeHash: hashRecoveryCode(`code-${i}`), usedTime: i < used ? '2026-02-01T00:00:00Z' : null })));
  }

  it('removes the authenticator and every recovery code, audited in each organization, and names those that require 2FA', async () => {
    const { ctx, acme, globex, alice } = await world();
    await enroll(ctx, alice.id);
    await ctx.db.update(organizations).set({ twoFactorRequired: true }).where(eq(organizations.id, globex.id));

    const preview = await previewRemoveTwoFactor({ ctx, input: { user: 'ALICE@acme.test' } });
    expect(preview).toEqual({
      lines: [
        `alice@acme.test (${alice.id}) has an authenticator app (since 2026-03-01T12:00:00Z) and 2 unused recovery codes: all of it will be removed.`,
        'Required by Globex: their next password sign-in can only set up a new authenticator.',
      ],
      question: 'Remove the two-factor authentication of alice@acme.test?',
    });
    expect(await ctx.db.select().from(totpCredentials).where(eq(totpCredentials.userId, alice.id))).toHaveLength(1);

    const outcome = await operatorRemoveTwoFactor({ ctx, operator: OPERATOR, input: { user: alice.id } });
    expect(outcome).toEqual({
      changed: true,
      lines: [
        `Removed the two-factor authentication of alice@acme.test (${alice.id}).`,
        'Globex requires 2FA: their next password sign-in sets up a new authenticator.',
      ],
    });
    expect(await ctx.db.select().from(totpCredentials).where(eq(totpCredentials.userId, alice.id))).toEqual([]);
    expect(await ctx.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, alice.id))).toEqual([]);
    const events = (await listAuditEvents(ctx)).filter(isOperatorEvent);
    expect(events.map((e) => e.organizationId).sort()).toEqual([acme.id, globex.id].sort());
    expect(events[0]).toMatchObject({
      event: 'operator.two_factor_removed',
      details: { user_id: alice.id, user_email: 'alice@acme.test', had_authenticator: 'confirmed', recovery_codes_removed: 2, operator: OPERATOR_DETAILS },
    });
    expect(auditEventToWire(events[0]!, acme).action_description).toBe('Operator removed two-factor authentication of alice@acme.test');
  });

  it('changes nothing, and records nothing, for a user without 2FA', async () => {
    const { ctx, alice } = await world();
    expect(await previewRemoveTwoFactor({ ctx, input: { user: alice.id } })).toEqual({
      lines: [`alice@acme.test (${alice.id}) has no two-factor authentication: nothing to change.`],
      question: null,
    });
    expect(await operatorRemoveTwoFactor({ ctx, operator: OPERATOR, input: { user: alice.id } })).toEqual({
      changed: false,
      lines: [`alice@acme.test (${alice.id}) has no two-factor authentication: nothing changed.`],
    });
    expect((await listAuditEvents(ctx)).filter(isOperatorEvent)).toEqual([]);
  });

  it('removes a setup that was never confirmed', async () => {
    const { ctx, alice } = await world();
    await seedTotp(ctx, alice.id, { confirmed: false });
    expect((await previewRemoveTwoFactor({ ctx, input: { user: alice.id } })).lines[0]).toBe(
      `alice@acme.test (${alice.id}) has an authenticator app not yet confirmed and 0 unused recovery codes: all of it will be removed.`,
    );
    expect((await operatorRemoveTwoFactor({ ctx, operator: OPERATOR, input: { user: alice.id } })).changed).toBe(true);
    expect((await listAuditEvents(ctx)).filter(isOperatorEvent)[0]!.details.had_authenticator).toBe('unconfirmed');
  });

  it('recovery codes left without an authenticator are removed too; one code is "code", and nobody requiring 2FA is said so', async () => {
    const { ctx, acme, alice } = await world();
    await ctx.db.insert(recoveryCodes).values({ userId: alice.id, codeHash: hashRecoveryCode('code-0') });
    expect(await previewRemoveTwoFactor({ ctx, input: { user: alice.id } })).toEqual({
      lines: [
        `alice@acme.test (${alice.id}) has no authenticator app and 1 unused recovery code: all of it will be removed.`,
        'Their password sign-ins will no longer ask for a code.',
      ],
      question: 'Remove the two-factor authentication of alice@acme.test?',
    });
    expect(await operatorRemoveTwoFactor({ ctx, operator: OPERATOR, input: { user: alice.id } })).toEqual({
      changed: true,
      lines: [`Removed the two-factor authentication of alice@acme.test (${alice.id}).`],
    });
    expect(await ctx.db.select().from(recoveryCodes).where(eq(recoveryCodes.userId, alice.id))).toEqual([]);
    expect((await listAuditEvents(ctx)).filter(isOperatorEvent).find((e) => e.organizationId === acme.id)!.details).toMatchObject({
      had_authenticator: 'none',
      recovery_codes_removed: 1,
    });
  });

  it('names every organization that requires 2FA, in the plural', async () => {
    const { ctx, alice } = await world();
    await enroll(ctx, alice.id);
    await ctx.db.update(organizations).set({ twoFactorRequired: true });
    expect((await operatorRemoveTwoFactor({ ctx, operator: OPERATOR, input: { user: alice.id } })).lines).toEqual([
      `Removed the two-factor authentication of alice@acme.test (${alice.id}).`,
      'Acme, Globex require 2FA: their next password sign-in sets up a new authenticator.',
    ]);
  });

  it('refuses an unknown user', async () => {
    const { ctx } = await world();
    const error = await asyncRejection(() => operatorRemoveTwoFactor({ ctx, operator: OPERATOR, input: { user: 'u00000000000' } }));
    expect([error.code, error.message]).toEqual(['not_found', 'No user with the email address or user id "u00000000000"']);
    expect((await rejection(() => previewRemoveTwoFactor({ ctx, input: { user: 'u00000000000' } }))).code).toBe('not_found');
  });
});
