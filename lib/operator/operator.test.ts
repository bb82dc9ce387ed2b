import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { memberships, organizationUnits, organizations } from '@/db/tables';
import { isOperatorEvent, OPERATOR_ACTOR_ID, recordAudit } from '@/lib/audit/record';
import { queryAuditEvents } from '@/lib/audit-log/query';
import { auditEventToWire } from '@/lib/audit-log/wire';
import type { Ctx } from '@/lib/context';
import { rejection } from '@/lib/testing/errors';
import { addMember, seedOrganizationWithAdmin, seedTotp, setUserFields } from '@/lib/testing/members';
import { listAuditEvents, seedOrganization, seedUser, testCtxInFile } from '@/lib/testing/seed';
import { formatOrganizations, listOrganizations } from './list';
import { findOrganization, findUser } from './resolve';
import { grantSuperAdmin, previewGrantSuperAdmin } from './super-admin';
import { previewUnlockOrganization, unlockOrganization } from './unlock';
import { first } from '@/db/async';

// The operator's recovery functions against a real SQLite file (WAL, as the server runs it).

const OPERATOR = { osUser: 'root', host: 'console-host' };

const org = async (ctx: Ctx, id: string) => (await first(ctx.db.select().from(organizations).where(eq(organizations.id, id)).limit(1)))!;
const membership = async (ctx: Ctx, organizationId: string, userId: string) =>
  await first(
    ctx.db
      .select()
      .from(memberships)
      .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)))
      .limit(1),
  );

describe('finding what the operator named', () => {
  it('finds a user by id or by email in any case, and says so plainly when there is none', async () => {
    const ctx = testCtxInFile();
    const alice = await seedUser(ctx, { email: 'alice@example.test' });
    expect((await findUser(ctx, alice.id)).id).toBe(alice.id);
    expect((await findUser(ctx, 'Alice@Example.TEST')).id).toBe(alice.id);
    const error = await rejection(() => findUser(ctx, 'nobody@example.test'));
    expect(error.code).toBe('not_found');
    expect(error.message).toBe('No user with the email address or user id "nobody@example.test"');
    expect((await rejection(() => findUser(ctx, 'alice'))).message).toBe('No user with the email address or user id "alice"');
  });

  it('finds an organization by organization id, account id or name in any case; refuses an ambiguous name', async () => {
    const ctx = testCtxInFile();
    const acme = await seedOrganization(ctx, { name: 'Acme' });
    expect((await findOrganization(ctx, acme.id)).id).toBe(acme.id);
    expect((await findOrganization(ctx, acme.accountId)).id).toBe(acme.id);
    expect((await findOrganization(ctx, 'aCME')).id).toBe(acme.id);
    expect((await rejection(() => findOrganization(ctx, 'Globex'))).message).toBe('No organization with the id, account id or name "Globex"');

    const twin = await seedOrganization(ctx, { name: 'acme' });
    const ambiguous = await rejection(() => findOrganization(ctx, 'Acme'));
    expect(ambiguous.code).toBe('conflict');
    expect(ambiguous.message).toContain(acme.id);
    expect(ambiguous.message).toContain(twin.id);
    expect(ambiguous.message).toContain('name one by its organization id');
    // The id still names exactly one.
    expect((await findOrganization(ctx, twin.id)).id).toBe(twin.id);
  });

  it('points from a unit to its organization', async () => {
    const ctx = testCtxInFile();
    const acme = await seedOrganization(ctx, { name: 'Acme' });
    await ctx.db.insert(organizationUnits).values({ id: 'a0123456789a', organizationId: acme.id, name: 'Research', createTime: '2026-01-01T00:00:00Z', updateTime: '2026-01-01T00:00:00Z' });
    const error = await rejection(() => findOrganization(ctx, 'a0123456789a'));
    expect([error.code, error.message]).toEqual([
      'conflict',
      `"Research" (a0123456789a) is a unit of "Acme" (${acme.id}), whose policy, IP allowlist and super admins it follows: name the organization`,
    ]);
  });
});

