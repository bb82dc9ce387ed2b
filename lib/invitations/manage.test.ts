import { describe, expect, it } from 'vitest';
import { authenticate } from '@/lib/auth/gate';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { listMemberships } from '@/lib/orgs/memberships';
import { advance, dumpDatabase, listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { passwordCredentials } from '@/db/schema';
import { eq } from 'drizzle-orm';
import {
  acceptInvitation,
  acceptWithSignUp,
  cancelInvitation,
  findInvitationByLink,
  findInvitationFor,
  INVITATION_MAX_AGE_MS,
  inviteMember,
  listInvitations,
} from './manage';
import { asyncRejection as rejection } from '@/lib/testing/errors';

const META = { ip: '203.0.113.5', userAgent: 'vitest' };
const BASE = 'https://console.example.test';

function principalOf(ctx: Ctx, userId: string) {
  const { fullToken } = seedToken(ctx, userId, { kind: 'session' });
  return authenticate({ ctx, input: { authorization: `aivenv1 ${fullToken}`, cookieToken: null, ...META } });
}

function adminCall(ctx: Ctx, { superAdmin = true } = {}) {
  const organization = seedOrganization(ctx, { name: 'Acme' });
  const admin = seedUser(ctx, { email: 'admin@acme.test' });
  seedMembership(ctx, { organizationId: organization.id, userId: admin.id, isSuperAdmin: superAdmin });
  const principal = principalOf(ctx, admin.id);
  return { organization, call: { ctx, principal, membership: listMemberships(ctx, admin.id)[0]!, meta: META } };
}


const secretOf = (link: string) => link.split('/invite/')[1]!;

describe('inviteMember', () => {
  it('creates an invitation with a link whose secret is stored only hashed, for 7 days, audited', () => {
    const ctx = testCtx();
    const { call, organization } = adminCall(ctx);
    const { invitation, link } = inviteMember({ ...call, input: { user_email: ' New@Example.Test ' }, baseUrl: `${BASE}/` });
    expect(link).toMatch(/^https:\/\/console\.example\.test\/invite\/[A-Za-z0-9_-]{43}$/);
    expect(invitation).toMatchObject({ email: 'new@example.test', organizationId: organization.id, invitedByEmail: 'admin@acme.test' });
    expect(Date.parse(invitation.expiryTime) - Date.parse(invitation.createTime)).toBe(INVITATION_MAX_AGE_MS);
    expect(dumpDatabase(ctx)).not.toContain(secretOf(link));
    expect(listInvitations(call).map((i) => i.email)).toEqual(['new@example.test']);
    expect(listAuditEvents(ctx).find((e) => e.event === 'invitation.created')?.details).toEqual({ user_email: 'new@example.test' });
  });

  it('refuses members, pending duplicates and bad addresses; replaces an expired invitation', async () => {
    const ctx = testCtx();
    const { call } = adminCall(ctx);
    expect((await rejection(() => inviteMember({ ...call, input: { user_email: 'admin@acme.test' }, baseUrl: BASE }))).status).toBe(409);
    inviteMember({ ...call, input: { user_email: 'a@example.test' }, baseUrl: BASE });
    const duplicate = await rejection(() => inviteMember({ ...call, input: { user_email: 'A@example.test' }, baseUrl: BASE }));
    expect(duplicate.status).toBe(409);
    expect(duplicate.message).toMatch(/already exists/);
    expect((await rejection(() => inviteMember({ ...call, input: { user_email: 'nope' }, baseUrl: BASE }))).status).toBe(400);
    advance(ctx, INVITATION_MAX_AGE_MS);
    const again = inviteMember({ ...call, input: { user_email: 'a@example.test' }, baseUrl: BASE });
    expect(findInvitationByLink(ctx, secretOf(again.link)).invitation.id).toBe(again.invitation.id);
    expect(listInvitations(call)).toHaveLength(1);
  });

  it('is for super admins only', async () => {
    const ctx = testCtx();
    const { call } = adminCall(ctx, { superAdmin: false });
    expect((await rejection(() => inviteMember({ ...call, input: { user_email: 'a@example.test' }, baseUrl: BASE }))).status).toBe(403);
    expect((await rejection(() => listInvitations(call))).status).toBe(403);
  });
});

describe('accepting', () => {
  it('an existing user signed in as the invited address joins; the invitation is used up', async () => {
    const ctx = testCtx();
    const { call, organization } = adminCall(ctx);
    const invitee = seedUser(ctx, { email: 'b@example.test' });
    const { link } = inviteMember({ ...call, input: { user_email: 'b@example.test' }, baseUrl: BASE });
    const other = principalOf(ctx, seedUser(ctx, { email: 'c@example.test' }).id);
    const wrong = await rejection(() => acceptInvitation({ ctx, principal: other, open: findInvitationByLink(ctx, secretOf(link)), meta: META }));
    expect(wrong.status).toBe(403);
    expect(wrong.message).toBe('This invitation is for b@example.test, and you are signed in as c@example.test');

    acceptInvitation({ ctx, principal: principalOf(ctx, invitee.id), open: findInvitationByLink(ctx, secretOf(link)), meta: META });
    expect(listMemberships(ctx, invitee.id).map((m) => m.organization.id)).toEqual([organization.id]);
    expect(listMemberships(ctx, invitee.id)[0]!.isSuperAdmin).toBe(false);
    expect((await rejection(() => findInvitationByLink(ctx, secretOf(link)))).status).toBe(404);
    expect(listAuditEvents(ctx).filter((e) => e.event === 'invitation.accepted')).toHaveLength(1);
  });

  it('a new person signs up with a password and joins', async () => {
    const ctx = testCtx();
    const { call, organization } = adminCall(ctx);
    const { link } = inviteMember({ ...call, input: { user_email: 'new@example.test' }, baseUrl: BASE });
    const bad = await rejection(() => acceptWithSignUp({ ctx, secret: secretOf(link), input: { password: 'short' }, meta: META }));
    expect(bad.status).toBe(400);
    const { user } = await acceptWithSignUp({ ctx, secret: secretOf(link), input: { password: 'a long enough password', real_name: 'Ada' }, meta: META });
    expect(user).toMatchObject({ email: 'new@example.test', realName: 'Ada' });
    const stored = ctx.db.select().from(passwordCredentials).where(eq(passwordCredentials.userId, user.id)).get()!;
    expect(await verifyPassword(stored.passwordHash, 'a long enough password')).toBe(true);
    expect(listMemberships(ctx, user.id)[0]!.organization.id).toBe(organization.id);
    // Used up: a second sign-up through the same link fails.
    expect((await rejection(() => acceptWithSignUp({ ctx, secret: secretOf(link), input: { password: 'another long password' }, meta: META }))).status).toBe(404);
  });

  it('sign-up is refused when the address has an account already', async () => {
    const ctx = testCtx();
    const { call } = adminCall(ctx);
    seedUser(ctx, { email: 'b@example.test', passwordHash: await hashPassword('existing password!') });
    const { link } = inviteMember({ ...call, input: { user_email: 'b@example.test' }, baseUrl: BASE });
    const error = await rejection(() => acceptWithSignUp({ ctx, secret: secretOf(link), input: { password: 'a long enough password' }, meta: META }));
    expect(error.status).toBe(409);
    expect(error.message).toMatch(/sign in to accept/);
  });

  it('an expired link answers 410, an unknown one 404', async () => {
    const ctx = testCtx();
    const { call, organization } = adminCall(ctx);
    const { link } = inviteMember({ ...call, input: { user_email: 'b@example.test' }, baseUrl: BASE });
    expect((await rejection(() => findInvitationByLink(ctx, 'not-a-secret'))).status).toBe(404);
    advance(ctx, INVITATION_MAX_AGE_MS);
    expect((await rejection(() => findInvitationByLink(ctx, secretOf(link)))).status).toBe(410);
    expect((await rejection(() => findInvitationFor(ctx, organization.id, 'b@example.test'))).status).toBe(410);
  });

  it('cancelling removes the invitation; cancelling twice is 404', async () => {
    const ctx = testCtx();
    const { call } = adminCall(ctx);
    const { link } = inviteMember({ ...call, input: { user_email: 'b@example.test' }, baseUrl: BASE });
    cancelInvitation({ ...call, email: 'B@example.test' });
    expect((await rejection(() => findInvitationByLink(ctx, secretOf(link)))).status).toBe(404);
    expect((await rejection(() => cancelInvitation({ ...call, email: 'b@example.test' }))).status).toBe(404);
  });
});
