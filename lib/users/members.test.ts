import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { memberships, tokens, users } from '@/db/schema';
import { authenticate } from '@/lib/auth/gate';
import type { OrgCall } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { addMember, callAs, seedAdminAndBob, seedLinkedIdentities, seedTotp, setUserFields, TEST_META } from '@/lib/testing/members';
import { advance, listAuditEvents, seedMembership, seedOrganization, seedToken, T0, testCtx } from '@/lib/testing/seed';
import { iso } from '@/lib/context';
import {
  getMember,
  listMemberAuthenticationMethods,
  listMembers,
  listMemberTokens,
  removeMember,
  revokeMemberToken,
  signInMethodsOf,
  updateMember,
} from './members';
import { authenticationMethodToWire, memberToWire } from './wire';
import { rejection } from '@/lib/testing/errors';


const world = (ctx: Ctx = testCtx()) => seedAdminAndBob(ctx);

const memberAuditEvents = (ctx: Ctx) => listAuditEvents(ctx).filter((e) => e.event.startsWith('member.'));

describe('who may manage members', () => {
  const operations: [string, (call: OrgCall, userId: string) => unknown][] = [
    ['list', (call) => listMembers(call)],
    ['get', (call, userId) => getMember({ ...call, userId })],
    ['update', (call, userId) => updateMember({ ...call, userId, input: { is_super_admin: true } })],
    ['remove', (call, userId) => removeMember({ ...call, userId })],
    ['list tokens', (call, userId) => listMemberTokens({ ...call, userId })],
    ['revoke a token', (call, userId) => revokeMemberToken({ ...call, userId, prefix: 'pcls_x' })],
    ['authentication methods', (call, userId) => listMemberAuthenticationMethods({ ...call, userId })],
  ];

  it.each(operations)('%s: 403 for a member who is not a super admin', (_name, run) => {
    const { ctx, organization, admin, bob } = world();
    const error = rejection(() => run(callAs(ctx, bob.id, organization.id), admin.id));
    expect(error.status).toBe(403);
    expect(error.message).toBe('Only super admins of this organization may do this');
    // Nothing changed: the admin is still a super admin, no event was recorded.
    expect(getMember({ ...callAs(ctx, admin.id, organization.id), userId: bob.id }).isSuperAdmin).toBe(false);
    expect(memberAuditEvents(ctx)).toEqual([]);
  });

  it.each(operations)('%s: 403 without a resolved organization', (_name, run) => {
    const { call, bob } = world();
    expect(rejection(() => run({ ...call, membership: null }, bob.id)).status).toBe(403);
  });

  it.each(operations.slice(1))('%s: 404 for a member of another organization, even one the admin belongs to', (_name, run) => {
    const { ctx, call, admin } = world();
    const other = seedOrganization(ctx, { name: 'Other' });
    const stranger = addMember(ctx, other.id, { email: 'stranger@example.test' });
    seedMembership(ctx, { organizationId: other.id, userId: admin.id, isSuperAdmin: true });
    const error = rejection(() => run(call, stranger.id));
    expect(error.status).toBe(404);
    expect(error.message).toBe(`User ${stranger.id} is not a member of this organization`);
  });
});

