import { describe, expect, it } from 'vitest';
import { tokenKinds } from '@/db/schema';
import { tokens } from '@/db/tables';
import { AppError } from '@/lib/errors';
import { advance, listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { resolveToken } from '@/lib/tokens/resolve';
import { authenticate } from './gate';
import {
  consoleSessionRefusal,
  consoleSessionUserId,
  isConsoleSessionKind,
  NOT_A_CONSOLE_SESSION,
  SESSION_COOKIE_NAMES,
  sessionCookieHeader,
  sessionCookieName,
  sessionTokenFromCookies,
  sessionTokenSettings,
  signOut,
} from './session';

describe('sessionTokenSettings', () => {
  const DAY = 24 * 60 * 60;
  it.each([
    [undefined, DAY],
    ['', DAY],
    ['600', 600],
    ['599', DAY],
    ['3600', 3600],
    [' 3600 ', 3600],
    ['315360000', 315_360_000],
    ['315360001', DAY],
    ['0', DAY],
    ['-3600', DAY],
    ['3600.5', DAY],
    ['abc', DAY],
    ['1h', DAY],
    ['Infinity', DAY],
    ['NaN', DAY],
  ])('SESSION_MAX_AGE_SECONDS=%j -> %i seconds, sliding', (value, maxAgeSeconds) => {
    expect(sessionTokenSettings({ SESSION_MAX_AGE_SECONDS: value })).toEqual({ maxAgeSeconds, extendWhenUsed: true });
  });
});

describe('sessionTokenFromCookies', () => {
  const [secure, plain] = SESSION_COOKIE_NAMES;
  const HTTP = 'http://127.0.0.1:3000';
  const HTTPS = 'https://console.example.test';
  it.each([
    [HTTP, {}, null],
    [HTTP, { [plain]: 'p' }, 'p'],
    [HTTP, { [plain]: '' }, null],
    // Over http next-auth never sets the __Secure- name (browsers refuse it there): it does not count.
    [HTTP, { [secure]: 's' }, null],
    [HTTP, { [secure]: 's', [plain]: 'p' }, 'p'],
    [HTTPS, { [secure]: 's' }, 's'],
    [HTTPS, { [secure]: 's', [plain]: 'p' }, 's'],
    // A plain-http cookie that a network attacker planted for the host never counts over https.
    [HTTPS, { [plain]: 'planted' }, null],
    [HTTPS, { [secure]: '', [plain]: 'planted' }, null],
    [HTTPS, { 'next-auth.csrf-token': 'x', 'portcullis-org': 'org1' }, null],
    ['HTTPS://Console.example.test', { [secure]: 's', [plain]: 'p' }, 's'],
  ] as [string, Record<string, string>, string | null][])('%s %j -> %j', (publicUrl, jar, expected) => {
    expect(sessionTokenFromCookies((name) => jar[name], publicUrl)).toBe(expected);
  });

  it('reads the server\'s PUBLIC_URL when no public URL is given', () => {
    const saved = { PUBLIC_URL: process.env.PUBLIC_URL, NEXTAUTH_URL: process.env.NEXTAUTH_URL };
    const jar: Record<string, string> = { [plain]: 'planted' };
    try {
      process.env.PUBLIC_URL = HTTPS;
      expect(sessionTokenFromCookies((name) => jar[name])).toBeNull();
      process.env.PUBLIC_URL = HTTP;
      expect(sessionTokenFromCookies((name) => jar[name])).toBe('planted');
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  it.each([
    [HTTP, 'next-auth.session-token'],
    ['http://console.example.test/https://', 'next-auth.session-token'],
    [HTTPS, '__Secure-next-auth.session-token'],
    // A padded PUBLIC_URL is still https: the plain (plantable) name must not count there.
    ['  https://console.example.test ', '__Secure-next-auth.session-token'],
  ])('sessionCookieName(%s) = %s', (publicUrl, name) => expect(sessionCookieName(publicUrl)).toBe(name));
});

describe('signOut', () => {
  it('deletes only the token the caller used, and records it in each organization', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    const other = await seedUser(ctx);
    const orgA = await seedOrganization(ctx);
    const orgB = await seedOrganization(ctx);
    await seedMembership(ctx, { organizationId: orgA.id, userId: user.id });
    await seedMembership(ctx, { organizationId: orgB.id, userId: user.id });
    const session = await seedToken(ctx, user.id, { kind: 'session', createdManually: false });
    const secondSession = await seedToken(ctx, user.id, { kind: 'session', createdManually: false });
    const personal = await seedToken(ctx, user.id);
    const othersToken = await seedToken(ctx, other.id, { kind: 'session' });

    const principal = await authenticate({ ctx, input: { authorization: null, cookieToken: session.fullToken, ip: null, userAgent: null } });
    await signOut({ ctx, principal, meta: { ip: '203.0.113.1', userAgent: 'browser' } });

    expect(
      (await ctx.db
        .select({ id: tokens.id })
        .from(tokens))
        .map((t) => t.id)
        .sort(),
    ).toEqual([secondSession.token.id, personal.token.id, othersToken.token.id].sort());
    const error = await (async () => {
      try {
        await resolveToken({ ctx, input: { token: session.fullToken, ip: null, userAgent: null } });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(401);

    const events = await listAuditEvents(ctx);
    expect(events.map((e) => [e.event, e.organizationId])).toEqual([
      ['auth.sign_out', orgA.id],
      ['auth.sign_out', orgB.id],
    ]);
    expect(events[0]).toMatchObject({
      actorUserId: user.id,
      actorEmail: user.email,
      ip: '203.0.113.1',
      userAgent: 'browser',
      details: { token_prefix: session.token.tokenPrefix, kind: 'session' },
    });
  });

  it('records once without an organization for a user with none', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    const { fullToken } = await seedToken(ctx, user.id);
    const principal = await authenticate({ ctx, input: { authorization: `aivenv1 ${fullToken}`, cookieToken: null, ip: null, userAgent: null } });
    await signOut({ ctx, principal, meta: { ip: null, userAgent: null } });
    expect(await ctx.db.select().from(tokens)).toEqual([]);
    expect(await listAuditEvents(ctx)).toMatchObject([{ event: 'auth.sign_out', organizationId: null, details: { kind: 'personal' } }]);
  });

  it('never deletes a token of another user, even when handed its id', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    const other = await seedUser(ctx);
    const mine = await seedToken(ctx, user.id, { kind: 'session' });
    const theirs = await seedToken(ctx, other.id, { kind: 'session' });
    const principal = await authenticate({ ctx, input: { authorization: null, cookieToken: mine.fullToken, ip: null, userAgent: null } });
    await signOut({ ctx, principal: { ...principal, token: { ...principal.token, id: theirs.token.id } }, meta: { ip: null, userAgent: null } });
    expect((await ctx.db.select({ id: tokens.id }).from(tokens)).map((t) => t.id).sort()).toEqual([mine.token.id, theirs.token.id].sort());
  });
});

describe('sessionCookieHeader (sessions made outside next-auth, by the SAML ACS)', () => {
  it.each([
    ['http://127.0.0.1:3000', 'next-auth.session-token=pcls_x; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax'],
    ['https://console.example.test', '__Secure-next-auth.session-token=pcls_x; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax; Secure'],
  ])('%s', (publicUrl, expected) => expect(sessionCookieHeader('pcls_x', 3600, publicUrl)).toBe(expected));
});

describe('console sessions: login sessions only', () => {
  it.each([
    ['session', true],
    ['personal', false],
    ['application', false],
  ] as const)('%s -> %s', (kind, isSession) => {
    expect(isConsoleSessionKind(kind)).toBe(isSession);
    expect(consoleSessionRefusal({ kind })).toBe(isSession ? null : NOT_A_CONSOLE_SESSION);
  });

  it('every token kind is decided (a new kind must be added here on purpose)', () => {
    expect([...tokenKinds].sort()).toEqual(['application', 'personal', 'session']);
  });

  it('consoleSessionUserId (next-auth\'s decode): the user of a live login session, null for anything else', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    const session = await seedToken(ctx, user.id, { kind: 'session', maxAgeSeconds: 600 });
    const personal = await seedToken(ctx, user.id, { kind: 'personal', scopes: ['projects:read'] });
    const application = await seedToken(ctx, user.id, { kind: 'application' });
    expect(await consoleSessionUserId(ctx, session.fullToken)).toBe(user.id);
    expect(await consoleSessionUserId(ctx, personal.fullToken)).toBeNull();
    expect(await consoleSessionUserId(ctx, application.fullToken)).toBeNull();
    expect(await consoleSessionUserId(ctx, 'pcls_not-a-real-token-0000000000000000')).toBeNull();
    expect(await consoleSessionUserId(ctx, '')).toBeNull();
    advance(ctx, 599_000);
    expect(await consoleSessionUserId(ctx, session.fullToken)).toBe(user.id);
    advance(ctx, 1_000);
    expect(await consoleSessionUserId(ctx, session.fullToken)).toBeNull();
  });
});
