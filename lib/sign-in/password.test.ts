import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Organization } from '@/db/schema';
import { organizations, recoveryCodes, signInFailures, tokens, totpCredentials, users } from '@/db/tables';
import type { RequestMeta } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { advance, listAuditEvents, seedMembership, seedOrganization, seedUser, testCtx } from '@/lib/testing/seed';
import { resolveToken } from '@/lib/tokens/resolve';
import { hashToken } from '@/lib/tokens/token';
import { hashPassword } from '@/lib/passwords/hash';
import { ACCOUNT_LIMIT, IP_LIMIT, signInLimits } from '@/lib/auth/rate-limit';
import { hashRecoveryCode } from '@/lib/two-factor/recovery-codes';
import { sessionTokenSettings } from '@/lib/auth/session';
import { signInWithPassword } from './password';
import { totpCodeForStep, totpStepAt } from '@/lib/two-factor/totp';
import { asyncRejection as rejection } from '@/lib/testing/errors';
import { first } from '@/db/async';

const PASSWORD = 'correct horse battery staple';
const EMAIL = 'ada@example.test';
const META = { ip: '203.0.113.1', userAgent: 'vitest' } as const;

// One argon2id hash for the whole file: hashing is slow on purpose.
let passwordHash: string;
beforeAll(async () => {
  passwordHash = await hashPassword(PASSWORD);
});

/** A user with the password, member of one organization per allowlist given. */
async function member(ctx: Ctx, { allowlists = [[]], state }: { allowlists?: string[][]; state?: 'active' | 'deactivated' } = {}) {
  const user = await seedUser(ctx, { email: EMAIL, passwordHash, state });
  const orgs: Organization[] = [];
  for (const ipAllowlist of allowlists) orgs.push(await seedOrganization(ctx, { ipAllowlist }));
  for (const org of orgs) await seedMembership(ctx, { organizationId: org.id, userId: user.id });
  return { user, orgs };
}

async function signIn(ctx: Ctx, input: unknown, meta: RequestMeta = META) {
  return await signInWithPassword({ ctx, input, meta });
}


async function failureCount(ctx: Ctx, key: string): Promise<number> {
  return (await first(ctx.db.select().from(signInFailures).where(eq(signInFailures.key, key)).limit(1)))?.count ?? 0;
}

describe('signInWithPassword: success', () => {
  it('returns a session token that resolveToken accepts', async () => {
    const ctx = testCtx();
    const { user } = await member(ctx);
    const result = await signIn(ctx, { email: EMAIL, password: PASSWORD });

    expect(result.user.id).toBe(user.id);
    expect(result.token).toMatchObject({
      userId: user.id,
      kind: 'session',
      authMethod: 'password',
      createdManually: false,
      maxAgeSeconds: sessionTokenSettings().maxAgeSeconds,
      extendWhenUsed: true,
    });
    expect(result.token.tokenHash).toBe(hashToken(result.fullToken));
    expect(await ctx.db.select().from(tokens)).toHaveLength(1);

    const resolved = await resolveToken({ ctx, input: { token: result.fullToken, ip: META.ip, userAgent: null } });
    expect(resolved.user.id).toBe(user.id);
    expect(resolved.token.id).toBe(result.token.id);
  });

  it('takes the email in any case and with spaces around it', async () => {
    const ctx = testCtx();
    const { user } = await member(ctx);
    expect((await signIn(ctx, { email: '  ADA@Example.TEST ', password: PASSWORD })).user.id).toBe(user.id);
  });

  it('records the sign-in in each organization, with the token prefix', async () => {
    const ctx = testCtx();
    const { user, orgs } = await member(ctx, { allowlists: [[], []] });
    const result = await signIn(ctx, { email: EMAIL, password: PASSWORD });
    const events = await listAuditEvents(ctx);
    expect(events.map((e) => [e.event, e.organizationId])).toEqual([
      ['auth.sign_in', orgs[0]!.id],
      ['auth.sign_in', orgs[1]!.id],
    ]);
    expect(events[0]).toMatchObject({
      actorUserId: user.id,
      actorEmail: EMAIL,
      ip: META.ip,
      userAgent: META.userAgent,
      details: { method: 'password', token_prefix: result.token.tokenPrefix },
    });
    expect(JSON.stringify(events)).not.toContain(result.fullToken);
  });

  it('a user without organizations signs in from anywhere, audited without an organization', async () => {
    const ctx = testCtx();
    const { user } = await member(ctx, { allowlists: [] });
    await signIn(ctx, { email: EMAIL, password: PASSWORD }, { ip: null, userAgent: null });
    expect(await listAuditEvents(ctx)).toMatchObject([{ event: 'auth.sign_in', organizationId: null, actorUserId: user.id }]);
  });

  it('each sign-in is its own session', async () => {
    const ctx = testCtx();
    await member(ctx);
    const a = await signIn(ctx, { email: EMAIL, password: PASSWORD });
    const b = await signIn(ctx, { email: EMAIL, password: PASSWORD });
    expect(a.token.id).not.toBe(b.token.id);
    expect(await ctx.db.select().from(tokens)).toHaveLength(2);
  });

  it('clears the account failure counter, not the address counter', async () => {
    const ctx = testCtx();
    await member(ctx);
    await rejection(signIn(ctx, { email: EMAIL, password: 'wrong' }));
    await rejection(signIn(ctx, { email: EMAIL, password: 'wrong' }));
    expect(await failureCount(ctx, `email:${EMAIL}`)).toBe(2);
    await signIn(ctx, { email: EMAIL, password: PASSWORD });
    expect(await failureCount(ctx, `email:${EMAIL}`)).toBe(0);
    expect(await failureCount(ctx, `ip:${META.ip}`)).toBe(2);
  });
});