describe('listMembers', () => {
  it('lists the organization members by email with their sign-in methods, 2FA, activity and state', () => {
    const { ctx, organization, admin, bob, call } = world();
    const carol = addMember(ctx, organization.id, { email: 'carol@example.test', isSuperAdmin: true });
    seedTotp(ctx, bob.id);
    seedTotp(ctx, carol.id, { confirmed: false });
    setUserFields(ctx, bob.id, { lastActivityTime: '2026-02-28T09:15:00Z', realName: 'Bob Builder' });
    setUserFields(ctx, carol.id, { state: 'deactivated' });
    addMember(ctx, seedOrganization(ctx).id, { email: 'elsewhere@example.test' });

    const members = listMembers(call);
    expect(members.map((m) => m.user.email)).toEqual(['admin@example.test', 'bob@example.test', 'carol@example.test']);
    const [a, b, c] = members;
    expect(signInMethodsOf(a!)).toEqual(['password']);
    expect(signInMethodsOf(b!)).toEqual(['password', 'authenticator app']);
    // An enrollment that was never confirmed is not 2FA.
    expect(signInMethodsOf(c!)).toEqual(['password']);
    expect(memberToWire(b!)).toEqual({
      user_id: bob.id,
      is_super_admin: false,
      join_time: iso(T0),
      last_activity_time: '2026-02-28T09:15:00Z',
      user_info: {
        user_email: 'bob@example.test',
        real_name: 'Bob Builder',
        state: 'active',
        is_application_user: false,
        managed_by_scim: false,
        managing_organization_id: null,
        create_time: iso(T0),
      },
      two_factor_enabled: true,
      email_verified: false,
    });
    expect(memberToWire({ ...b!, user: { ...b!.user, emailVerifiedTime: '2026-02-01T00:00:00Z' } }).email_verified).toBe(true);
    expect(memberToWire(c!)).toMatchObject({ is_super_admin: true, user_info: { state: 'deactivated' }, two_factor_enabled: false });
    expect(a!.user.id).toBe(admin.id);
  });

  it.each([
    [undefined, true],
    [{}, true],
    [{ include_application_users: 'true' }, true],
    [{ include_application_users: '1' }, true],
    [{ include_application_users: 'false' }, false],
    [{ include_application_users: '0' }, false],
    [{ include_application_users: 'false', limit: '999' }, false],
  ])('query %j includes application users: %s', (query, included) => {
    const { ctx, organization, call } = world();
    const robot = addMember(ctx, organization.id, { email: 'robot@apps.example.test', passwordHash: '' });
    setUserFields(ctx, robot.id, { isApplicationUser: true });
    const emails = listMembers({ ...call, query }).map((m) => m.user.email);
    expect(emails.includes('robot@apps.example.test')).toBe(included);
    expect(emails).toContain('bob@example.test');
  });

  it.each(['yes', '', 'TRUE'])('include_application_users=%j is a 400', (value) => {
    const { call } = world();
    const error = rejection(() => listMembers({ ...call, query: { include_application_users: value } }));
    expect(error.status).toBe(400);
    expect(error.fieldErrors.include_application_users).toEqual(['include_application_users must be true or false']);
  });
});