describe('list-organizations', () => {
  it('lists each organization with its super admins, their sign-in means, and the switches that lock people out', async () => {
    const ctx = testCtxInFile();
    const { organization, admin } = await seedOrganizationWithAdmin(ctx, { name: 'Acme', adminEmail: 'admin@acme.test' });
    await seedTotp(ctx, admin.id);
    const sso = await addMember(ctx, organization.id, { email: 'sso@acme.test', isSuperAdmin: true });
    await ctx.db.update(organizations).set({ passwordAuthEnabled: false, ipAllowlist: ['10.0.0.0/8'] }).where(eq(organizations.id, organization.id));
    // A member who is not a super admin is not listed as one.
    await addMember(ctx, organization.id, { email: 'plain@acme.test' });
    const gone = await addMember(ctx, organization.id, { email: 'gone@acme.test', isSuperAdmin: true });
    await setUserFields(ctx, gone.id, { state: 'deactivated' });
    await seedOrganization(ctx, { name: 'Empty' });

    const list = await listOrganizations({ ctx });
    expect(list.map((o) => o.name)).toEqual(['Acme', 'Empty']);
    expect(list[0]).toMatchObject({ passwordAuthEnabled: false, ipAllowlist: ['10.0.0.0/8'], memberCount: 4 });
    expect(list[0]!.superAdmins.map((a) => [a.email, a.hasPassword, a.hasTwoFactor, a.state])).toEqual([
      ['admin@acme.test', true, true, 'active'],
      ['gone@acme.test', true, false, 'deactivated'],
      ['sso@acme.test', true, false, 'active'],
    ]);
    expect(list[1]!.superAdmins).toEqual([]);
    expect(sso.id).toBeTruthy();

    const text = formatOrganizations(list).join('\n');
    expect(text).toContain(`organization id ${organization.id}, account id ${organization.accountId}, 4 members`);
    expect(text).toContain('password sign-in OFF; 2FA optional; IP allowlist 10.0.0.0/8');
    expect(text).toContain(`admin@acme.test (${admin.id}): password, 2FA`);
    expect(text).toContain('gone@acme.test');
    expect(text).toMatch(/gone@acme\.test \(u[0-9a-f]+\): password, DEACTIVATED/);
    expect(text).toContain('super admins: none');
    expect(formatOrganizations([])).toEqual(['No organizations yet: open the console to run first-run setup.']);
  });
});