describe('signInWithPassword: wrong credentials', () => {
  it.each([
    ['wrong password', { email: EMAIL, password: 'wrong password' }],
    ['password in another case', { email: EMAIL, password: PASSWORD.toUpperCase() }],
    ['password with a trailing space', { email: EMAIL, password: `${PASSWORD} ` }],
    ['unknown email', { email: 'nobody@example.test', password: PASSWORD }],
  ])('%s: the same 401, counted and audited, no token', async (_name, input) => {
    const ctx = testCtx();
    const { user, orgs } = await member(ctx);
    const error = await rejection(signIn(ctx, input));
    expect(error.status).toBe(401);
    expect(error.message).toBe('Wrong email or password');
    expect(await ctx.db.select().from(tokens)).toEqual([]);
    expect(await failureCount(ctx, `email:${input.email}`)).toBe(1);
    expect(await failureCount(ctx, `ip:${META.ip}`)).toBe(1);

    const known = input.email === EMAIL;
    expect(await listAuditEvents(ctx)).toMatchObject([
      {
        event: 'auth.sign_in_failed',
        organizationId: known ? orgs[0]!.id : null,
        actorUserId: known ? user.id : null,
        actorEmail: input.email,
        ip: META.ip,
        details: { method: 'password', reason: 'wrong_credentials' },
      },
    ]);
  });

  it('a user without a password is refused like an unknown email', async () => {
    const ctx = testCtx();
    await seedUser(ctx, { email: 'sso@example.test' });
    const error = await rejection(signIn(ctx, { email: 'sso@example.test', password: PASSWORD }));
    expect(error.status).toBe(401);
    expect(error.message).toBe('Wrong email or password');
  });

  it('a deactivated user with a wrong password gets the plain 401, revealing nothing', async () => {
    const ctx = testCtx();
    await member(ctx, { state: 'deactivated' });
    const error = await rejection(signIn(ctx, { email: EMAIL, password: 'wrong' }));
    expect(error.status).toBe(401);
    expect(error.message).toBe('Wrong email or password');
  });
});