describe('updateMember', () => {
  it('makes a member super admin and back, auditing the old and new values', () => {
    const { ctx, bob, call, organization } = world();
    expect(updateMember({ ...call, userId: bob.id, input: { is_super_admin: true } }).isSuperAdmin).toBe(true);
    advance(ctx, 1000);
    expect(updateMember({ ...call, userId: bob.id, input: { is_super_admin: false } }).isSuperAdmin).toBe(false);
    const events = memberAuditEvents(ctx);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({
      event: 'member.updated',
      organizationId: organization.id,
      actorEmail: 'admin@example.test',
      ip: TEST_META.ip,
      userAgent: TEST_META.userAgent,
      details: { user_id: bob.id, user_email: 'bob@example.test', old: { is_super_admin: false }, new: { is_super_admin: true } },
    });
    expect(events[1]!.details).toMatchObject({ old: { is_super_admin: true }, new: { is_super_admin: false } });
  });

  it('records nothing when nothing changes', () => {
    const { ctx, bob, call } = world();
    expect(updateMember({ ...call, userId: bob.id, input: {} }).isSuperAdmin).toBe(false);
    updateMember({ ...call, userId: bob.id, input: { is_super_admin: false, state: 'active', real_name: '' } });
    expect(memberAuditEvents(ctx)).toEqual([]);
  });

  it('changes the real name of a member', () => {
    const { ctx, bob, call } = world();
    const member = updateMember({ ...call, userId: bob.id, input: { real_name: '  Bob Builder ' } });
    expect(member.user.realName).toBe('Bob Builder');
    expect(memberAuditEvents(ctx)[0]!.details).toMatchObject({ old: { real_name: '' }, new: { real_name: 'Bob Builder' } });
  });

  it('deactivates a member, whose tokens then stop working, and reactivates them', () => {
    const { ctx, bob, call } = world();
    const { fullToken } = seedToken(ctx, bob.id);
    const input = { authorization: `aivenv1 ${fullToken}`, cookieToken: null, ip: '192.0.2.1', userAgent: null };
    expect(authenticate({ ctx, input }).user.id).toBe(bob.id);

    expect(updateMember({ ...call, userId: bob.id, input: { state: 'deactivated' } }).user.state).toBe('deactivated');
    const refused = rejection(() => authenticate({ ctx, input }));
    expect(refused.status).toBe(403);
    expect(refused.message).toBe('This user account is deactivated');

    expect(updateMember({ ...call, userId: bob.id, input: { state: 'active' } }).user.state).toBe('active');
    expect(authenticate({ ctx, input }).user.id).toBe(bob.id);
    expect(memberAuditEvents(ctx).map((e) => e.details)).toMatchObject([
      { old: { state: 'active' }, new: { state: 'deactivated' } },
      { old: { state: 'deactivated' }, new: { state: 'active' } },
    ]);
  });

  it.each([
    [{ state: 'deleted' }, 'state', 'state must be "active" or "deactivated" (remove a member with DELETE)'],
    [{ state: 'ACTIVE' }, 'state', 'state must be "active" or "deactivated" (remove a member with DELETE)'],
    [{ is_super_admin: 'yes' }, 'is_super_admin', 'is_super_admin must be true or false'],
    [{ real_name: 'x'.repeat(257) }, 'real_name', 'Use at most 256 characters'],
    [{ real_name: 7 }, 'real_name', 'real_name must be a string'],
    [{ job_title: 'CTO' }, '', 'Unrecognized key: "job_title"'],
  ])('%j is a 400 naming the field', (input, field, message) => {
    const { ctx, bob, call } = world();
    const error = rejection(() => updateMember({ ...call, userId: bob.id, input }));
    expect(error.status).toBe(400);
    expect(error.fieldErrors[field]).toEqual([message]);
    expect(getMember({ ...call, userId: bob.id }).user.state).toBe('active');
    expect(memberAuditEvents(ctx)).toEqual([]);
  });

  it('refuses to change the state or name of someone who also belongs to another organization', () => {
    const { ctx, bob, call } = world();
    seedMembership(ctx, { organizationId: seedOrganization(ctx).id, userId: bob.id });
    for (const input of [{ state: 'deactivated' }, { real_name: 'Robert' }]) {
      const error = rejection(() => updateMember({ ...call, userId: bob.id, input }));
      expect(error.status).toBe(409);
      expect(error.message).toMatch(/^bob@example\.test also belongs to other organizations/);
    }
    expect(ctx.db.select().from(users).where(eq(users.id, bob.id)).get()).toMatchObject({ state: 'active', realName: '' });
    // Their role here is this organization's to change.
    expect(updateMember({ ...call, userId: bob.id, input: { is_super_admin: true } }).isSuperAdmin).toBe(true);
  });

  it('says whose account it is, and how to go on, in the refusal', () => {
    const { ctx, bob, call } = world();
    seedMembership(ctx, { organizationId: seedOrganization(ctx).id, userId: bob.id });
    expect(rejection(() => updateMember({ ...call, userId: bob.id, input: { state: 'deactivated' } })).message).toBe(
      "bob@example.test also belongs to other organizations and is not managed by this one: their state and name are not this organization's alone to change. Remove them from this organization instead.",
    );
  });

  it('deactivates and renames a member of other organizations whom this organization manages', () => {
    const { ctx, organization, bob, call } = world();
    seedMembership(ctx, { organizationId: seedOrganization(ctx).id, userId: bob.id });
    setUserFields(ctx, bob.id, { managingOrganizationId: organization.id });
    const updated = updateMember({ ...call, userId: bob.id, input: { state: 'deactivated', real_name: 'Robert' } });
    expect(updated.user).toMatchObject({ state: 'deactivated', realName: 'Robert' });
    expect(memberAuditEvents(ctx).map((e) => e.details)).toMatchObject([{ new: { state: 'deactivated', real_name: 'Robert' } }]);
  });

  it('another organization managing the member does not make their account this one’s', () => {
    const { ctx, bob, call } = world();
    const manager = seedOrganization(ctx);
    seedMembership(ctx, { organizationId: manager.id, userId: bob.id });
    setUserFields(ctx, bob.id, { managingOrganizationId: manager.id });
    expect(rejection(() => updateMember({ ...call, userId: bob.id, input: { state: 'deactivated' } })).status).toBe(409);
    expect(ctx.db.select().from(users).where(eq(users.id, bob.id)).get()!.state).toBe('active');
  });

  it('refuses to let a super admin deactivate themselves', () => {
    const { ctx, organization, admin, call } = world();
    addMember(ctx, organization.id, { email: 'second@example.test', isSuperAdmin: true });
    const error = rejection(() => updateMember({ ...call, userId: admin.id, input: { state: 'deactivated' } }));
    expect(error.status).toBe(409);
    expect(error.message).toBe('You cannot deactivate yourself: ask another super admin');
  });
});

