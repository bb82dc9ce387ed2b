import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { memberships, tokens, users } from '@/db/tables';
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
import { first } from '@/db/async';


const world = async (ctx: Ctx = testCtx()) => await seedAdminAndBob(ctx);

const memberAuditEvents = async (ctx: Ctx) => (await listAuditEvents(ctx)).filter((e) => e.event.startsWith('member.'));

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

  it.each(operations)('%s: 403 for a member who is not a super admin', async (_name, run) => {
    const { ctx, organization, admin, bob } = await world();
    const error = await rejection(async () => run(await callAs(ctx, bob.id, organization.id), admin.id));
    expect(error.status).toBe(403);
    expect(error.message).toBe('Only super admins of this organization may do this');
    // Nothing changed: the admin is still a super admin, no event was recorded.
    expect((await getMember({ ...await callAs(ctx, admin.id, organization.id), userId: bob.id })).isSuperAdmin).toBe(false);
    expect(await memberAuditEvents(ctx)).toEqual([]);
  });

  it.each(operations)('%s: 403 without a resolved organization', async (_name, run) => {
    const { call, bob } = await world();
    expect((await rejection(() => run({ ...call, membership: null }, bob.id))).status).toBe(403);
  });

  it.each(operations.slice(1))('%s: 404 for a member of another organization, even one the admin belongs to', async (_name, run) => {
    const { ctx, call, admin } = await world();
    const other = await seedOrganization(ctx, { name: 'Other' });
    const stranger = await addMember(ctx, other.id, { email: 'stranger@example.test' });
    await seedMembership(ctx, { organizationId: other.id, userId: admin.id, isSuperAdmin: true });
    const error = await rejection(() => run(call, stranger.id));
    expect(error.status).toBe(404);
    expect(error.message).toBe(`User ${stranger.id} is not a member of this organization`);
  });
});

describe('listMembers', () => {
  it('lists the organization members by email with their sign-in methods, 2FA, activity and state', async () => {
    const { ctx, organization, admin, bob, call } = await world();
    const carol = await addMember(ctx, organization.id, { email: 'carol@example.test', isSuperAdmin: true });
    await seedTotp(ctx, bob.id);
    await seedTotp(ctx, carol.id, { confirmed: false });
    await setUserFields(ctx, bob.id, { lastActivityTime: '2026-02-28T09:15:00Z', realName: 'Bob Builder' });
    await setUserFields(ctx, carol.id, { state: 'deactivated' });
    await addMember(ctx, (await seedOrganization(ctx)).id, { email: 'elsewhere@example.test' });

    const members = await listMembers(call);
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
  ])('query %j includes application users: %s', async (query, included) => {
    const { ctx, organization, call } = await world();
    const robot = await addMember(ctx, organization.id, { email: 'robot@apps.example.test', passwordHash: '' });
    await setUserFields(ctx, robot.id, { isApplicationUser: true });
    const emails = (await listMembers({ ...call, query })).map((m) => m.user.email);
    expect(emails.includes('robot@apps.example.test')).toBe(included);
    expect(emails).toContain('bob@example.test');
  });

  it.each(['yes', '', 'TRUE'])('include_application_users=%j is a 400', async (value) => {
    const { call } = await world();
    const error = await rejection(() => listMembers({ ...call, query: { include_application_users: value } }));
    expect(error.status).toBe(400);
    expect(error.fieldErrors.include_application_users).toEqual(['include_application_users must be true or false']);
  });
});