describe('signInWithPassword: rate limiting', () => {
  it(`refuses with 429 after ${ACCOUNT_LIMIT} failures, even the right password`, async () => {
    const ctx = testCtx();
    await member(ctx);
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      expect((await rejection(signIn(ctx, { email: EMAIL, password: `wrong ${i}` }))).status).toBe(401);
    }
    const error = await rejection(signIn(ctx, { email: EMAIL, password: PASSWORD }));
    expect(error.status).toBe(429);
    expect(error.message).toMatch(/for this account\. Try again in 15 minutes\./);
    expect(await ctx.db.select().from(tokens)).toEqual([]);
    // A refused attempt is not another failure: the counter stays at the limit.
    expect(await failureCount(ctx, `email:${EMAIL}`)).toBe(ACCOUNT_LIMIT);
  });

  it('the account limit holds across addresses', async () => {
    const ctx = testCtx();
    await member(ctx);
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      await rejection(signIn(ctx, { email: EMAIL, password: 'wrong' }, { ip: `198.51.100.${i}`, userAgent: null }));
    }
    expect((await rejection(signIn(ctx, { email: EMAIL, password: PASSWORD }, { ip: '192.0.2.1', userAgent: null }))).status).toBe(429);
  });

  it(`refuses an address after ${IP_LIMIT} failures across accounts`, async () => {
    const ctx = testCtx();
    await member(ctx);
    // As left by IP_LIMIT failures for other accounts (see rate-limit.test.ts), without IP_LIMIT argon2 checks.
    await ctx.db.insert(signInFailures).values({ key: `ip:${META.ip}`, windowStart: ctx.now.toISOString(), count: IP_LIMIT });
    const error = await rejection(signIn(ctx, { email: EMAIL, password: PASSWORD }));
    expect(error.status).toBe(429);
    expect(error.message).toMatch(/from your address/);
    expect((await signIn(ctx, { email: EMAIL, password: PASSWORD }, { ip: '203.0.113.2', userAgent: null })).user.email).toBe(EMAIL);
  });
});

describe('signInWithPassword: refusals after the right password', () => {
  it('403 for a deactivated user, audited, not counted as a failure', async () => {
    const ctx = testCtx();
    const { orgs } = await member(ctx, { state: 'deactivated' });
    const error = await rejection(signIn(ctx, { email: EMAIL, password: PASSWORD }));
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/deactivated/);
    expect(await ctx.db.select().from(tokens)).toEqual([]);
    expect(await failureCount(ctx, `email:${EMAIL}`)).toBe(0);
    expect(await listAuditEvents(ctx)).toMatchObject([
      { event: 'auth.sign_in_failed', organizationId: orgs[0]!.id, details: { method: 'password', reason: 'deactivated' } },
    ]);
  });

  it.each([
    [[['10.0.0.0/8']], '10.1.2.3', true],
    [[['10.0.0.0/8']], '::ffff:10.1.2.3', true],
    [[['10.0.0.0/8']], '203.0.113.1', false],
    [[['10.0.0.0/8']], null, false],
    [[['2001:db8::/32']], '2001:db8::1', true],
    [[['2001:db8::/32']], '10.1.2.3', false],
    // One organization admitting the address is enough to sign in.
    [[['10.0.0.0/8'], ['192.168.0.0/16']], '192.168.1.1', true],
    [[['10.0.0.0/8'], []], '203.0.113.1', true],
    [[['10.0.0.0/8'], ['192.168.0.0/16']], '203.0.113.1', false],
    [[[]], null, true],
  ])('organization allowlists %j, ip %j -> signed in %s', async (allowlists, ip, allowed) => {
    const ctx = testCtx();
    await member(ctx, { allowlists });
    const attempt = signIn(ctx, { email: EMAIL, password: PASSWORD }, { ip, userAgent: null });
    if (allowed) {
      expect((await attempt).token.kind).toBe('session');
    } else {
      const error = await rejection(attempt);
      expect(error.status).toBe(403);
      expect(error.message).toBe(`IP address ${ip ?? 'unknown'} is not in your organization's IP allowlist`);
      expect(await ctx.db.select().from(tokens)).toEqual([]);
      const events = await listAuditEvents(ctx);
      expect(events).toHaveLength(allowlists.length);
      for (const event of events) expect(event).toMatchObject({ event: 'auth.sign_in_failed', details: { reason: 'ip_not_allowed' } });
    }
  });
});