describe('make-super-admin', () => {
  it('makes a member super admin, audited as the operator', async () => {
    const ctx = testCtxInFile();
    const { organization } = await seedOrganizationWithAdmin(ctx, { name: 'Acme' });
    const bob = await addMember(ctx, organization.id, { email: 'bob@acme.test' });
    const input = { user: 'bob@acme.test', organization: 'Acme' };

    const preview = await previewGrantSuperAdmin({ ctx, input });
    expect(preview.question).toBe(`Make bob@acme.test a super admin of "Acme" (${organization.id})?`);
    expect(preview.lines).toEqual([`bob@acme.test (${bob.id}) is a member of "Acme" (${organization.id}): they will become a super admin.`]);
    // A preview changes nothing.
    expect((await membership(ctx, organization.id, bob.id))!.isSuperAdmin).toBe(false);
    expect((await listAuditEvents(ctx)).filter(isOperatorEvent)).toEqual([]);

    const outcome = await grantSuperAdmin({ ctx, operator: OPERATOR, input });
    expect(outcome).toEqual({ changed: true, lines: [`Made bob@acme.test (${bob.id}) a super admin of "Acme" (${organization.id}).`] });
    expect((await membership(ctx, organization.id, bob.id))!.isSuperAdmin).toBe(true);

    const [event] = (await listAuditEvents(ctx)).filter(isOperatorEvent);
    expect(event).toMatchObject({
      event: 'operator.super_admin_granted',
      organizationId: organization.id,
      actorUserId: OPERATOR_ACTOR_ID,
      actorEmail: null,
      ip: null,
      userAgent: 'portcullis-admin',
      details: {
        user_id: bob.id,
        user_email: 'bob@acme.test',
        added_as_member: false,
        old: { is_super_admin: false },
        new: { is_super_admin: true },
        operator: { os_user: 'root', host: 'console-host' },
      },
    });
    expect(auditEventToWire(event!, organization)).toMatchObject({
      actor: 'operator (server host)',
      actor_user_id: null,
      actor_email: null,
      action_description: 'Operator made bob@acme.test super admin',
    });
  });

  it('adds a user who is not a member to the organization as super admin', async () => {
    const ctx = testCtxInFile();
    const { organization } = await seedOrganizationWithAdmin(ctx, { name: 'Acme' });
    const other = await seedOrganizationWithAdmin(ctx, { name: 'Other', adminEmail: 'carol@other.test' });
    const input = { user: other.admin.id, organization: organization.id };
    expect((await previewGrantSuperAdmin({ ctx, input })).lines[0]).toContain('is not a member of "Acme"');
    expect((await grantSuperAdmin({ ctx, operator: OPERATOR, input })).lines).toEqual([
      `Added carol@other.test (${other.admin.id}) to "Acme" (${organization.id}) as a super admin.`,
    ]);
    expect(await membership(ctx, organization.id, other.admin.id)).toMatchObject({ isSuperAdmin: true, joinTime: '2026-03-01T12:00:00Z' });
    const events = (await listAuditEvents(ctx)).filter(isOperatorEvent);
    // Recorded in the organization it happened in only.
    expect(events.map((e) => [e.organizationId, e.details.added_as_member])).toEqual([[organization.id, true]]);
    // Not a member before: no old super admin flag at all (null), not "false".
    expect(events[0]!.details).toMatchObject({ old: { is_super_admin: null }, new: { is_super_admin: true } });
    expect(auditEventToWire(events[0]!, organization).action_description).toBe('Operator added carol@other.test to the organization as super admin');
  });

  it('changes nothing for a user who already is one', async () => {
    const ctx = testCtxInFile();
    const { organization, admin } = await seedOrganizationWithAdmin(ctx, { name: 'Acme' });
    const input = { user: admin.email, organization: 'Acme' };
    expect(await previewGrantSuperAdmin({ ctx, input })).toEqual({
      lines: [`${admin.email} (${admin.id}) is already a super admin of "Acme" (${organization.id}): nothing to change.`],
      question: null,
    });
    expect(await grantSuperAdmin({ ctx, operator: OPERATOR, input })).toEqual({
      changed: false,
      lines: [`${admin.email} (${admin.id}) is already a super admin of "Acme" (${organization.id}): nothing changed.`],
    });
    expect((await listAuditEvents(ctx)).filter(isOperatorEvent)).toEqual([]);
  });

  it('refuses application users, deactivated users, unknown names and empty input', async () => {
    const ctx = testCtxInFile();
    const { organization } = await seedOrganizationWithAdmin(ctx, { name: 'Acme' });
    const robot = await addMember(ctx, organization.id, { email: 'robot@acme.test' });
    await setUserFields(ctx, robot.id, { isApplicationUser: true });
    const gone = await addMember(ctx, organization.id, { email: 'gone@acme.test' });
    await setUserFields(ctx, gone.id, { state: 'deactivated' });
    const cases: [Record<string, unknown>, string, string][] = [
      [{ user: 'robot@acme.test', organization: 'Acme' }, 'conflict', `robot@acme.test (${robot.id}) is an application user, which cannot sign in to the console: name a person`],
      [{ user: 'gone@acme.test', organization: 'Acme' }, 'conflict', `gone@acme.test (${gone.id}) is deactivated and cannot sign in: name an active user`],
      [{ user: 'nobody@acme.test', organization: 'Acme' }, 'not_found', 'No user with the email address or user id "nobody@acme.test"'],
      [{ user: 'robot@acme.test', organization: 'Nope' }, 'not_found', 'No organization with the id, account id or name "Nope"'],
      [{ user: '  ', organization: 'Acme' }, 'bad_request', 'user: Name the user by email address or user id'],
      [{ user: 'x'.repeat(255), organization: 'Acme' }, 'bad_request', 'user: A user is named by an email address (at most 254 characters) or a user id'],
      [{ user: 'a@b.c' }, 'bad_request', 'organization: Name the organization by id or name'],
    ];
    for (const [input, code, message] of cases) {
      for (const run of [() => previewGrantSuperAdmin({ ctx, input }), () => grantSuperAdmin({ ctx, operator: OPERATOR, input })]) {
        const error = await rejection(run);
        expect([error.code, error.message]).toEqual([code, message]);
      }
    }
    expect((await membership(ctx, organization.id, robot.id))!.isSuperAdmin).toBe(false);
    expect((await membership(ctx, organization.id, gone.id))!.isSuperAdmin).toBe(false);
    expect((await listAuditEvents(ctx)).filter(isOperatorEvent)).toEqual([]);
  });
});

