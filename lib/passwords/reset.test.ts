import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { organizations, passwordCredentials, passwordResets, signInFailures, tokens, totpCredentials, users } from '@/db/tables';
import { verifyPassword } from '@/lib/passwords/hash';
import {
  ACCOUNT_LIMIT,
  assertSignInAllowed,
  PASSWORD_RESET_PER_EMAIL,
  PASSWORD_RESET_PER_IP,
  PASSWORD_RESET_WINDOW_MS,
  recordSignInFailure,
} from '@/lib/auth/rate-limit';
import type { Ctx } from '@/lib/context';
import type { SmtpSettings } from '@/lib/mail/smtp';
import { asyncRejection, rejection } from '@/lib/testing/errors';
import { advance, dumpDatabase, listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import {
  completePasswordReset,
  inspectPasswordReset,
  issuePasswordReset,
  PASSWORD_RESET_MAX_AGE_MS,
  PASSWORD_RESET_NEEDS_MAIL,
  PASSWORD_RESET_REQUESTED_MESSAGE,
  passwordResetLink,
  requestPasswordReset,
  type Mailer,
} from './reset';
import { first } from '@/db/async';

const rows = (ctx: Ctx) => ctx.db.select().from(passwordResets);

beforeEach(() => {
  vi.stubEnv('PUBLIC_URL', 'https://console.example.test/');
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('issuePasswordReset', () => {
  it.each(['user', 'operator'] as const)(
    'requested by %s: a 256-bit secret, a link on PUBLIC_URL, one hour; only the SHA-256 is stored, nothing mailed or audited',
    async (requestedBy) => {
      const ctx = testCtx();
      const user = await seedUser(ctx, { email: 'ann@x.test' });
      const result = await issuePasswordReset(ctx, { userId: user.id, requestedBy });

      expect(Buffer.from(result.secret, 'base64url')).toHaveLength(32);
      expect(result.link).toBe(`https://console.example.test/reset-password/${result.secret}`);
      expect(result.expiryTime).toBe('2026-03-01T13:00:00Z');
      expect(await rows(ctx)).toEqual([
        {
          id: expect.any(String),
          userId: user.id,
          email: 'ann@x.test',
          tokenHash: createHash('sha256').update(result.secret).digest('hex'),
          requestedBy,
          createTime: '2026-03-01T12:00:00Z',
          expiryTime: '2026-03-01T13:00:00Z',
          usedTime: null,
        },
      ]);
      expect(await dumpDatabase(ctx)).not.toContain(result.secret);
      expect(await listAuditEvents(ctx)).toEqual([]);
    },
  );

  it('expires one hour after it was made', async () => {
    const ctx = testCtx();
    advance(ctx, 90_000);
    const user = await seedUser(ctx);
    const { expiryTime } = await issuePasswordReset(ctx, { userId: user.id, requestedBy: 'operator' });
    expect(Date.parse(expiryTime) - ctx.now.getTime()).toBe(PASSWORD_RESET_MAX_AGE_MS);
  });

  it('each call makes a new secret; the newest replaces the unused older link of the same user only', async () => {
    const ctx = testCtx();
    const ann = await seedUser(ctx, { email: 'ann@x.test' });
    const bob = await seedUser(ctx, { email: 'bob@x.test' });
    const first = await issuePasswordReset(ctx, { userId: ann.id, requestedBy: 'user' });
    const bobs = await issuePasswordReset(ctx, { userId: bob.id, requestedBy: 'user' });
    const second = await issuePasswordReset(ctx, { userId: ann.id, requestedBy: 'operator' });
    expect(second.secret).not.toBe(first.secret);
    expect((await rows(ctx)).map((r) => [r.userId, r.tokenHash]).sort()).toEqual(
      [
        [ann.id, createHash('sha256').update(second.secret).digest('hex')],
        [bob.id, createHash('sha256').update(bobs.secret).digest('hex')],
      ].sort(),
    );
  });

  it('keeps used links (the record of a reset) when replacing', async () => {
    const ctx = testCtx();
    const ann = await seedUser(ctx);
    await issuePasswordReset(ctx, { userId: ann.id, requestedBy: 'user' });
    await ctx.db.update(passwordResets).set({ usedTime: '2026-03-01T12:00:00Z' });
    await issuePasswordReset(ctx, { userId: ann.id, requestedBy: 'user' });
    expect((await rows(ctx)).map((r) => r.usedTime)).toEqual(['2026-03-01T12:00:00Z', null]);
  });

  it('puts one slash between the base URL and the path, however many the base URL ends with', () => {
    expect(passwordResetLink('https://console.example.test', 'abc')).toBe('https://console.example.test/reset-password/abc');
    expect(passwordResetLink('https://console.example.test///', 'abc')).toBe('https://console.example.test/reset-password/abc');
  });

  it('falls back to NEXTAUTH_URL, then localhost, for the link', async () => {
    vi.stubEnv('PUBLIC_URL', '');
    vi.stubEnv('NEXTAUTH_URL', 'http://host.test:8080');
    const ctx = testCtx();
    const { link, secret } = await issuePasswordReset(ctx, { userId: (await seedUser(ctx)).id, requestedBy: 'operator' });
    expect(link).toBe(`http://host.test:8080/reset-password/${secret}`);
  });

  it.each<[string, (ctx: Ctx) => Promise<{ userId: string; requestedBy: 'user' | 'operator' }>, number, string]>([
    ['an unknown user', async () => ({ userId: 'u000000000000', requestedBy: 'operator' }), 404, 'User u000000000000 does not exist'],
    [
      'an application user',
      async (ctx) => {
        const bot = await seedUser(ctx, { email: 'bot@x.test' });
        await ctx.db.update(users).set({ isApplicationUser: true }).where(eq(users.id, bot.id));
        return { userId: bot.id, requestedBy: 'operator' };
      },
      403,
      'Application users have no password to reset: they use application tokens',
    ],
    ['an unknown requester', async (ctx) => ({ userId: (await seedUser(ctx)).id, requestedBy: 'admin' as 'user' }), 400, "requestedBy must be 'user' or 'operator'"],
  ])('refuses %s (%i) and stores nothing', async (_name, input, status, message) => {
    const ctx = testCtx();
    const error = await asyncRejection(issuePasswordReset(ctx, await input(ctx)));
    expect([error.status, error.message]).toEqual([status, message]);
    expect(await rows(ctx)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The person's request ("Forgot password?") and the use of the link.

const META = { ip: '198.51.100.7', userAgent: 'vitest' };
const SMTP: SmtpSettings = { host: 'smtp.example.test', port: 587, secure: false, from: 'Portcullis <no-reply@example.test>' };
const NEW = 'a brand new password 2';

function mailer() {
  return vi.fn<Mailer>(async () => ({ sent: true }));
}

/** Asks for a reset of `email` and returns the answer and the mailed secret, if a mail went out. */
async function ask(ctx: Ctx, email: string, mail = mailer(), meta = META) {
  const calls = mail.mock.calls.length;
  const answer = await requestPasswordReset({ ctx, meta, input: { email }, smtp: SMTP, mailer: mail });
  const mailedNow = await answer.mailed;
  const sent = mail.mock.calls.slice(calls);
  const secret = sent.length ? /\/reset-password\/([A-Za-z0-9_-]{43})\n/.exec(sent[0]![1].text)![1]! : null;
  return { message: answer.message, mailedNow, secret, sent };
}

async function memberOf(ctx: Ctx, { email = 'ann@x.test', password = true, proven = true }: { email?: string; password?: boolean; proven?: boolean } = {}) {
  const organization = await seedOrganization(ctx, { name: 'Acme' });
  const user = await seedUser(ctx, { email, passwordHash: password ? 'not-a-real-hash' : undefined, emailProven: proven });
  await seedMembership(ctx, { organizationId: organization.id, userId: user.id });
  return { organization, user };
}

const hashOf = async (ctx: Ctx, userId: string) =>
  (await first(ctx.db.select({ h: passwordCredentials.passwordHash }).from(passwordCredentials).where(eq(passwordCredentials.userId, userId)).limit(1)))?.h;
const tokenKinds = async (ctx: Ctx, userId: string) =>
  (await ctx.db.select({ kind: tokens.kind }).from(tokens).where(eq(tokens.userId, userId))).map((t) => t.kind).sort();
const complete = (ctx: Ctx, code: string, newPassword = NEW) => completePasswordReset({ ctx, meta: META, input: { code, new_password: newPassword } });

/** Ann asks for a link, her account changes (`change`) before she uses it, and the link is refused. */
async function refusedAfterChange(change: Partial<typeof users.$inferInsert>) {
  const ctx = testCtx();
  const { user } = await memberOf(ctx);
  const { secret } = await ask(ctx, 'ann@x.test');
  await ctx.db.update(users).set(change).where(eq(users.id, user.id));
  return { ctx, user, error: await asyncRejection(complete(ctx, secret!)) };
}

describe('requestPasswordReset', () => {
  it('mails the account a one-hour link and answers with the one message; audited; only the hash stored', async () => {
    const ctx = testCtx();
    const { organization, user } = await memberOf(ctx);
    const { message, mailedNow, secret, sent } = await ask(ctx, '  Ann@X.test ');
    expect(message).toBe(PASSWORD_RESET_REQUESTED_MESSAGE);
    expect(mailedNow).toBe(true);
    expect(sent).toHaveLength(1);
    expect(sent[0]![0]).toBe(SMTP);
    expect(sent[0]![1]).toMatchObject({ to: 'ann@x.test', subject: 'Reset your Portcullis password' });
    expect(sent[0]![1].text).toContain(`https://console.example.test/reset-password/${secret}\n`);
    expect(sent[0]![1].text).toContain('until 2026-03-01T13:00:00Z');
    expect(await rows(ctx)).toEqual([
      expect.objectContaining({ userId: user.id, email: 'ann@x.test', requestedBy: 'user', tokenHash: createHash('sha256').update(secret!).digest('hex') }),
    ]);
    expect(await dumpDatabase(ctx)).not.toContain(secret);
    expect(await listAuditEvents(ctx)).toMatchObject([
      {
        event: 'user.password_reset_requested',
        organizationId: organization.id,
        actorUserId: null,
        actorEmail: 'ann@x.test',
        ip: META.ip,
        details: { user_email: 'ann@x.test', expiry_time: '2026-03-01T13:00:00Z' },
      },
    ]);
  });

  it.each<[string, (ctx: Ctx) => Promise<void>, string | null]>([
    ['an unknown address', async () => {}, null],
    [
      'a deactivated account',
      async (ctx) => {
        await seedUser(ctx, { email: 'ann@x.test', passwordHash: 'h', state: 'deactivated' });
      },
      'deactivated',
    ],
    [
      'an application user',
      async (ctx) => {
        const bot = await seedUser(ctx, { email: 'ann@x.test' });
        await ctx.db.update(users).set({ isApplicationUser: true }).where(eq(users.id, bot.id));
      },
      'application_user',
    ],
    [
      'an SSO-only member of an organization that forbids passwords',
      async (ctx) => {
        const { organization } = await memberOf(ctx, { password: false });
        await ctx.db.update(organizations).set({ passwordAuthEnabled: false }).where(eq(organizations.id, organization.id));
      },
      'password_not_allowed',
    ],
  ])('%s: the same answer, no mail, no link', async (_name, setup, reason) => {
    const ctx = testCtx();
    await setup(ctx);
    const mail = mailer();
    const { message, mailedNow } = await ask(ctx, 'ann@x.test', mail);
    expect(message).toBe(PASSWORD_RESET_REQUESTED_MESSAGE);
    expect(mailedNow).toBe(false);
    expect(mail).not.toHaveBeenCalled();
    expect(await rows(ctx)).toEqual([]);
    expect((await listAuditEvents(ctx)).map((e) => [e.event, e.details.reason])).toEqual(reason ? [['user.password_reset_refused', reason]] : []);
  });

  it('an SSO-only member whose organization allows passwords gets the mail (a first password)', async () => {
    const ctx = testCtx();
    await memberOf(ctx, { password: false });
    expect((await ask(ctx, 'ann@x.test')).mailedNow).toBe(true);
  });

  it('no SMTP: 409 telling to ask an administrator, for any address, before counting anything', async () => {
    const ctx = testCtx();
    await memberOf(ctx);
    for (const email of ['ann@x.test', 'nobody@x.test']) {
      const error = await asyncRejection(requestPasswordReset({ ctx, meta: META, input: { email }, smtp: null }));
      expect([error.status, error.message]).toEqual([409, PASSWORD_RESET_NEEDS_MAIL]);
    }
    expect(await rows(ctx)).toEqual([]);
    expect(await ctx.db.select().from(signInFailures)).toEqual([]);
  });

  it.each([
    ['not an address', { email: 'ann' }, 'email: Enter a valid email address'],
    ['no address', {}, 'email: Enter an email address'],
    ['another field', { email: 'ann@x.test', user_id: 'u1' }, 'Unrecognized key: "user_id"'],
  ])('%s: 400', async (_name, input, message) => {
    const ctx = testCtx();
    const error = await asyncRejection(requestPasswordReset({ ctx, meta: META, input, smtp: SMTP, mailer: mailer() }));
    expect([error.status, error.message]).toEqual([400, message]);
  });

  it(`limits each address to ${PASSWORD_RESET_PER_EMAIL} requests an hour, known or not, with the same 429; other addresses go on`, async () => {
    for (const email of ['ann@x.test', 'nobody@x.test']) {
      const ctx = testCtx();
      await memberOf(ctx);
      const mail = mailer();
      for (let i = 0; i < PASSWORD_RESET_PER_EMAIL; i++) {
        expect((await ask(ctx, email, mail, { ...META, ip: `203.0.113.${i}` })).message).toBe(PASSWORD_RESET_REQUESTED_MESSAGE);
      }
      const error = await asyncRejection(ask(ctx, email, mail, { ...META, ip: '203.0.113.99' }));
      expect([error.status, error.message]).toEqual([429, 'Too many password reset requests for this address. Try again in 60 minutes.']);
      expect(mail).toHaveBeenCalledTimes(email === 'ann@x.test' ? PASSWORD_RESET_PER_EMAIL : 0);
      expect((await ask(ctx, 'other@x.test', mail)).message).toBe(PASSWORD_RESET_REQUESTED_MESSAGE);
      advance(ctx, PASSWORD_RESET_WINDOW_MS);
      expect((await ask(ctx, email, mail)).message).toBe(PASSWORD_RESET_REQUESTED_MESSAGE);
    }
  });

  it(`limits each client address to ${PASSWORD_RESET_PER_IP} requests an hour, whatever the addresses typed; IPv6 by its /64`, async () => {
    const ctx = testCtx();
    await memberOf(ctx);
    const mail = mailer();
    for (let i = 0; i < PASSWORD_RESET_PER_IP; i++) {
      await ask(ctx, `someone${i}@x.test`, mail, { ...META, ip: `2001:db8::${i + 1}` });
    }
    const error = await asyncRejection(ask(ctx, 'ann@x.test', mail, { ...META, ip: '2001:db8::ffff' }));
    expect([error.status, error.message]).toEqual([429, 'Too many password reset requests from your address. Try again in 60 minutes.']);
    expect(mail).not.toHaveBeenCalled();
    // Another /64 is another client.
    expect((await ask(ctx, 'ann@x.test', mail, { ...META, ip: '2001:db8:0:1::1' })).mailedNow).toBe(true);
  });

  it('the limits follow PASSWORD_RESET_REQUESTS_PER_EMAIL / _PER_IP', async () => {
    vi.stubEnv('PASSWORD_RESET_REQUESTS_PER_EMAIL', '1');
    const ctx = testCtx();
    await ask(ctx, 'nobody@x.test');
    expect((await asyncRejection(ask(ctx, 'nobody@x.test'))).status).toBe(429);
    vi.stubEnv('PASSWORD_RESET_REQUESTS_PER_IP', '1');
    expect((await asyncRejection(ask(ctx, 'second@x.test'))).message).toBe('Too many password reset requests from your address. Try again in 60 minutes.');
  });

  it('a mail that fails still answers the same (and is logged); the link stays usable if it got through after all', async () => {
    const ctx = testCtx();
    await memberOf(ctx);
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const failing = vi.fn<Mailer>(async () => ({ sent: false, error: 'connect ECONNREFUSED' }));
    const throwing = vi.fn<Mailer>(async () => {
      throw new Error('boom');
    });
    expect(await ask(ctx, 'ann@x.test', failing)).toMatchObject({ message: PASSWORD_RESET_REQUESTED_MESSAGE, mailedNow: false });
    expect(await ask(ctx, 'ann@x.test', throwing)).toMatchObject({ message: PASSWORD_RESET_REQUESTED_MESSAGE, mailedNow: false });
    expect(spy).toHaveBeenCalledTimes(2);
    spy.mockRestore();
  });
});

describe('completePasswordReset', () => {
  it('sets the password, spends the link, ends every session, keeps personal tokens and 2FA, clears the sign-in lock, and audits', async () => {
    const ctx = testCtx();
    const { organization, user } = await memberOf(ctx);
    await seedToken(ctx, user.id, { kind: 'session' });
    await seedToken(ctx, user.id, { kind: 'session' });
    await seedToken(ctx, user.id, { kind: 'personal' });
    await ctx.db.insert(totpCredentials).values({ userId: user.id, secret: 'JBSWY3DPEHPK3PXP', confirmedTime: '2026-03-01T11:00:00Z', createTime: '2026-03-01T11:00:00Z' });
    for (let i = 0; i < ACCOUNT_LIMIT; i++) await recordSignInFailure(ctx, { email: user.email, ip: '203.0.113.1' });
    const { secret } = await ask(ctx, 'ann@x.test');
    advance(ctx, 60_000);

    expect((await inspectPasswordReset({ ctx, input: { code: secret! } })).user.id).toBe(user.id);
    const done = await complete(ctx, secret!);
    expect(done).toEqual({ email: 'ann@x.test', sessionsEnded: 2, personalTokensRevoked: 0, addressProven: false });
    expect(await verifyPassword((await hashOf(ctx, user.id))!, NEW)).toBe(true);
    expect(await tokenKinds(ctx, user.id)).toEqual(['personal']);
    expect((await rows(ctx))[0]!.usedTime).toBe('2026-03-01T12:01:00Z');
    expect((await first(ctx.db.select().from(totpCredentials).where(eq(totpCredentials.userId, user.id)).limit(1)))?.confirmedTime).toBe('2026-03-01T11:00:00Z');
    await assertSignInAllowed(ctx, { email: user.email, ip: null });
    expect((await listAuditEvents(ctx)).at(-1)).toMatchObject({
      event: 'user.password_reset',
      organizationId: organization.id,
      actorUserId: user.id,
      ip: META.ip,
      details: { requested_by: 'user', sessions_ended: 2, personal_tokens_revoked: 0, address_proven: false },
    });

    const again = await asyncRejection(complete(ctx, secret!, 'yet another password 3'));
    expect([again.status, again.message]).toEqual([410, 'This password reset link has been used already: each link works once. Ask for a new link under "Forgot password?" on the sign-in page.']);
    expect(await verifyPassword((await hashOf(ctx, user.id))!, NEW)).toBe(true);
  });

  it('a mailed link proves an unproven address; whoever made the personal tokens may not own it, so they end too', async () => {
    const ctx = testCtx();
    const { organization, user } = await memberOf(ctx, { proven: false });
    await seedToken(ctx, user.id, { kind: 'personal' });
    await seedToken(ctx, user.id, { kind: 'session' });
    const { secret } = await ask(ctx, 'ann@x.test');
    advance(ctx, 1000);
    expect(await complete(ctx, secret!)).toEqual({ email: 'ann@x.test', sessionsEnded: 1, personalTokensRevoked: 1, addressProven: true });
    expect((await first(ctx.db.select({ t: users.emailVerifiedTime }).from(users).where(eq(users.id, user.id)).limit(1)))!.t).toBe('2026-03-01T12:00:01Z');
    expect(await tokenKinds(ctx, user.id)).toEqual([]);
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'user.email_verified')).toMatchObject([
      { organizationId: organization.id, details: { user_email: 'ann@x.test', how: 'mailed_link', via: 'password_reset' } },
    ]);
  });

  it("the operator's printed link sets a password but proves nothing (it was not mailed)", async () => {
    const ctx = testCtx();
    const { user } = await memberOf(ctx, { proven: false });
    await seedToken(ctx, user.id, { kind: 'personal' });
    const { secret } = await issuePasswordReset(ctx, { userId: user.id, requestedBy: 'operator' });
    expect(await complete(ctx, secret)).toEqual({ email: 'ann@x.test', sessionsEnded: 0, personalTokensRevoked: 0, addressProven: false });
    expect((await first(ctx.db.select({ t: users.emailVerifiedTime }).from(users).where(eq(users.id, user.id)).limit(1)))!.t).toBeNull();
    expect((await listAuditEvents(ctx)).at(-1)).toMatchObject({ event: 'user.password_reset', details: { requested_by: 'operator' } });
  });

  it('expires after one hour, to the second', async () => {
    const ctx = testCtx();
    const { user } = await memberOf(ctx);
    const { secret } = await ask(ctx, 'ann@x.test');
    advance(ctx, PASSWORD_RESET_MAX_AGE_MS);
    const error = await asyncRejection(complete(ctx, secret!));
    expect([error.status, error.message]).toEqual([410, 'This password reset link has expired (links are valid for one hour). Ask for a new link under "Forgot password?" on the sign-in page.']);
    expect(await hashOf(ctx, user.id)).toBe('not-a-real-hash');

    advance(ctx, -1000);
    expect((await complete(ctx, secret!)).email).toBe('ann@x.test');
  });

  it('a newer link replaces the older one (404)', async () => {
    const ctx = testCtx();
    await memberOf(ctx);
    const first = await ask(ctx, 'ann@x.test');
    const second = await ask(ctx, 'ann@x.test');
    expect((await asyncRejection(complete(ctx, first.secret!))).status).toBe(404);
    expect((await complete(ctx, second.secret!)).email).toBe('ann@x.test');
  });

  it("a link made for an address the account no longer has is refused (410): it went to the old owner's mailbox", async () => {
    const { ctx, user, error } = await refusedAfterChange({ email: 'ann.new@x.test' });
    expect([error.status, error.message]).toEqual([
      410,
      'This password reset link was made for ann@x.test, which is no longer the account\'s address. Ask for a new link under "Forgot password?" on the sign-in page.',
    ]);
    expect(await hashOf(ctx, user.id)).toBe('not-a-real-hash');
  });

  it('acts only on the account the link names: no field in the request can point it elsewhere', async () => {
    const ctx = testCtx();
    const { user: ann } = await memberOf(ctx);
    const bob = await seedUser(ctx, { email: 'bob@x.test', passwordHash: 'bobs-hash' });
    const { secret } = await ask(ctx, 'ann@x.test');
    for (const extra of [{ email: 'bob@x.test' }, { user_id: bob.id }]) {
      const error = await asyncRejection(completePasswordReset({ ctx, meta: META, input: { code: secret, new_password: NEW, ...extra } }));
      expect(error.status).toBe(400);
    }
    expect(await hashOf(ctx, bob.id)).toBe('bobs-hash');
    expect((await complete(ctx, secret!)).email).toBe('ann@x.test');
    expect(await hashOf(ctx, bob.id)).toBe('bobs-hash');
    expect(await verifyPassword((await hashOf(ctx, ann.id))!, NEW)).toBe(true);
  });

  it.each([
    ['an unknown code', 'A'.repeat(43), NEW, 404, 'This password reset link is not valid: it may have been replaced by a newer one. Ask for a new link under "Forgot password?" on the sign-in page.'],
    ['an empty code', ' ', NEW, 400, 'code: verification_code is required'],
    ['a code too long', 'x'.repeat(257), NEW, 400, 'code: verification_code is too long'],
    ['a weak password', null, 'short', 400, 'new_password: Use at least 12 characters'],
  ])('%s: %i, nothing changes', async (_name, code, password, status, message) => {
    const ctx = testCtx();
    const { user } = await memberOf(ctx);
    const { secret } = await ask(ctx, 'ann@x.test');
    const error = await asyncRejection(complete(ctx, code ?? secret!, password));
    expect([error.status, error.message]).toEqual([status, message]);
    expect(await hashOf(ctx, user.id)).toBe('not-a-real-hash');
    expect((await rows(ctx))[0]!.usedTime).toBeNull();
  });

  it('the stored hash is not a code', async () => {
    const ctx = testCtx();
    await memberOf(ctx);
    await ask(ctx, 'ann@x.test');
    expect((await asyncRejection(complete(ctx, (await rows(ctx))[0]!.tokenHash))).status).toBe(404);
  });

  it('a deactivated account (403) and an SSO-only user whose organizations turned passwords off meanwhile (403) are refused', async () => {
    const { error } = await refusedAfterChange({ state: 'deactivated' });
    expect([error.status, error.message]).toEqual([403, 'This user account is deactivated: its password cannot be reset']);

    const fresh = testCtx();
    const { organization } = await memberOf(fresh, { password: false });
    const asked = await ask(fresh, 'ann@x.test');
    await fresh.db.update(organizations).set({ passwordAuthEnabled: false }).where(eq(organizations.id, organization.id));
    const refused = await asyncRejection(complete(fresh, asked.secret!));
    expect(refused.status).toBe(403);
    expect(refused.message).toMatch(/^Organization "Acme" does not allow sign-in with a password, so you cannot set one\./);
  });

  it('the page shows a used link as used (410) before anyone types a password', async () => {
    const ctx = testCtx();
    await memberOf(ctx);
    const { secret } = await ask(ctx, 'ann@x.test');
    await complete(ctx, secret!);
    const error = await rejection(() => inspectPasswordReset({ ctx, input: { code: secret! } }));
    expect([error.status, error.message]).toEqual([410, 'This password reset link has been used already: each link works once. Ask for a new link under "Forgot password?" on the sign-in page.']);
  });

  it('finds the link with spaces or a line break around the code (copied from a mail)', async () => {
    const ctx = testCtx();
    const { user } = await memberOf(ctx);
    const { secret } = await ask(ctx, 'ann@x.test');
    expect((await inspectPasswordReset({ ctx, input: { code: ` ${secret!}\n` } })).user.id).toBe(user.id);
  });

  it("the operator's link sets a first password even where the organization allows no password sign-in: the operator decides", async () => {
    const ctx = testCtx();
    const { organization, user } = await memberOf(ctx, { password: false });
    await ctx.db.update(organizations).set({ passwordAuthEnabled: false }).where(eq(organizations.id, organization.id));
    const { secret } = await issuePasswordReset(ctx, { userId: user.id, requestedBy: 'operator' });
    expect(await complete(ctx, secret)).toEqual({ email: 'ann@x.test', sessionsEnded: 0, personalTokensRevoked: 0, addressProven: false });
    expect(await verifyPassword((await hashOf(ctx, user.id))!, NEW)).toBe(true);
  });

  it('a user who has a password resets it by mail even where the organization turned password sign-in off: only a first password is held back', async () => {
    const ctx = testCtx();
    const { organization, user } = await memberOf(ctx);
    await ctx.db.update(organizations).set({ passwordAuthEnabled: false }).where(eq(organizations.id, organization.id));
    const { secret } = await ask(ctx, 'ann@x.test');
    expect((await inspectPasswordReset({ ctx, input: { code: secret! } })).user.id).toBe(user.id);
    expect((await complete(ctx, secret!)).email).toBe('ann@x.test');
    expect(await verifyPassword((await hashOf(ctx, user.id))!, NEW)).toBe(true);
  });

  it('two uses at once: only one sets the password', async () => {
    const ctx = testCtx();
    await memberOf(ctx);
    const { secret } = await ask(ctx, 'ann@x.test');
    const results = await Promise.allSettled([complete(ctx, secret!, 'first password 111'), complete(ctx, secret!, 'second password 222')]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });
});