describe('updateMember', () => {
  it('makes a member super admin and back, auditing the old and new values', async () => {
    const { ctx, bob, call, organization } = await world();
    expect((await updateMember({ ...call, userId: bob.id, input: { is_super_admin: true } })).isSuperAdmin).toBe(true);
    advance(ctx, 1000);
    expect((await updateMember({ ...call, userId: bob.id, input: { is_super_admin: false } })).isSuperAdmin).toBe(false);
    const events = await memberAuditEvents(ctx);
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

  it('records nothing when nothing changes', async () => {
    const { ctx, bob, call } = await world();
    expect((await updateMember({ ...call, userId: bob.id, input: {} })).isSuperAdmin).toBe(false);
    await updateMember({ ...call, userId: bob.id, input: { is_super_admin: false, state: 'active', real_name: '' } });
    expect(await memberAuditEvents(ctx)).toEqual([]);
  });

  it('changes the real name of a member', async () => {
    const { ctx, bob, call } = await world();
    const member = await updateMember({ ...call, userId: bob.id, input: { real_name: '  Bob Builder ' } });
    expect(member.user.realName).toBe('Bob Builder');
    expect((await memberAuditEvents(ctx))[0]!.details).toMatchObject({ old: { real_name: '' }, new: { real_name: 'Bob Builder' } });
  });

  it('deactivates a member, whose tokens then stop working, and reactivates them', async () => {
    const { ctx, bob, call } = await world();
    const { fullToken } = await seedToken(ctx, bob.id);
    const input = { authorization: `aivenv1 ${fullToken}`, cookieToken: null, ip: '192.0.2.1', userAgent: null };
    expect((await authenticate({ ctx, input })).user.id).toBe(bob.id);

    expect((await updateMember({ ...call, userId: bob.id, input: { state: 'deactivated' } })).user.state).toBe('deactivated');
    const refused = await rejection(() => authenticate({ ctx, input }));
    expect(refused.status).toBe(403);
    expect(refused.message).toBe('This user account is deactivated');

    expect((await updateMember({ ...call, userId: bob.id, input: { state: 'active' } })).user.state).toBe('active');
    expect((await authenticate({ ctx, input })).user.id).toBe(bob.id);
    expect((await memberAuditEvents(ctx)).map((e) => e.details)).toMatchObject([
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
  ])('%j is a 400 naming the field', async (input, field, message) => {
    const { ctx, bob, call } = await world();
    const error = await rejection(() => updateMember({ ...call, userId: bob.id, input }));
    expect(error.status).toBe(400);
    expect(error.fieldErrors[field]).toEqual([message]);
    expect((await getMember({ ...call, userId: bob.id })).user.state).toBe('active');
    expect(await memberAuditEvents(ctx)).toEqual([]);
  });

  it('refuses to change the state or name of someone who also belongs to another organization', async () => {
    const { ctx, bob, call } = await world();
    await seedMembership(ctx, { organizationId: (await seedOrganization(ctx)).id, userId: bob.id });
    for (const input of [{ state: 'deactivated' }, { real_name: 'Robert' }]) {
      const error = await rejection(() => updateMember({ ...call, userId: bob.id, input }));
      expect(error.status).toBe(409);
      expect(error.message).toMatch(/^bob@example\.test also belongs to other organizations/);
    }
    expect(await first(ctx.db.select().from(users).where(eq(users.id, bob.id)).limit(1))).toMatchObject({ state: 'active', realName: '' });
    // Their role here is this organization's to change.
    expect((await updateMember({ ...call, userId: bob.id, input: { is_super_admin: true } })).isSuperAdmin).toBe(true);
  });

  it('says whose account it is, and how to go on, in the refusal', async () => {
    const { ctx, bob, call } = await world();
    await seedMembership(ctx, { organizationId: (await seedOrganization(ctx)).id, userId: bob.id });
    expect((await rejection(() => updateMember({ ...call, userId: bob.id, input: { state: 'deactivated' } }))).message).toBe(
      "bob@example.test also belongs to other organizations and is not managed by this one: their state and name are not this organization's alone to change. Remove them from this organization instead.",
    );
  });

  it('deactivates and renames a member of other organizations whom this organization manages', async () => {
    const { ctx, organization, bob, call } = await world();
    await seedMembership(ctx, { organizationId: (await seedOrganization(ctx)).id, userId: bob.id });
    await setUserFields(ctx, bob.id, { managingOrganizationId: organization.id });
    const updated = await updateMember({ ...call, userId: bob.id, input: { state: 'deactivated', real_name: 'Robert' } });
    expect(updated.user).toMatchObject({ state: 'deactivated', realName: 'Robert' });
    expect((await memberAuditEvents(ctx)).map((e) => e.details)).toMatchObject([{ new: { state: 'deactivated', real_name: 'Robert' } }]);
  });

  it('another organization managing the member does not make their account this one’s', async () => {
    const { ctx, bob, call } = await world();
    const manager = await seedOrganization(ctx);
    await seedMembership(ctx, { organizationId: manager.id, userId: bob.id });
    await setUserFields(ctx, bob.id, { managingOrganizationId: manager.id });
    expect((await rejection(() => updateMember({ ...call, userId: bob.id, input: { state: 'deactivated' } }))).status).toBe(409);
    expect((await first(ctx.db.select().from(users).where(eq(users.id, bob.id)).limit(1)))!.state).toBe('active');
  });

  it('refuses to let a super admin deactivate themselves', async () => {
    const { ctx, organization, admin, call } = await world();
    await addMember(ctx, organization.id, { email: 'second@example.test', isSuperAdmin: true });
    const error = await rejection(() => updateMember({ ...call, userId: admin.id, input: { state: 'deactivated' } }));
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
  ])('cannot be %s', async (change, run) => {
    const { ctx, admin, call, organization } = await world();
    const error = await rejection(() => run(call, admin.id));
    expect(error.status).toBe(409);
    expect(error.message).toBe(`${LAST} ${change}: make another member super admin first`);
    expect(await getMember({ ...call, userId: admin.id })).toMatchObject({ isSuperAdmin: true, user: { state: 'active' } });
    expect(await ctx.db.select().from(memberships).where(eq(memberships.organizationId, organization.id))).toHaveLength(2);
    expect(await memberAuditEvents(ctx)).toEqual([]);
  });

  it.each([
    ['a deactivated super admin', (ctx: Ctx, userId: string) => setUserFields(ctx, userId, { state: 'deactivated' })],
    ['an application user', (ctx: Ctx, userId: string) => setUserFields(ctx, userId, { isApplicationUser: true })],
  ])('is not spared by %s, who cannot sign in to manage it', async (_label, spoil) => {
    const { ctx, organization, admin, call } = await world();
    const other = await addMember(ctx, organization.id, { email: 'other@example.test', isSuperAdmin: true });
    await spoil(ctx, other.id);
    expect((await rejection(() => updateMember({ ...call, userId: admin.id, input: { is_super_admin: false } }))).status).toBe(409);
  });

  it('can step down once another active super admin exists', async () => {
    const { ctx, organization, admin, bob, call } = await world();
    await updateMember({ ...call, userId: bob.id, input: { is_super_admin: true } });
    expect((await updateMember({ ...call, userId: admin.id, input: { is_super_admin: false } })).isSuperAdmin).toBe(false);
    // Now bob is the last one, and the guard holds for him.
    const bobCall = await callAs(ctx, bob.id, organization.id);
    expect((await rejection(() => removeMember({ ...bobCall, userId: bob.id }))).message).toMatch(/^bob@example\.test is the last active super admin/);
  });

  it('does not guard members who are not super admins', async () => {
    const { bob, call } = await world();
    expect((await updateMember({ ...call, userId: bob.id, input: { state: 'deactivated' } })).user.state).toBe('deactivated');
  });
});

describe('removeMember', () => {
  it('deletes the membership in this organization only, and audits it', async () => {
    const { ctx, organization, bob, call } = await world();
    const other = await seedOrganization(ctx, { name: 'Other' });
    await seedMembership(ctx, { organizationId: other.id, userId: bob.id, isSuperAdmin: true });
    const { token } = await seedToken(ctx, bob.id);

    const removed = await removeMember({ ...call, userId: bob.id });
    expect(removed.user.email).toBe('bob@example.test');
    expect((await listMembers(call)).map((m) => m.user.email)).toEqual(['admin@example.test']);
    // The user, their tokens and their other organization are untouched.
    expect(await ctx.db.select().from(memberships).where(eq(memberships.userId, bob.id))).toEqual([
      expect.objectContaining({ organizationId: other.id, isSuperAdmin: true }),
    ]);
    expect(await first(ctx.db.select().from(tokens).where(eq(tokens.id, token.id)).limit(1))).toBeDefined();
    expect((await first(ctx.db.select().from(users).where(eq(users.id, bob.id)).limit(1)))?.state).toBe('active');
    expect(await memberAuditEvents(ctx)).toMatchObject([
      {
        event: 'member.removed',
        organizationId: organization.id,
        details: { user_id: bob.id, user_email: 'bob@example.test', was_super_admin: false },
      },
    ]);
    expect((await rejection(() => removeMember({ ...call, userId: bob.id }))).status).toBe(404);
  });

  it('lets a super admin leave when another one stays', async () => {
    const { ctx, organization, admin, call } = await world();
    await addMember(ctx, organization.id, { email: 'second@example.test', isSuperAdmin: true });
    await removeMember({ ...call, userId: admin.id });
    expect(await ctx.db.select().from(memberships).where(eq(memberships.userId, admin.id))).toEqual([]);
  });
});

describe('member tokens', () => {
  it('lists a member’s tokens newest first and revokes one by prefix', async () => {
    const { ctx, bob, call, organization } = await world();
    const first = (await seedToken(ctx, bob.id, { description: 'first' })).token;
    advance(ctx, 1000);
    const second = (await seedToken(ctx, bob.id, { description: 'second', kind: 'session', createdManually: false })).token;
    expect((await listMemberTokens({ ...call, userId: bob.id })).map((t) => t.description)).toEqual(['second', 'first']);

    const revoked = await revokeMemberToken({ ...call, userId: bob.id, prefix: second.tokenPrefix });
    expect(revoked.id).toBe(second.id);
    expect((await listMemberTokens({ ...call, userId: bob.id })).map((t) => t.id)).toEqual([first.id]);
    expect(await memberAuditEvents(ctx)).toMatchObject([
      {
        event: 'member.token_revoked',
        organizationId: organization.id,
        actorEmail: 'admin@example.test',
        details: { user_id: bob.id, user_email: 'bob@example.test', token_prefix: second.tokenPrefix, kind: 'session', description: 'second' },
      },
    ]);
  });

  it('finds only the named member’s tokens, by prefix only', async () => {
    const { ctx, admin, bob, call } = await world();
    const adminToken = await seedToken(ctx, admin.id);
    const bobToken = await seedToken(ctx, bob.id);
    // Another member's prefix under bob is not found, and neither is a full token.
    for (const prefix of [adminToken.token.tokenPrefix, bobToken.fullToken]) {
      const error = await rejection(() => revokeMemberToken({ ...call, userId: bob.id, prefix }));
      expect(error.status).toBe(404);
    }
    expect(await ctx.db.select().from(tokens).where(eq(tokens.userId, bob.id))).toHaveLength(1);
  });
});

describe('listMemberAuthenticationMethods', () => {
  it('reports the password with its 2FA and the last use of a password-made token', async () => {
    const { ctx, bob, call, organization } = await world();
    await seedTotp(ctx, bob.id);
    const used = (await seedToken(ctx, bob.id)).token;
    await seedToken(ctx, bob.id, { authMethod: 'google' });
    await ctx.db.update(tokens).set({ lastUsedTime: '2026-02-27T10:00:00Z' }).where(eq(tokens.id, used.id));
    const [method, ...rest] = await listMemberAuthenticationMethods({ ...call, userId: bob.id });
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

  it('adds each linked identity: third-party by provider, SAML by its identity provider', async () => {
    const { ctx, bob, call, organization } = await world();
    await seedLinkedIdentities(ctx, organization.id, bob, { thirdParty: { provider: 'github', subject: '4242' }, samlSubject: 'bob@idp.test' });
    const wire = (await listMemberAuthenticationMethods({ ...call, userId: bob.id })).map((m) => authenticationMethodToWire(m, organization));
    expect(wire.map((m) => [m.type, m.name, m.method_id, m.remote_provider_id, m.last_used_time, m.is_enabled_2fa])).toEqual([
      ['internal', 'Password', null, 'bob@example.test', null, false],
      ['github', 'GitHub', null, '4242', '2026-02-28T09:00:00Z', false],
      ['saml', 'Okta', 'amOkta', 'bob@idp.test', null, false],
    ]);
  });

  it('is empty for a member without a password', async () => {
    const { ctx, organization, call } = await world();
    const robot = await addMember(ctx, organization.id, { passwordHash: '' });
    expect(await listMemberAuthenticationMethods({ ...call, userId: robot.id })).toEqual([]);
  });
});