describe('the last super admin', () => {
  const LAST = 'admin@example.test is the last active super admin of this organization and cannot be';

  it.each([
    ['demoted', (call: OrgCall, userId: string) => updateMember({ ...call, userId, input: { is_super_admin: false } })],
    ['deactivated', (call: OrgCall, userId: string) => updateMember({ ...call, userId, input: { state: 'deactivated' } })],
    ['removed', (call: OrgCall, userId: string) => removeMember({ ...call, userId })],
  ])('cannot be %s', (change, run) => {
    const { ctx, admin, call, organization } = world();
    const error = rejection(() => run(call, admin.id));
    expect(error.status).toBe(409);
    expect(error.message).toBe(`${LAST} ${change}: make another member super admin first`);
    expect(getMember({ ...call, userId: admin.id })).toMatchObject({ isSuperAdmin: true, user: { state: 'active' } });
    expect(ctx.db.select().from(memberships).where(eq(memberships.organizationId, organization.id)).all()).toHaveLength(2);
    expect(memberAuditEvents(ctx)).toEqual([]);
  });

  it.each([
    ['a deactivated super admin', (ctx: Ctx, userId: string) => setUserFields(ctx, userId, { state: 'deactivated' })],
    ['an application user', (ctx: Ctx, userId: string) => setUserFields(ctx, userId, { isApplicationUser: true })],
  ])('is not spared by %s, who cannot sign in to manage it', (_label, spoil) => {
    const { ctx, organization, admin, call } = world();
    const other = addMember(ctx, organization.id, { email: 'other@example.test', isSuperAdmin: true });
    spoil(ctx, other.id);
    expect(rejection(() => updateMember({ ...call, userId: admin.id, input: { is_super_admin: false } })).status).toBe(409);
  });

  it('can step down once another active super admin exists', () => {
    const { ctx, organization, admin, bob, call } = world();
    updateMember({ ...call, userId: bob.id, input: { is_super_admin: true } });
    expect(updateMember({ ...call, userId: admin.id, input: { is_super_admin: false } }).isSuperAdmin).toBe(false);
    // Now bob is the last one, and the guard holds for him.
    const bobCall = callAs(ctx, bob.id, organization.id);
    expect(rejection(() => removeMember({ ...bobCall, userId: bob.id })).message).toMatch(/^bob@example\.test is the last active super admin/);
  });

  it('does not guard members who are not super admins', () => {
    const { bob, call } = world();
    expect(updateMember({ ...call, userId: bob.id, input: { state: 'deactivated' } }).user.state).toBe('deactivated');
  });
});

describe('removeMember', () => {
  it('deletes the membership in this organization only, and audits it', () => {
    const { ctx, organization, bob, call } = world();
    const other = seedOrganization(ctx, { name: 'Other' });
    seedMembership(ctx, { organizationId: other.id, userId: bob.id, isSuperAdmin: true });
    const { token } = seedToken(ctx, bob.id);

    const removed = removeMember({ ...call, userId: bob.id });
    expect(removed.user.email).toBe('bob@example.test');
    expect(listMembers(call).map((m) => m.user.email)).toEqual(['admin@example.test']);
    // The user, their tokens and their other organization are untouched.
    expect(ctx.db.select().from(memberships).where(eq(memberships.userId, bob.id)).all()).toEqual([
      expect.objectContaining({ organizationId: other.id, isSuperAdmin: true }),
    ]);
    expect(ctx.db.select().from(tokens).where(eq(tokens.id, token.id)).get()).toBeDefined();
    expect(ctx.db.select().from(users).where(eq(users.id, bob.id)).get()?.state).toBe('active');
    expect(memberAuditEvents(ctx)).toMatchObject([
      {
        event: 'member.removed',
        organizationId: organization.id,
        details: { user_id: bob.id, user_email: 'bob@example.test', was_super_admin: false },
      },
    ]);
    expect(rejection(() => removeMember({ ...call, userId: bob.id })).status).toBe(404);
  });

  it('lets a super admin leave when another one stays', () => {
    const { ctx, organization, admin, call } = world();
    addMember(ctx, organization.id, { email: 'second@example.test', isSuperAdmin: true });
    removeMember({ ...call, userId: admin.id });
    expect(ctx.db.select().from(memberships).where(eq(memberships.userId, admin.id)).all()).toEqual([]);
  });
});