describe('signInWithPassword: bad input', () => {
  it.each([
    ['nothing', {}, ['email', 'password']],
    ['null', null, ['']],
    ['a bad email', { email: 'ada', password: PASSWORD }, ['email']],
    ['an empty password', { email: EMAIL, password: '' }, ['password']],
    ['a huge password', { email: EMAIL, password: 'x'.repeat(1025) }, ['password']],
    ['a numeric password', { email: EMAIL, password: 12 }, ['password']],
  ])('400 for %s, before any counting', async (_name, input, fields) => {
    const ctx = testCtx();
    await member(ctx);
    const error = await rejection(signIn(ctx, input));
    expect(error.status).toBe(400);
    expect(Object.keys(error.fieldErrors).sort()).toEqual(fields);
    expect(await ctx.db.select().from(signInFailures)).toEqual([]);
    expect(await listAuditEvents(ctx)).toEqual([]);
  });
});

describe('signInWithPassword: parallel guesses', () => {
  it(`lets at most ${ACCOUNT_LIMIT} of many simultaneous wrong guesses reach the password check`, async () => {
    const ctx = testCtx();
    await member(ctx);
    const results = await Promise.all(
      Array.from({ length: ACCOUNT_LIMIT * 3 }, (_, i) => rejection(signIn(ctx, { email: EMAIL, password: `guess-${i}` }))),
    );
    const codes = results.map((e) => e.code);
    expect(codes.filter((c) => c === 'unauthorized')).toHaveLength(ACCOUNT_LIMIT);
    expect(codes.filter((c) => c === 'rate_limited')).toHaveLength(ACCOUNT_LIMIT * 2);
  });

  it('a success returns the address its attempt, so signing in does not use up the per-address limit', async () => {
    const ctx = testCtx();
    await member(ctx);
    for (let i = 0; i < IP_LIMIT + 5; i++) await signIn(ctx, { email: EMAIL, password: PASSWORD });
    const row = await first(ctx.db.select().from(signInFailures).where(eq(signInFailures.key, `ip:${META.ip}`)).limit(1));
    expect(row?.count ?? 0).toBe(0);
  });
});

describe('signInLimits', () => {
  it.each([
    [{}, { perAccount: ACCOUNT_LIMIT, perIp: IP_LIMIT }],
    [{ SIGN_IN_FAILURES_PER_ACCOUNT: '3', SIGN_IN_FAILURES_PER_IP: '1000' }, { perAccount: 3, perIp: 1000 }],
    [{ SIGN_IN_FAILURES_PER_ACCOUNT: '0', SIGN_IN_FAILURES_PER_IP: 'many' }, { perAccount: ACCOUNT_LIMIT, perIp: IP_LIMIT }],
    [{ SIGN_IN_FAILURES_PER_ACCOUNT: '2.5' }, { perAccount: ACCOUNT_LIMIT, perIp: IP_LIMIT }],
    // One failure is the strictest limit an operator may set, not an invalid one.
    [{ SIGN_IN_FAILURES_PER_ACCOUNT: '1', SIGN_IN_FAILURES_PER_IP: '1' }, { perAccount: 1, perIp: 1 }],
  ])('%j -> %j', (env, expected) => expect(signInLimits(env)).toEqual(expected));
});

describe('signInWithPassword: the organization policy', () => {
  it('refuses when the only organization does not allow passwords, naming the allowed methods', async () => {
    const ctx = testCtx();
    const { orgs } = await member(ctx);
    await ctx.db.update(organizations).set({ passwordAuthEnabled: false, oauthEnabled: false }).where(eq(organizations.id, orgs[0]!.id));
    const error = await rejection(signIn(ctx, { email: EMAIL, password: PASSWORD }));
    expect(error.status).toBe(403);
    expect(error.message).toBe(`Organization "${orgs[0]!.name}" does not allow sign-in with a password. Allowed methods: SAML single sign-on.`);
  });

  it('lets the user in when another of their organizations allows passwords', async () => {
    const ctx = testCtx();
    const { orgs } = await member(ctx, { allowlists: [[], []] });
    await ctx.db.update(organizations).set({ passwordAuthEnabled: false }).where(eq(organizations.id, orgs[0]!.id));
    const { token } = await signIn(ctx, { email: EMAIL, password: PASSWORD });
    expect(token.authMethod).toBe('password');
  });
});