describe('unlock-organization', () => {
  it('turns password sign-in back on and clears the allowlist, and nothing else of the policy', async () => {
    const ctx = testCtxInFile();
    const { organization, admin } = await seedOrganizationWithAdmin(ctx, { name: 'Acme', adminEmail: 'admin@acme.test' });
    await ctx.db
      .update(organizations)
      .set({ passwordAuthEnabled: false, ipAllowlist: ['203.0.113.0/24', '2001:db8::/32'], twoFactorRequired: true, samlEnabled: false, personalTokensMode: 'disabled' })
      .where(eq(organizations.id, organization.id));
    const input = { organization: organization.accountId };

    const preview = await previewUnlockOrganization({ ctx, input });
    expect(preview).toEqual({
      lines: [
        `Unlocking "Acme" (${organization.id}) changes its policy:`,
        '  password sign-in: off → on',
        '  IP allowlist: 203.0.113.0/24, 2001:db8::/32 → (none: any address)',
      ],
      question: `Unlock "Acme" (${organization.id})?`,
    });
    expect((await org(ctx, organization.id)).passwordAuthEnabled).toBe(false);

    const outcome = await unlockOrganization({ ctx, operator: OPERATOR, input });
    expect(outcome.changed).toBe(true);
    expect(outcome.lines).toEqual([
      `Unlocked "Acme" (${organization.id}):`,
      '  password sign-in: off → on',
      '  IP allowlist: 203.0.113.0/24, 2001:db8::/32 → (none: any address)',
      'Super admins who can then sign in with their password: admin@acme.test.',
      'The organization still requires 2FA (remove-2fa <user> if a super admin lost their authenticator).',
    ]);
    const after = await org(ctx, organization.id);
    expect(after).toMatchObject({
      passwordAuthEnabled: true,
      ipAllowlist: [],
      twoFactorRequired: true,
      samlEnabled: false,
      personalTokensMode: 'disabled',
      updateTime: '2026-03-01T12:00:00Z',
    });
    const [event] = (await listAuditEvents(ctx)).filter(isOperatorEvent);
    expect(event).toMatchObject({
      event: 'operator.organization_unlocked',
      organizationId: organization.id,
      details: {
        old: { password_auth_enabled: false, ip_allowlist: ['203.0.113.0/24', '2001:db8::/32'] },
        new: { password_auth_enabled: true, ip_allowlist: [] },
      },
    });
    expect(auditEventToWire(event!, after).action_description).toBe(
      'Operator unlocked the organization: turned password sign-in back on and cleared the IP allowlist',
    );
    expect(admin.id).toBeTruthy();
  });

  it('records only what changed, and changes nothing on an organization that is not locked', async () => {
    const ctx = testCtxInFile();
    const { organization, admin } = await seedOrganizationWithAdmin(ctx, { name: 'Acme' });
    await ctx.db.update(organizations).set({ ipAllowlist: ['10.0.0.0/8'] }).where(eq(organizations.id, organization.id));
    expect((await unlockOrganization({ ctx, operator: OPERATOR, input: { organization: 'Acme' } })).lines).toEqual([
      `Unlocked "Acme" (${organization.id}):`,
      '  IP allowlist: 10.0.0.0/8 → (none: any address)',
      `Super admins who can then sign in with their password: ${admin.email}.`,
    ]);
    const events = (await listAuditEvents(ctx)).filter(isOperatorEvent);
    expect(events.map((e) => e.details.new)).toEqual([{ ip_allowlist: [] }]);
    expect(auditEventToWire(events[0]!, organization).action_description).toBe('Operator unlocked the organization: cleared the IP allowlist');

    const again = await previewUnlockOrganization({ ctx, input: { organization: 'Acme' } });
    expect(again.question).toBeNull();
    expect(again.lines[0]).toBe(`"Acme" (${organization.id}) already allows password sign-in and has no IP allowlist: nothing to change.`);
    expect(await unlockOrganization({ ctx, operator: OPERATOR, input: { organization: 'Acme' } })).toEqual({
      changed: false,
      lines: [`"Acme" (${organization.id}) already allows password sign-in and has no IP allowlist: nothing changed.`],
    });
    expect((await listAuditEvents(ctx)).filter(isOperatorEvent)).toHaveLength(1);
  });

  it('says who still cannot get in: no super admin with a password, or none at all', async () => {
    const ctx = testCtxInFile();
    const acme = await seedOrganization(ctx, { name: 'Acme' });
    const sso = await seedUser(ctx, { email: 'sso@acme.test' });
    await ctx.db.insert(memberships).values({ organizationId: acme.id, userId: sso.id, isSuperAdmin: true, joinTime: '2026-01-01T00:00:00Z' });
    expect((await previewUnlockOrganization({ ctx, input: { organization: 'Acme' } })).lines).toContain(
      'No active super admin has a password: issue one a reset link (reset-password sso@acme.test).',
    );
    const empty = await seedOrganization(ctx, { name: 'Empty' });
    expect(await previewUnlockOrganization({ ctx, input: { organization: empty.id } })).toEqual({
      lines: [
        `"Empty" (${empty.id}) already allows password sign-in and has no IP allowlist: nothing to change.`,
        'The organization has no active super admin: make someone one (make-super-admin <user> <organization>).',
      ],
      question: null,
    });
  });

  it('counts only active people as super admins who can sign in: not a deactivated one, not an application user', async () => {
    const ctx = testCtxInFile();
    const acme = await seedOrganization(ctx, { name: 'Acme' });
    const gone = await addMember(ctx, acme.id, { email: 'gone@acme.test', isSuperAdmin: true });
    await setUserFields(ctx, gone.id, { state: 'deactivated' });
    const robot = await addMember(ctx, acme.id, { email: 'robot@acme.test', isSuperAdmin: true });
    await setUserFields(ctx, robot.id, { isApplicationUser: true });
    const sso = await seedUser(ctx, { email: 'sso@acme.test' });
    await ctx.db.insert(memberships).values({ organizationId: acme.id, userId: sso.id, isSuperAdmin: true, joinTime: '2026-01-01T00:00:00Z' });
    expect((await previewUnlockOrganization({ ctx, input: { organization: 'Acme' } })).lines).toEqual([
      `"Acme" (${acme.id}) already allows password sign-in and has no IP allowlist: nothing to change.`,
      'No active super admin has a password: issue one a reset link (reset-password sso@acme.test).',
    ]);
  });

  it('refuses an unknown organization without changing anything', async () => {
    const ctx = testCtxInFile();
    const error = await rejection(() => unlockOrganization({ ctx, operator: OPERATOR, input: { organization: 'org000000000' } }));
    expect([error.code, error.message]).toEqual(['not_found', 'No organization with the id, account id or name "org000000000"']);
    expect(await listAuditEvents(ctx)).toEqual([]);
  });
});