describe('member tokens', () => {
  it('lists a member’s tokens newest first and revokes one by prefix', () => {
    const { ctx, bob, call, organization } = world();
    const first = seedToken(ctx, bob.id, { description: 'first' }).token;
    advance(ctx, 1000);
    const second = seedToken(ctx, bob.id, { description: 'second', kind: 'session', createdManually: false }).token;
    expect(listMemberTokens({ ...call, userId: bob.id }).map((t) => t.description)).toEqual(['second', 'first']);

    const revoked = revokeMemberToken({ ...call, userId: bob.id, prefix: second.tokenPrefix });
    expect(revoked.id).toBe(second.id);
    expect(listMemberTokens({ ...call, userId: bob.id }).map((t) => t.id)).toEqual([first.id]);
    expect(memberAuditEvents(ctx)).toMatchObject([
      {
        event: 'member.token_revoked',
        organizationId: organization.id,
        actorEmail: 'admin@example.test',
        details: { user_id: bob.id, user_email: 'bob@example.test', token_prefix: second.tokenPrefix, kind: 'session', description: 'second' },
      },
    ]);
  });

  it('finds only the named member’s tokens, by prefix only', () => {
    const { ctx, admin, bob, call } = world();
    const adminToken = seedToken(ctx, admin.id);
    const bobToken = seedToken(ctx, bob.id);
    // Another member's prefix under bob is not found, and neither is a full token.
    for (const prefix of [adminToken.token.tokenPrefix, bobToken.fullToken]) {
      const error = rejection(() => revokeMemberToken({ ...call, userId: bob.id, prefix }));
      expect(error.status).toBe(404);
    }
    expect(ctx.db.select().from(tokens).where(eq(tokens.userId, bob.id)).all()).toHaveLength(1);
  });
});

describe('listMemberAuthenticationMethods', () => {
  it('reports the password with its 2FA and the last use of a password-made token', () => {
    const { ctx, bob, call, organization } = world();
    seedTotp(ctx, bob.id);
    const used = seedToken(ctx, bob.id).token;
    seedToken(ctx, bob.id, { authMethod: 'google' });
    ctx.db.update(tokens).set({ lastUsedTime: '2026-02-27T10:00:00Z' }).where(eq(tokens.id, used.id)).run();
    const [method, ...rest] = listMemberAuthenticationMethods({ ...call, userId: bob.id });
    expect(rest).toEqual([]);
    expect(authenticationMethodToWire(method!, organization)).toEqual({
      type: 'internal',
      name: 'Password',
      is_enabled_2fa: true,
      last_used_time: '2026-02-27T10:00:00Z',
      method_id: null,
      local_provider_id: null,
      remote_provider_id: 'bob@example.test',
      organization_id: organization.id,
      user_email: 'bob@example.test',
      user_id: bob.id,
    });
  });

  it('adds each linked identity: third-party by provider, SAML by its identity provider', () => {
    const { ctx, bob, call, organization } = world();
    seedLinkedIdentities(ctx, organization.id, bob, { thirdParty: { provider: 'github', subject: '4242' }, samlSubject: 'bob@idp.test' });
    const wire = listMemberAuthenticationMethods({ ...call, userId: bob.id }).map((m) => authenticationMethodToWire(m, organization));
    expect(wire.map((m) => [m.type, m.name, m.method_id, m.remote_provider_id, m.last_used_time, m.is_enabled_2fa])).toEqual([
      ['internal', 'Password', null, 'bob@example.test', null, false],
      ['github', 'GitHub', null, '4242', '2026-02-28T09:00:00Z', false],
      ['saml', 'Okta', 'amOkta', 'bob@idp.test', null, false],
    ]);
  });

  it('is empty for a member without a password', () => {
    const { ctx, organization, call } = world();
    const robot = addMember(ctx, organization.id, { passwordHash: '' });
    expect(listMemberAuthenticationMethods({ ...call, userId: robot.id })).toEqual([]);
  });
});