describe('signInWithPassword: two-factor authentication', () => {
  const SECRET = 'JBSWY3DPEHPK3PXP';
  const RECOVERY = 'abcd-efgh-2345-wxyz';

  /** A member with a confirmed authenticator and one recovery code. */
  async function enrolledMember(ctx: Ctx) {
    const result = await member(ctx);
    await ctx.db.insert(totpCredentials).values({ userId: result.user.id, secret: SECRET, confirmedTime: '2026-03-01T11:00:00Z', createTime: '2026-03-01T11:00:00Z' });
    await ctx.db.insert(recoveryCodes).values({ userId: result.user.id, codeHash: hashRecoveryCode(RECOVERY) });
    return result;
  }
  const codeNow = (ctx: Ctx, delta = 0) => totpCodeForStep(SECRET, totpStepAt(ctx.now) + delta);
  const wrongCode = (ctx: Ctx) => ['000000', '111111', '222222'].find((c) => ![-1, 0, 1].some((d) => codeNow(ctx, d) === c))!;
  const events = async (ctx: Ctx) => (await listAuditEvents(ctx)).map((e) => [e.event, e.details]);

  it('without a code: otp_required (510) with the message avn shows, no token, not counted', async () => {
    const ctx = testCtx();
    await enrolledMember(ctx);
    const error = await rejection(signIn(ctx, { email: EMAIL, password: PASSWORD }));
    expect(error.code).toBe('otp_required');
    expect(error.status).toBe(510);
    expect(error.message).toBe('Two-factor authentication code required');
    expect(await ctx.db.select().from(tokens)).toEqual([]);
    expect(await failureCount(ctx, `email:${EMAIL}`)).toBe(0);
    expect(await failureCount(ctx, `ip:${META.ip}`)).toBe(0);
    expect(await listAuditEvents(ctx)).toEqual([]);
  });

  it('a wrong password is refused as ever, before any mention of a code', async () => {
    const ctx = testCtx();
    await enrolledMember(ctx);
    const error = await rejection(signIn(ctx, { email: EMAIL, password: 'wrong', otp: codeNow(ctx) }));
    expect(error.message).toBe('Wrong email or password');
  });

  it.each([-1, 0, 1])('with the code of step now%+i: signed in, the step spent', async (delta) => {
    const ctx = testCtx();
    await enrolledMember(ctx);
    const result = await signIn(ctx, { email: EMAIL, password: PASSWORD, otp: codeNow(ctx, delta) });
    expect(result.token.kind).toBe('session');
    expect((await first(ctx.db.select().from(totpCredentials).limit(1)))!.lastUsedStep).toBe(totpStepAt(ctx.now) + delta);
    expect(await events(ctx)).toEqual([['auth.sign_in', { method: 'password', token_prefix: result.token.tokenPrefix, second_factor: 'totp' }]]);
  });

  it('a code two steps off is wrong', async () => {
    const ctx = testCtx();
    await enrolledMember(ctx);
    expect((await rejection(signIn(ctx, { email: EMAIL, password: PASSWORD, otp: codeNow(ctx, 2) }))).message).toBe('Wrong authentication code');
  });

  it('the same code cannot sign in twice (401), nor an older one', async () => {
    const ctx = testCtx();
    await enrolledMember(ctx);
    const code = codeNow(ctx);
    await signIn(ctx, { email: EMAIL, password: PASSWORD, otp: code });
    const replay = await rejection(signIn(ctx, { email: EMAIL, password: PASSWORD, otp: code }));
    expect(replay.status).toBe(401);
    expect(replay.message).toBe('Wrong authentication code');
    expect((await rejection(signIn(ctx, { email: EMAIL, password: PASSWORD, otp: codeNow(ctx, -1) }))).status).toBe(401);
    expect(await ctx.db.select().from(tokens)).toHaveLength(1);
    // 30 seconds on, the next code works.
    advance(ctx, 30_000);
    expect((await signIn(ctx, { email: EMAIL, password: PASSWORD, otp: codeNow(ctx) })).token.kind).toBe('session');
  });

  it('a wrong code: 401, audited, counted toward the limit; five lock the account even with the right code', async () => {
    const ctx = testCtx();
    const { user, orgs } = await enrolledMember(ctx);
    const wrong = wrongCode(ctx);
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      const error = await rejection(signIn(ctx, { email: EMAIL, password: PASSWORD, otp: wrong }));
      expect(error.status).toBe(401);
      expect(error.message).toBe('Wrong authentication code');
      // Asking for the code in between takes back only its own attempt: the count keeps growing.
      expect((await rejection(signIn(ctx, { email: EMAIL, password: PASSWORD }))).status).toBe(i + 1 < ACCOUNT_LIMIT ? 510 : 429);
    }
    expect(await failureCount(ctx, `email:${EMAIL}`)).toBe(ACCOUNT_LIMIT);
    expect(await failureCount(ctx, `ip:${META.ip}`)).toBe(ACCOUNT_LIMIT);
    const locked = await rejection(signIn(ctx, { email: EMAIL, password: PASSWORD, otp: codeNow(ctx) }));
    expect(locked.status).toBe(429);
    const failed = (await listAuditEvents(ctx)).filter((e) => e.event === 'two_factor.code_failed');
    expect(failed).toHaveLength(ACCOUNT_LIMIT);
    expect(failed[0]).toMatchObject({
      organizationId: orgs[0]!.id,
      actorUserId: user.id,
      actorEmail: EMAIL,
      ip: META.ip,
      details: { during: 'sign_in', method: 'password' },
    });
    expect(await ctx.db.select().from(tokens)).toEqual([]);
  });

  it('a right code clears the account counter left by wrong ones', async () => {
    const ctx = testCtx();
    await enrolledMember(ctx);
    await rejection(signIn(ctx, { email: EMAIL, password: PASSWORD, otp: wrongCode(ctx) }));
    expect(await failureCount(ctx, `email:${EMAIL}`)).toBe(1);
    await signIn(ctx, { email: EMAIL, password: PASSWORD, otp: codeNow(ctx) });
    expect(await failureCount(ctx, `email:${EMAIL}`)).toBe(0);
  });

  it('a recovery code works in the same field, once, and is audited', async () => {
    const ctx = testCtx();
    await enrolledMember(ctx);
    const result = await signIn(ctx, { email: EMAIL, password: PASSWORD, otp: RECOVERY.toUpperCase() });
    expect(await events(ctx)).toEqual([
      ['two_factor.recovery_code_used', { during: 'sign_in', recovery_codes_left: 0 }],
      ['auth.sign_in', { method: 'password', token_prefix: result.token.tokenPrefix, second_factor: 'recovery_code' }],
    ]);
    const again = await rejection(signIn(ctx, { email: EMAIL, password: PASSWORD, otp: RECOVERY }));
    expect(again.status).toBe(401);
    expect(again.message).toBe('Wrong authentication code');
  });

  it.each(['12345', 'letters', '1234567'])('a malformed code %j is a 400 on otp', async (otp) => {
    const ctx = testCtx();
    await enrolledMember(ctx);
    const error = await rejection(signIn(ctx, { email: EMAIL, password: PASSWORD, otp }));
    expect(error.status).toBe(400);
    expect(Object.keys(error.fieldErrors)).toEqual(['otp']);
  });

  it('a user without an authenticator signs in without a code, and a code sent anyway is ignored', async () => {
    const ctx = testCtx();
    await member(ctx);
    expect((await signIn(ctx, { email: EMAIL, password: PASSWORD })).token.kind).toBe('session');
    expect((await signIn(ctx, { email: EMAIL, password: PASSWORD, otp: '123456' })).token.kind).toBe('session');
  });

  it('an unconfirmed setup asks for no code', async () => {
    const ctx = testCtx();
    const { user } = await member(ctx);
    await ctx.db.insert(totpCredentials).values({ userId: user.id, secret: SECRET, createTime: '2026-03-01T11:00:00Z' });
    expect((await signIn(ctx, { email: EMAIL, password: PASSWORD })).token.kind).toBe('session');
  });

  it('the code comes before other refusals: a deactivated user is told so only after the code', async () => {
    const ctx = testCtx();
    const { user } = await enrolledMember(ctx);
    await ctx.db.update(users).set({ state: 'deactivated' }).where(eq(users.id, user.id));
    expect((await rejection(signIn(ctx, { email: EMAIL, password: PASSWORD }))).status).toBe(510);
    expect((await rejection(signIn(ctx, { email: EMAIL, password: PASSWORD, otp: codeNow(ctx) }))).status).toBe(403);
  });
});
