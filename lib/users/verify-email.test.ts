import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { type TokenKind } from '@/db/schema';
import { emailVerifications, users } from '@/db/tables';
import type { Principal } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import type { SmtpSettings } from '@/lib/mail/smtp';
import { listMemberships } from '@/lib/model/memberships';
import { asyncRejection, rejection } from '@/lib/testing/errors';
import { advance, dumpDatabase, listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { markEmailProven } from '@/lib/model/proven';
import {
  confirmEmailVerification,
  EMAIL_VERIFICATION_INTERVAL_MS,
  EMAIL_VERIFICATION_MAX_AGE_MS,
  inspectEmailVerification,
  requestEmailVerification,
  type Mailer,
} from './verify-email';
import { first } from '@/db/async';

const META = { ip: '198.51.100.7', userAgent: 'vitest' };
const BASE = 'https://console.example.test/';
const SMTP: SmtpSettings = { host: 'smtp.example.test', port: 587, secure: false, from: 'Portcullis <no-reply@example.test>' };

async function principalOf(ctx: Ctx, userId: string, kind: TokenKind = 'session'): Promise<Principal> {
  const user = (await first(ctx.db.select().from(users).where(eq(users.id, userId)).limit(1)))!;
  return { user, token: (await seedToken(ctx, userId, { kind })).token, memberships: await listMemberships(ctx, userId) };
}

/** An unproven account in an organization, the way a copied invitation link makes one. */
async function unproven(ctx: Ctx, email = 'owner@x.test') {
  const organization = await seedOrganization(ctx, { name: 'Acme' });
  const user = await seedUser(ctx, { email });
  await seedMembership(ctx, { organizationId: organization.id, userId: user.id });
  return { organization, user };
}

function mailer() {
  return vi.fn<Mailer>(async () => ({ sent: true }));
}

/** Asks for the mail and returns the secret at the end of the mailed link. */
async function requestCode(ctx: Ctx, userId: string, mail = mailer()): Promise<string> {
  await requestEmailVerification({ ctx, principal: await principalOf(ctx, userId), meta: META, baseUrl: BASE, smtp: SMTP, mailer: mail });
  const text = mail.mock.calls.at(-1)![1].text;
  return /\/verify-email\/([A-Za-z0-9_-]{43})\n/.exec(text)![1]!;
}

const provenTime = async (ctx: Ctx, id: string) => (await first(ctx.db.select({ t: users.emailVerifiedTime }).from(users).where(eq(users.id, id)).limit(1)))!.t;
const rows = (ctx: Ctx) => ctx.db.select().from(emailVerifications);
const confirm = async (ctx: Ctx, userId: string, code: string, kind: TokenKind = 'session') =>
  await confirmEmailVerification({ ctx, principal: await principalOf(ctx, userId, kind), meta: META, input: { code } });

describe('requestEmailVerification', () => {
  it('mails a one-hour link to the account’s address, stores only the SHA-256 of its secret, and audits the request', async () => {
    const ctx = testCtx();
    const { organization, user } = await unproven(ctx);
    const mail = mailer();
    const result = await requestEmailVerification({ ctx, principal: await principalOf(ctx, user.id), meta: META, baseUrl: BASE, smtp: SMTP, mailer: mail });

    expect(result).toEqual({ email: 'owner@x.test', expiryTime: '2026-03-01T13:00:00Z' });
    expect(mail).toHaveBeenCalledTimes(1);
    const [settings, message] = mail.mock.calls[0]!;
    expect(settings).toBe(SMTP);
    expect(message).toMatchObject({ to: 'owner@x.test', subject: 'Verify your address on Portcullis' });
    const secret = /https:\/\/console\.example\.test\/verify-email\/([A-Za-z0-9_-]{43})\n/.exec(message.text)![1]!;
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(message.text).toContain('sign in to Portcullis as owner@x.test');

    expect(await rows(ctx)).toEqual([
      expect.objectContaining({
        userId: user.id,
        email: 'owner@x.test',
        tokenHash: createHash('sha256').update(secret).digest('hex'),
        createTime: '2026-03-01T12:00:00Z',
        expiryTime: '2026-03-01T13:00:00Z',
        usedTime: null,
      }),
    ]);
    expect(await dumpDatabase(ctx)).not.toContain(secret);
    expect(await listAuditEvents(ctx)).toMatchObject([
      {
        event: 'user.email_verification_requested',
        organizationId: organization.id,
        actorUserId: user.id,
        ip: META.ip,
        details: { user_email: 'owner@x.test', expiry_time: '2026-03-01T13:00:00Z' },
      },
    ]);
    expect(await provenTime(ctx, user.id)).toBeNull();
  });

  it.each<[string, (ctx: Ctx) => Promise<{ principal: Principal; smtp: SmtpSettings | null; input?: unknown }>, number, string]>([
    [
      'a proven address',
      async (ctx) => ({ principal: await principalOf(ctx, (await seedUser(ctx, { email: 'p@x.test', emailProven: true })).id), smtp: SMTP }),
      409,
      'Your address p@x.test is proven already',
    ],
    [
      'no SMTP on this server',
      async (ctx) => ({ principal: await principalOf(ctx, (await unproven(ctx)).user.id), smtp: null }),
      409,
      'This server cannot send mail (SMTP is not configured), and verifying your address needs a mail: ask an administrator',
    ],
    [
      'an application user',
      async (ctx) => {
        const user = await seedUser(ctx, { email: 'bot@x.test' });
        await ctx.db.update(users).set({ isApplicationUser: true }).where(eq(users.id, user.id));
        return { principal: await principalOf(ctx, user.id, 'application'), smtp: SMTP };
      },
      403,
      'Application users have no mailbox: only a person can verify their address',
    ],
    [
      'an application token',
      async (ctx) => ({ principal: await principalOf(ctx, (await unproven(ctx)).user.id, 'application'), smtp: SMTP }),
      403,
      'Application users have no mailbox: only a person can verify their address',
    ],
    ['unexpected input', async (ctx) => ({ principal: await principalOf(ctx, (await unproven(ctx)).user.id), smtp: SMTP, input: { email: 'other@x.test' } }), 400, ''],
  ])('refuses %s: %i, nothing stored or mailed', async (_name, setup, status, message) => {
    const ctx = testCtx();
    const mail = mailer();
    const error = await asyncRejection(requestEmailVerification({ ctx, meta: META, baseUrl: BASE, mailer: mail, ...(await setup(ctx)) }));
    expect(error.status).toBe(status);
    if (message) expect(error.message).toBe(message);
    expect(mail).not.toHaveBeenCalled();
    expect(await rows(ctx)).toEqual([]);
    expect(await listAuditEvents(ctx)).toEqual([]);
  });

  it('a personal token may ask too', async () => {
    const ctx = testCtx();
    const { user } = await unproven(ctx);
    const mail = mailer();
    await requestEmailVerification({ ctx, principal: await principalOf(ctx, user.id, 'personal'), meta: META, baseUrl: BASE, smtp: SMTP, mailer: mail });
    expect(mail).toHaveBeenCalledTimes(1);
  });

  it('allows one request per user per 5 minutes (429, no mail); then the new link replaces the unused older one', async () => {
    const ctx = testCtx();
    const { user } = await unproven(ctx);
    const other = (await unproven(ctx, 'other@x.test')).user;
    const mail = mailer();
    const first = await requestCode(ctx, user.id, mail);

    advance(ctx, EMAIL_VERIFICATION_INTERVAL_MS - 1000);
    const limited = await asyncRejection(requestCode(ctx, user.id, mail));
    expect(limited.status).toBe(429);
    expect(limited.message).toBe('A verification link was mailed less than 5 minutes ago: use the link in that mail, or ask for a new one in 1 minute');
    expect(mail).toHaveBeenCalledTimes(1);
    // The limit is per user: another account is not held back.
    await requestCode(ctx, other.id, mail);

    advance(ctx, 1000);
    const second = await requestCode(ctx, user.id, mail);
    expect((await rows(ctx)).filter((r) => r.userId === user.id)).toHaveLength(1);
    expect((await rejection(() => confirm(ctx, user.id, first))).status).toBe(404);
    expect(await confirm(ctx, user.id, second)).toEqual({ email: 'owner@x.test', alreadyProven: false });
  });

  it('says how many minutes are left', async () => {
    const ctx = testCtx();
    const { user } = await unproven(ctx);
    await requestCode(ctx, user.id);
    advance(ctx, 60_000);
    expect((await asyncRejection(requestCode(ctx, user.id))).message).toMatch(/ask for a new one in 4 minutes$/);
  });

  it('a mail that fails is a 500 with no detail for the user, keeps nothing, and does not count against the limit', async () => {
    const ctx = testCtx();
    const { user } = await unproven(ctx);
    const failing = vi.fn<Mailer>(async () => ({ sent: false, error: 'connect ECONNREFUSED 10.0.0.5:25' }));
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const error = await asyncRejection(requestCode(ctx, user.id, failing));
    spy.mockRestore();
    expect(error.status).toBe(500);
    expect(error.message).toBe('The verification mail could not be sent: try again later, or ask an administrator to check the mail settings');
    expect(await rows(ctx)).toEqual([]);
    expect(await listAuditEvents(ctx)).toEqual([]);
    await requestCode(ctx, user.id);
    expect(await rows(ctx)).toHaveLength(1);
  });
});

describe('confirmEmailVerification', () => {
  it('the secret and a session of the same account prove the address once: marked used and audited as mailed_link', async () => {
    const ctx = testCtx();
    const { organization, user } = await unproven(ctx);
    const code = await requestCode(ctx, user.id);
    advance(ctx, 60_000);

    expect(await confirm(ctx, user.id, code)).toEqual({ email: 'owner@x.test', alreadyProven: false });
    expect(await provenTime(ctx, user.id)).toBe('2026-03-01T12:01:00Z');
    expect((await rows(ctx))[0]!.usedTime).toBe('2026-03-01T12:01:00Z');
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'user.email_verified')).toMatchObject([
      { organizationId: organization.id, actorUserId: user.id, details: { user_email: 'owner@x.test', how: 'mailed_link', via: 'email_verification' } },
    ]);

    // Single use.
    const again = await rejection(() => confirm(ctx, user.id, code));
    expect([again.status, again.message]).toEqual([410, 'This verification link has been used already: each link works once.']);
  });

  it('a personal token of the same user confirms too', async () => {
    const ctx = testCtx();
    const { user } = await unproven(ctx);
    expect((await confirm(ctx, user.id, await requestCode(ctx, user.id), 'personal')).alreadyProven).toBe(false);
    expect(await provenTime(ctx, user.id)).not.toBeNull();
  });

  it('the squatter rule: another account (even a proven one) holding the secret gets 403, nothing changes, and the owner’s organization sees it', async () => {
    const ctx = testCtx();
    const { organization, user: squatted } = await unproven(ctx, 'owner@x.test');
    const code = await requestCode(ctx, squatted.id);
    // The real owner of owner@x.test reads the mail but is signed in as their own, other account.
    const realOwner = await seedUser(ctx, { email: 'owner.personal@y.test', emailProven: true });
    const before = await dumpDatabase(ctx);

    const error = await rejection(() => confirm(ctx, realOwner.id, code));
    expect(error.status).toBe(403);
    expect(error.message).toBe(
      'This verification link belongs to another account, not to owner.personal@y.test: nothing was changed. Only the account that asked for it, signed in, can use it.',
    );
    expect(await provenTime(ctx, squatted.id)).toBeNull();
    expect((await rows(ctx))[0]!.usedTime).toBeNull();
    const refused = (await listAuditEvents(ctx)).filter((e) => e.event === 'user.email_verification_refused');
    expect(refused).toMatchObject([
      { organizationId: organization.id, actorUserId: realOwner.id, actorEmail: 'owner.personal@y.test', details: { user_email: 'owner@x.test', reason: 'another_account' } },
    ]);
    // Apart from that audit event, nothing differs (principalOf adds a token; leave tokens out).
    expect(JSON.parse(await dumpDatabase(ctx)).emailVerifications).toEqual(JSON.parse(before).emailVerifications);
    expect(JSON.parse(await dumpDatabase(ctx)).users).toEqual(JSON.parse(before).users);
  });

  it('another account gets 403 whatever state the link is in: it learns nothing about it', async () => {
    const ctx = testCtx();
    const { user } = await unproven(ctx);
    const other = await seedUser(ctx, { email: 'other@y.test' });
    const code = await requestCode(ctx, user.id);
    advance(ctx, EMAIL_VERIFICATION_MAX_AGE_MS + 1);
    expect((await rejection(() => confirm(ctx, other.id, code))).status).toBe(403);
  });

  it('expires after one hour, to the second', async () => {
    const ctx = testCtx();
    const { user } = await unproven(ctx);
    const code = await requestCode(ctx, user.id);
    advance(ctx, EMAIL_VERIFICATION_MAX_AGE_MS);
    const error = await rejection(() => confirm(ctx, user.id, code));
    expect([error.status, error.message]).toEqual([410, 'This verification link has expired (links are valid for one hour). Ask for a new one under Profile → Authentication.']);
    expect(await provenTime(ctx, user.id)).toBeNull();

    const fresh = testCtx();
    const again = (await unproven(fresh)).user;
    const code2 = await requestCode(fresh, again.id);
    advance(fresh, EMAIL_VERIFICATION_MAX_AGE_MS - 1000);
    expect((await confirm(fresh, again.id, code2)).alreadyProven).toBe(false);
  });

  it('a link for an address the account no longer has proves nothing (410): the proof is of that address only', async () => {
    const ctx = testCtx();
    const { user } = await unproven(ctx, 'old@x.test');
    const code = await requestCode(ctx, user.id);
    await ctx.db.update(users).set({ email: 'new@x.test' }).where(eq(users.id, user.id));
    const error = await rejection(() => confirm(ctx, user.id, code));
    expect([error.status, error.message]).toEqual([
      410,
      "This link was mailed to old@x.test, which is no longer your account's address. Ask for a new link under Profile → Authentication.",
    ]);
    expect(await provenTime(ctx, user.id)).toBeNull();
    expect((await rows(ctx))[0]!.usedTime).toBeNull();
  });

  it.each([
    ['an unknown code', 'A'.repeat(43), 404, 'This verification link is not valid: it may have been replaced by a newer one. Ask for a new link under Profile → Authentication.'],
    ['an empty code', '  ', 400, 'code: code is required'],
    ['a code too long', 'x'.repeat(257), 400, 'code: code is too long'],
  ])('%s: %i', async (_name, code, status, message) => {
    const ctx = testCtx();
    const { user } = await unproven(ctx);
    await requestCode(ctx, user.id);
    const error = await rejection(() => confirm(ctx, user.id, code));
    expect([error.status, error.message]).toEqual([status, message]);
    expect(await provenTime(ctx, user.id)).toBeNull();
  });

  it('the stored hash is not a code: sending it finds nothing', async () => {
    const ctx = testCtx();
    const { user } = await unproven(ctx);
    await requestCode(ctx, user.id);
    expect((await rejection(async () => await confirm(ctx, user.id, (await rows(ctx))[0]!.tokenHash))).status).toBe(404);
  });

  it('an application token of the same user id is refused (403)', async () => {
    const ctx = testCtx();
    const { user } = await unproven(ctx);
    const code = await requestCode(ctx, user.id);
    expect((await rejection(() => confirm(ctx, user.id, code, 'application'))).status).toBe(403);
    expect(await provenTime(ctx, user.id)).toBeNull();
    // Its own link: no "another account tried it" event for its owner.
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'user.email_verification_refused')).toEqual([]);
    // An unknown code from such a token is the same 403, not a failure of the refusal audit.
    const unknown = await rejection(() => confirm(ctx, user.id, 'no-such-code', 'application'));
    expect(unknown.status).toBe(403);
    expect(unknown.message).toBe('Application users have no mailbox: only a person can verify their address');
  });

  it('proven meanwhile some other way: the link is spent, the first proof stays, and it says so', async () => {
    const ctx = testCtx();
    const { user } = await unproven(ctx);
    const code = await requestCode(ctx, user.id);
    await markEmailProven(ctx, { userId: user.id, email: user.email, how: 'provider_verified', meta: META });
    advance(ctx, 1000);
    expect(await confirm(ctx, user.id, code)).toEqual({ email: 'owner@x.test', alreadyProven: true });
    expect(await provenTime(ctx, user.id)).toBe('2026-03-01T12:00:00Z');
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'user.email_verified')).toHaveLength(1);
  });

  it('inspect only reads: the page can show the link without spending it', async () => {
    const ctx = testCtx();
    const { user } = await unproven(ctx);
    const code = await requestCode(ctx, user.id);
    const before = await dumpDatabase(ctx);
    const principal = await principalOf(ctx, user.id);
    const withToken = await dumpDatabase(ctx);
    expect(await inspectEmailVerification({ ctx, principal, input: { code } })).toMatchObject({ email: 'owner@x.test', usedTime: null });
    expect(await dumpDatabase(ctx)).toBe(withToken);
    expect(before).not.toBe(withToken);
    expect(await provenTime(ctx, user.id)).toBeNull();
  });
});