const byActor = (actor: string) => ({ actor, event: undefined, ip: undefined, from: undefined, to: undefined });

describe('the operator in the audit log', () => {
  it('is found by searching for "operator", and cannot be impersonated by an address that reads like it', async () => {
    const ctx = testCtxInFile();
    const { organization } = await seedOrganizationWithAdmin(ctx, { name: 'Acme' });
    await unlockOrganization({ ctx, operator: OPERATOR, input: { organization: 'Acme' } });
    await ctx.db.update(organizations).set({ passwordAuthEnabled: false }).where(eq(organizations.id, organization.id));
    await unlockOrganization({ ctx, operator: OPERATOR, input: { organization: 'Acme' } });
    // An identity provider's claimed address is recorded as typed on a failed sign-in: it may
    // read "operator (server host)", and must still not count as the operator.
    await recordAudit(ctx, { event: 'auth.sign_in_failed', organizationId: organization.id, actorEmail: 'operator (server host)', details: { method: 'saml' } });

    const found = await queryAuditEvents(ctx, organization.id, byActor('operator'), { limit: 10, offset: 0 });
    expect(found.total).toBe(2);
    const wire = found.events.map((e) => auditEventToWire(e, organization));
    expect(wire.map((e) => [e.action_type, e.actor, e.actor_email])).toEqual([
      ['auth.sign_in_failed', 'operator (server host)', 'operator (server host)'],
      ['operator.organization_unlocked', 'operator (server host)', null],
    ]);
    expect(found.events.map(isOperatorEvent)).toEqual([false, true]);
    expect((await queryAuditEvents(ctx, organization.id, byActor('server host'), { limit: 10, offset: 0 })).total).toBe(2);
    expect((await queryAuditEvents(ctx, organization.id, byActor('nobody'), { limit: 10, offset: 0 })).total).toBe(0);
  });
});
