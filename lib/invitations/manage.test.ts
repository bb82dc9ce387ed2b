import { describe, expect, it } from 'vitest';
import { authenticate } from '@/lib/auth/gate';
import { hashPassword, verifyPassword } from '@/lib/passwords/hash';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { listMemberships } from '@/lib/model/memberships';
import { advance, dumpDatabase, listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { passwordCredentials } from '@/db/tables';
import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import type { Mailer } from './send';
import { sendInvitation } from './send';
import {
  acceptInvitation,
  acceptInvitationThroughApi,
  acceptWithSignUp,
  cancelInvitation,
  findInvitationByLink,
  findInvitationFor,
  INVITATION_MAX_AGE_MS,
  inviteMember,
  listInvitations,
} from './manage';
import { asyncRejection as rejection } from '@/lib/testing/errors';
import { first } from '@/db/async';

const META = { ip: '203.0.113.5', userAgent: 'vitest' };
const BASE = 'https://console.example.test';

async function principalOf(ctx: Ctx, userId: string) {
  const { fullToken } = await seedToken(ctx, userId, { kind: 'session' });
  return await authenticate({ ctx, input: { authorization: `aivenv1 ${fullToken}`, cookieToken: null, ...META } });
}

async function adminCall(ctx: Ctx, { superAdmin = true } = {}) {
  const organization = await seedOrganization(ctx, { name: 'Acme' });
  const admin = await seedUser(ctx, { email: 'admin@acme.test' });
  await seedMembership(ctx, { organizationId: organization.id, userId: admin.id, isSuperAdmin: superAdmin });
  const principal = await principalOf(ctx, admin.id);
  return { organization, call: { ctx, principal, membership: (await listMemberships(ctx, admin.id))[0]!, meta: META } };
}


const secretOf = (link: string) => link.split('/invite/')[1]!;

describe('inviteMember', () => {
  it('creates an invitation with a link whose secret is stored only hashed, for 7 days, audited', async () => {
    const ctx = testCtx();
    const { call, organization } = await adminCall(ctx);
    const { invitation, link } = await inviteMember({ ...call, input: { user_email: ' New@Example.Test ' }, baseUrl: `${BASE}/` });
    expect(link).toMatch(/^https:\/\/console\.example\.test\/invite\/[A-Za-z0-9_-]{43}$/);
    expect(invitation).toMatchObject({ email: 'new@example.test', organizationId: organization.id, invitedByEmail: 'admin@acme.test' });
    expect(Date.parse(invitation.expiryTime) - Date.parse(invitation.createTime)).toBe(INVITATION_MAX_AGE_MS);
    expect(INVITATION_MAX_AGE_MS).toBe(7 * 24 * 3600 * 1000);
    expect(await dumpDatabase(ctx)).not.toContain(secretOf(link));
    expect((await listInvitations(call)).map((i) => i.email)).toEqual(['new@example.test']);
    expect((await listAuditEvents(ctx)).find((e) => e.event === 'invitation.created')?.details).toEqual({ user_email: 'new@example.test' });
  });

  it('refuses members, pending duplicates and bad addresses; replaces an expired invitation', async () => {
    const ctx = testCtx();
    const { call } = await adminCall(ctx);
    expect((await rejection(() => inviteMember({ ...call, input: { user_email: 'admin@acme.test' }, baseUrl: BASE }))).status).toBe(409);
    await inviteMember({ ...call, input: { user_email: 'a@example.test' }, baseUrl: BASE });
    const duplicate = await rejection(() => inviteMember({ ...call, input: { user_email: 'A@example.test' }, baseUrl: BASE }));
    expect(duplicate.status).toBe(409);
    expect(duplicate.message).toMatch(/already exists/);
    expect((await rejection(() => inviteMember({ ...call, input: { user_email: 'nope' }, baseUrl: BASE }))).status).toBe(400);
    advance(ctx, INVITATION_MAX_AGE_MS);
    const again = await inviteMember({ ...call, input: { user_email: 'a@example.test' }, baseUrl: BASE });
    expect((await findInvitationByLink(ctx, secretOf(again.link))).invitation.id).toBe(again.invitation.id);
    expect(await listInvitations(call)).toHaveLength(1);
  });

  it('is for super admins only', async () => {
    const ctx = testCtx();
    const { call } = await adminCall(ctx, { superAdmin: false });
    expect((await rejection(() => inviteMember({ ...call, input: { user_email: 'a@example.test' }, baseUrl: BASE }))).status).toBe(403);
    expect((await rejection(() => listInvitations(call))).status).toBe(403);
  });
});

describe('accepting', () => {
  it('an existing user signed in as the invited address joins; the invitation is used up', async () => {
    const ctx = testCtx();
    const { call, organization } = await adminCall(ctx);
    const invitee = await seedUser(ctx, { email: 'b@example.test' });
    const { link } = await inviteMember({ ...call, input: { user_email: 'b@example.test' }, baseUrl: BASE });
    const other = await principalOf(ctx, (await seedUser(ctx, { email: 'c@example.test' })).id);
    const wrong = await rejection(async () => await acceptInvitation({ ctx, principal: other, open: await findInvitationByLink(ctx, secretOf(link)), meta: META, throughLink: true }));
    expect(wrong.status).toBe(403);
    expect(wrong.message).toBe('This invitation is for b@example.test, and you are signed in as c@example.test');

    await acceptInvitation({ ctx, principal: await principalOf(ctx, invitee.id), open: await findInvitationByLink(ctx, secretOf(link)), meta: META, throughLink: true });
    expect((await listMemberships(ctx, invitee.id)).map((m) => m.organization.id)).toEqual([organization.id]);
    expect((await listMemberships(ctx, invitee.id))[0]!.isSuperAdmin).toBe(false);
    expect((await rejection(() => findInvitationByLink(ctx, secretOf(link)))).status).toBe(404);
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'invitation.accepted')).toHaveLength(1);
  });

  it('a new person signs up with a password and joins', async () => {
    const ctx = testCtx();
    const { call, organization } = await adminCall(ctx);
    const { link } = await inviteMember({ ...call, input: { user_email: 'new@example.test' }, baseUrl: BASE });
    const bad = await rejection(() => acceptWithSignUp({ ctx, secret: secretOf(link), input: { password: 'short' }, meta: META }));
    expect(bad.status).toBe(400);
    const { user } = await acceptWithSignUp({ ctx, secret: secretOf(link), input: { password: 'a long enough password', real_name: 'Ada' }, meta: META });
    expect(user).toMatchObject({ email: 'new@example.test', realName: 'Ada' });
    const stored = (await first(ctx.db.select().from(passwordCredentials).where(eq(passwordCredentials.userId, user.id)).limit(1)))!;
    expect(await verifyPassword(stored.passwordHash, 'a long enough password')).toBe(true);
    expect((await listMemberships(ctx, user.id))[0]!.organization.id).toBe(organization.id);
    // Used up: a second sign-up through the same link fails.
    expect((await rejection(() => acceptWithSignUp({ ctx, secret: secretOf(link), input: { password: 'another long password' }, meta: META }))).status).toBe(404);
  });

  it('sign-up is refused when the address has an account already', async () => {
    const ctx = testCtx();
    const { call } = await adminCall(ctx);
    await seedUser(ctx, { email: 'b@example.test', passwordHash: await hashPassword('existing password!') });
    const { link } = await inviteMember({ ...call, input: { user_email: 'b@example.test' }, baseUrl: BASE });
    const error = await rejection(() => acceptWithSignUp({ ctx, secret: secretOf(link), input: { password: 'a long enough password' }, meta: META }));
    expect(error.status).toBe(409);
    expect(error.message).toMatch(/sign in to accept/);
  });

  it('an expired link answers 410, an unknown one 404', async () => {
    const ctx = testCtx();
    const { call, organization } = await adminCall(ctx);
    const { link } = await inviteMember({ ...call, input: { user_email: 'b@example.test' }, baseUrl: BASE });
    expect((await rejection(() => findInvitationByLink(ctx, 'not-a-secret'))).status).toBe(404);
    advance(ctx, INVITATION_MAX_AGE_MS);
    expect((await rejection(() => findInvitationByLink(ctx, secretOf(link)))).status).toBe(410);
    expect((await rejection(() => findInvitationFor(ctx, organization.id, 'b@example.test'))).status).toBe(410);
  });

  it('cancelling removes the invitation; cancelling twice is 404', async () => {
    const ctx = testCtx();
    const { call } = await adminCall(ctx);
    const { link } = await inviteMember({ ...call, input: { user_email: 'b@example.test' }, baseUrl: BASE });
    await cancelInvitation({ ...call, email: ' B@example.test ' });
    expect((await rejection(() => findInvitationByLink(ctx, secretOf(link)))).status).toBe(404);
    expect((await rejection(() => cancelInvitation({ ...call, email: 'b@example.test' }))).status).toBe(404);
  });
});

