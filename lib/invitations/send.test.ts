import { describe, expect, it, vi } from 'vitest';
import { authenticate } from '@/lib/auth/gate';
import type { Ctx } from '@/lib/context';
import { listMemberships } from '@/lib/model/memberships';
import { dumpDatabase, listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { asyncRejection } from '@/lib/testing/errors';
import type { SmtpSettings } from './mail';
import { cancelInvitation, listInvitations } from './manage';
import { sendInvitation, type Mailer } from './send';

const META = { ip: '203.0.113.5', userAgent: 'vitest' };
const BASE = 'https://console.example.test';
const SMTP: SmtpSettings = { host: 'smtp.example.test', port: 587, secure: false, from: 'Portcullis <no-reply@example.test>' };

async function adminCall(ctx: Ctx) {
  const organization = await seedOrganization(ctx, { name: 'Acme' });
  const admin = await seedUser(ctx, { email: 'admin@acme.test', emailProven: true });
  await seedMembership(ctx, { organizationId: organization.id, userId: admin.id, isSuperAdmin: true });
  const { fullToken } = await seedToken(ctx, admin.id, { kind: 'session' });
  const principal = await authenticate({ ctx, input: { authorization: `aivenv1 ${fullToken}`, cookieToken: null, ...META } });
  return { organization, call: { ctx, principal, membership: (await listMemberships(ctx, admin.id))[0]!, meta: META, baseUrl: BASE } };
}

const sends = (result: Awaited<ReturnType<Mailer>>) => vi.fn<Mailer>(async () => result);

describe('sendInvitation', () => {
  it('mailed: the link goes into the mail only, never back to the admin; mailed_time is set and audited', async () => {
    const ctx = testCtx();
    const { call, organization } = await adminCall(ctx);
    const mailer = sends({ sent: true });
    const sent = await sendInvitation({ ...call, input: { user_email: 'New@Example.test' }, smtp: SMTP, mailer });

    expect(sent).toMatchObject({ mailed: true, link: null, mailError: null });
    expect(sent.invitation).toMatchObject({ email: 'new@example.test', mailedTime: '2026-03-01T12:00:00Z' });
    expect(mailer).toHaveBeenCalledTimes(1);
    const [settings, message] = mailer.mock.calls[0]!;
    expect(settings).toBe(SMTP);
    expect(message).toMatchObject({ to: 'new@example.test', organizationName: 'Acme', invitedBy: 'admin@acme.test', expiryTime: sent.invitation.expiryTime });
    expect(message.link).toMatch(/^https:\/\/console\.example\.test\/invite\/[A-Za-z0-9_-]{43}$/);
    // Nothing the admin can read holds the secret: not the answer, not the list, not the database.
    expect(JSON.stringify(sent)).not.toContain(message.link.split('/invite/')[1]);
    expect(await dumpDatabase(ctx)).not.toContain(message.link.split('/invite/')[1]);
    expect((await listInvitations(call))[0]!.mailedTime).toBe('2026-03-01T12:00:00Z');
    expect((await listAuditEvents(ctx)).map((e) => [e.event, e.organizationId, e.details])).toEqual([
      ['invitation.created', organization.id, { user_email: 'new@example.test' }],
      ['invitation.mailed', organization.id, { user_email: 'new@example.test' }],
    ]);
  });

  it.each([
    ['without SMTP', null, { sent: false }, null],
    ['when the mail fails', SMTP, { sent: false, error: 'connect ECONNREFUSED' }, 'connect ECONNREFUSED'],
  ] as const)('%s: the admin gets the link, and the invitation stays unmailed', async (_name, smtp, result, mailError) => {
    const ctx = testCtx();
    const { call } = await adminCall(ctx);
    const mailer = sends(result);
    const sent = await sendInvitation({ ...call, input: { user_email: 'new@example.test' }, smtp, mailer });
    expect(sent).toMatchObject({ mailed: false, mailError });
    expect(sent.link).toMatch(/^https:\/\/console\.example\.test\/invite\/[A-Za-z0-9_-]{43}$/);
    expect(sent.link).toBe(mailer.mock.calls[0]![1].link);
    expect(sent.invitation.mailedTime).toBeNull();
    expect((await listInvitations(call))[0]!.mailedTime).toBeNull();
    expect((await listAuditEvents(ctx)).map((e) => e.event)).toEqual(['invitation.created']);
  });

  it.each([
    ['PUBLIC_URL', { PUBLIC_URL: 'https://public.example.test/', NEXTAUTH_URL: 'http://internal.test:3000' }, 'https://public.example.test/invite/'],
    ['NEXTAUTH_URL without PUBLIC_URL', { PUBLIC_URL: '', NEXTAUTH_URL: 'http://127.0.0.1:4000' }, 'http://127.0.0.1:4000/invite/'],
    // Never a relative link: without either, the local server's address.
    ['neither', { PUBLIC_URL: '', NEXTAUTH_URL: '', PORT: '' }, 'http://localhost:3000/invite/'],
  ])('without a base URL the link is on the public URL (%s), and without SMTP settings the instance\'s are used', async (_name, env, prefix) => {
    for (const [key, value] of Object.entries({ ...env, SMTP_HOST: '' })) vi.stubEnv(key, value);
    try {
      const ctx = testCtx();
      const { call } = await adminCall(ctx);
      const { baseUrl: _omitted, ...withoutBase } = call;
      const mailer = sends({ sent: false });
      const sent = await sendInvitation({ ...withoutBase, input: { user_email: 'new@example.test' }, mailer });
      expect(sent.link!.startsWith(prefix)).toBe(true);
      expect(sent.link!.slice(prefix.length)).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // No SMTP_HOST: the instance has no SMTP, so the mailer is asked with none.
      expect(mailer.mock.calls[0]![0]).toBeNull();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('a mailer that throws counts as a failed mail, not a server error', async () => {
    const ctx = testCtx();
    const { call } = await adminCall(ctx);
    const sent = await sendInvitation({ ...call, input: { user_email: 'new@example.test' }, smtp: SMTP, mailer: vi.fn<Mailer>(async () => Promise.reject(new Error('boom'))) });
    expect(sent).toMatchObject({ mailed: false, mailError: 'boom' });
    expect(sent.link).toMatch(/\/invite\//);
  });

  it('cancelled while the mail was on its way: nothing is marked, and still no link for the admin', async () => {
    const ctx = testCtx();
    const { call } = await adminCall(ctx);
    const mailer = vi.fn<Mailer>(async (_settings, message) => {
      await cancelInvitation({ ...call, email: message.to });
      return { sent: true };
    });
    const sent = await sendInvitation({ ...call, input: { user_email: 'new@example.test' }, smtp: SMTP, mailer });
    expect(sent).toMatchObject({ mailed: true, link: null });
    expect(await listInvitations(call)).toEqual([]);
    expect((await listAuditEvents(ctx)).map((e) => e.event)).toEqual(['invitation.created', 'invitation.cancelled']);
  });

  it('bad input and non-admins are refused before anything is mailed', async () => {
    const ctx = testCtx();
    const { call } = await adminCall(ctx);
    const mailer = sends({ sent: true });
    expect((await asyncRejection(() => sendInvitation({ ...call, input: { user_email: 'nope' }, smtp: SMTP, mailer }))).status).toBe(400);
    expect((await asyncRejection(() => sendInvitation({ ...call, membership: { ...call.membership, isSuperAdmin: false }, input: { user_email: 'a@example.test' }, smtp: SMTP, mailer }))).status).toBe(403);
    expect(mailer).not.toHaveBeenCalled();
  });
});