/** Invites through sendInvitation: `mailed` or not; returns the secret the invitee holds (from the mail, or the link the admin copied). */
async function invited(ctx: Ctx, call: Awaited<ReturnType<typeof adminCall>>['call'], email: string, { mailed }: { mailed: boolean }) {
  let mailedLink = '';
  const mailer: Mailer = async (_settings, message) => {
    mailedLink = message.link;
    return mailed ? { sent: true } : { sent: false, error: 'unreachable' };
  };
  const sent = await sendInvitation({ ...call, input: { user_email: email }, baseUrl: BASE, smtp: { host: 'smtp.test', port: 25, secure: false, from: 'x@smtp.test' }, mailer });
  expect(sent.mailed).toBe(mailed);
  return secretOf(sent.link ?? mailedLink);
}

const provenTime = async (ctx: Ctx, userId: string) => (await first(ctx.db.select({ t: users.emailVerifiedTime }).from(users).where(eq(users.id, userId)).limit(1)))!.t;
const proofEvents = async (ctx: Ctx) => (await listAuditEvents(ctx)).filter((e) => e.event === 'user.email_verified');

describe('proven addresses through invitations', () => {
  it('signing up through a mailed link creates a proven account, audited in the organization it joins', async () => {
    const ctx = testCtx();
    const { call, organization } = await adminCall(ctx);
    const secret = await invited(ctx, call, 'new@example.test', { mailed: true });
    const { user } = await acceptWithSignUp({ ctx, secret, input: { password: 'a long enough password' }, meta: META });
    expect(user.emailVerifiedTime).toBe('2026-03-01T12:00:00Z');
    expect(await proofEvents(ctx)).toMatchObject([
      { organizationId: organization.id, actorUserId: user.id, details: { user_email: 'new@example.test', how: 'mailed_link', organization_id: organization.id } },
    ]);
  });

  it('signing up through a link the admin copied (no SMTP, or the mail failed) leaves the account unproven', async () => {
    const ctx = testCtx();
    const { call } = await adminCall(ctx);
    const secret = await invited(ctx, call, 'new@example.test', { mailed: false });
    const { user } = await acceptWithSignUp({ ctx, secret, input: { password: 'a long enough password' }, meta: META });
    expect(user.emailVerifiedTime).toBeNull();
    expect(await proofEvents(ctx)).toEqual([]);
  });

  it.each([
    ['mailed, through the link', true, true, true],
    ['mailed, not through the link', true, false, false],
    ['copied by the admin, through the link', false, true, false],
  ])('a signed-in invitee accepting (%s): proven=%s', async (_name, mailed, throughLink, proven) => {
    const ctx = testCtx();
    const { call } = await adminCall(ctx);
    const invitee = await seedUser(ctx, { email: 'b@example.test' });
    const secret = await invited(ctx, call, 'b@example.test', { mailed });
    await acceptInvitation({ ctx, principal: await principalOf(ctx, invitee.id), open: await findInvitationByLink(ctx, secret), meta: META, throughLink });
    expect(await provenTime(ctx, invitee.id)).toBe(proven ? '2026-03-01T12:00:00Z' : null);
    expect(await proofEvents(ctx)).toHaveLength(proven ? 1 : 0);
  });
});

describe('acceptInvitationThroughApi: {"action": "accept", "invite_secret"}', () => {
  async function setup({ inviteeProven, mailed = false }: { inviteeProven: boolean; mailed?: boolean }) {
    const ctx = testCtx();
    const { call, organization } = await adminCall(ctx);
    const invitee = await seedUser(ctx, { email: 'b@example.test', emailProven: inviteeProven });
    const secret = await invited(ctx, call, 'b@example.test', { mailed });
    const accept = async (input: unknown, userId = invitee.id, email = 'b@example.test') =>
      await acceptInvitationThroughApi({ ctx, principal: await principalOf(ctx, userId), meta: META, organizationId: organization.id, email, input });
    const isMember = async () => (await listMemberships(ctx, invitee.id)).some((m) => m.organization.id === organization.id);
    return { ctx, organization, invitee, secret, accept, isMember };
  }

  it('an unproven caller without invite_secret is refused, naming invite_secret; nothing changes', async () => {
    const { accept, isMember, ctx, organization } = await setup({ inviteeProven: false });
    const error = await rejection(() => accept({ action: 'accept' }));
    expect(error.status).toBe(403);
    expect(error.message).toBe('b@example.test is not a proven address yet, so accepting needs "invite_secret": the secret at the end of the invitation link (/invite/<secret>)');
    expect(await isMember()).toBe(false);
    expect(await findInvitationFor(ctx, organization.id, 'b@example.test')).toBeTruthy();
  });

  it('a wrong invite_secret is refused, proven caller or not', async () => {
    for (const inviteeProven of [false, true]) {
      const { accept, isMember, secret } = await setup({ inviteeProven });
      for (const wrong of ['not-the-secret', `${secret}x`, secret.slice(1)]) {
        const error = await rejection(() => accept({ action: 'accept', invite_secret: wrong }));
        expect(error.status).toBe(403);
        expect(error.message).toBe('invite_secret does not match this invitation: give the secret at the end of the invitation link (/invite/<secret>)');
      }
      expect(await isMember()).toBe(false);
    }
  });

  it('an unproven caller with the right invite_secret joins; the address stays unproven when the link was copied', async () => {
    const { accept, isMember, secret, ctx, invitee } = await setup({ inviteeProven: false });
    expect((await accept({ action: 'accept', invite_secret: ` ${secret} ` })).name).toBe('Acme');
    expect(await isMember()).toBe(true);
    expect(await provenTime(ctx, invitee.id)).toBeNull();
  });

  it('the secret of a mailed invitation proves the address', async () => {
    const { accept, secret, ctx, invitee } = await setup({ inviteeProven: false, mailed: true });
    await accept({ action: 'accept', invite_secret: secret });
    expect(await provenTime(ctx, invitee.id)).toBe('2026-03-01T12:00:00Z');
  });

  it('a proven caller may accept without the secret', async () => {
    const { accept, isMember } = await setup({ inviteeProven: true });
    // The address in the path is read as the invitation stores it (trimmed, lower case).
    await accept({ action: 'accept' }, undefined, ' B@Example.test ');
    expect(await isMember()).toBe(true);
  });

  it('accepting when already a member (joined another way meanwhile) keeps the membership as it is and uses the invitation up', async () => {
    const { accept, ctx, organization, invitee } = await setup({ inviteeProven: true });
    await seedMembership(ctx, { organizationId: organization.id, userId: invitee.id, isSuperAdmin: true });
    expect((await accept({ action: 'accept' })).id).toBe(organization.id);
    expect((await listMemberships(ctx, invitee.id)).filter((m) => m.organization.id === organization.id)).toMatchObject([{ isSuperAdmin: true }]);
    expect((await rejection(() => findInvitationFor(ctx, organization.id, 'b@example.test'))).status).toBe(404);
  });

  it('another address is refused before the secret is looked at; unknown invitations are 404; bad input 400', async () => {
    const { accept, ctx, secret } = await setup({ inviteeProven: true });
    const stranger = await seedUser(ctx, { email: 'c@example.test', emailProven: true });
    const wrongPerson = await rejection(() => accept({ action: 'accept', invite_secret: secret }, stranger.id));
    expect(wrongPerson.status).toBe(403);
    expect(wrongPerson.message).toBe('This invitation is for b@example.test, and you are signed in as c@example.test');
    expect((await rejection(() => accept({ action: 'accept' }, stranger.id, 'c@example.test'))).status).toBe(404);
    for (const input of [{ action: 'decline' }, { action: 'accept', invite_secret: '' }, { action: 'accept', invite_secret: 5 }, { action: 'accept', invite_secret: 'x'.repeat(257) }, { action: 'accept', extra: 1 }, null]) {
      expect((await rejection(() => accept(input))).status).toBe(400);
    }
  });
});
