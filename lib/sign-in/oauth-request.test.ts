import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { invitations, organizations } from '@/db/tables';
import { iso } from '@/lib/context';
import { newRowId } from '@/lib/ids';
import type { Ctx } from '@/lib/context';
import { listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { loggedErrorText, unsealMessage } from './oauth-failure';
import { LINK_INTENT_COOKIE, makeLinkIntent } from './oauth-link-intent';
import { authLogger, currentOAuthRequest, handleOAuthIdentity, withOAuthRequest } from './oauth-request';
import { SESSION_COOKIE_NAMES } from '@/lib/auth/session';

const BASE = 'http://console.example.test:3000';
const SECRET = 'test-secret';
const ENV = { NEXTAUTH_SECRET: SECRET, PUBLIC_URL: `${BASE}/` };
const META = { ip: '203.0.113.9', userAgent: 'vitest' };
const SESSION_COOKIE = SESSION_COOKIE_NAMES[1];

type Identity = { provider: 'google' | 'github'; subject: string; email: string | null; emailVerified: boolean; name: string };
const google = (email: string, subject = `sub-${email}`): Identity => ({ provider: 'google', subject, email, emailVerified: true, name: 'Ada' });

afterEach(() => vi.restoreAllMocks());

/**
 * Runs one /api/auth request the way the route does, with a stand-in for next-auth: on a
 * callback it hands the provider's identity to the signIn callback (handleOAuthIdentity) and
 * answers as next-auth does (302 to the callback URL, or to the callback's string), or it logs
 * errors as next-auth's logger does and redirects to its error page.
 */
async function runRequest(
  ctx: Ctx,
  {
    action = 'callback',
    provider = 'google',
    method = 'GET',
    cookies = {},
    identity,
    logged = [],
    env = ENV,
    nextAuthLocation = `${BASE}/projects?tab=1`,
  }: {
    action?: string;
    provider?: string;
    method?: string;
    cookies?: Record<string, string>;
    identity?: Identity;
    logged?: { code: string; metadata: unknown }[];
    env?: Record<string, string>;
    nextAuthLocation?: string;
  },
) {
  const request = new Request(`${BASE}/api/auth/${action}/${provider}`, { method });
  const run = async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    for (const entry of logged) authLogger.error(entry.code, entry.metadata);
    let location = `${BASE}/signin?error=Callback`;
    if (identity) {
      const verdict = await handleOAuthIdentity(currentOAuthRequest()!, identity);
      location = verdict === true ? nextAuthLocation : `${BASE}${verdict}`;
    }
    return new Response(null, { status: 302, headers: { location, 'set-cookie': 'from=next-auth; Path=/' } });
  };
  return await withOAuthRequest({ ctx, input: { request, meta: META, cookies: (name) => cookies[name], action, provider }, env }, run);
}

function redirectOf(response: Response) {
  expect(response.status).toBe(302);
  const url = new URL(response.headers.get('location')!);
  return { origin: url.origin, path: url.pathname, params: Object.fromEntries(url.searchParams) };
}

async function member(ctx: Ctx, email: string) {
  const organization = await seedOrganization(ctx, { name: 'Acme' });
  const user = await seedUser(ctx, { email, passwordHash: 'hash', emailProven: true });
  await seedMembership(ctx, { organizationId: organization.id, userId: user.id });
  const session = (await seedToken(ctx, user.id, { kind: 'session', maxAgeSeconds: 3600 })).fullToken;
  return { organization, user, session };
}

describe('withOAuthRequest: where a provider callback lands', () => {
  it('a known identity signs in: next-auth\'s own answer stands (its session cookie, its location)', async () => {
    const ctx = testCtx();
    await member(ctx, 'ada@acme.test');
    // First a link through the verified, proven address, then the plain sign-in.
    await runRequest(ctx, { identity: google('ada@acme.test') });
    const response = await runRequest(ctx, { identity: google('ada@acme.test') });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${BASE}/projects?tab=1`);
    expect(response.headers.get('set-cookie')).toBe('from=next-auth; Path=/');
  });

  it('a first sign-in that links an account goes to /signin/complete, on the public URL, with where it was going', async () => {
    const ctx = testCtx();
    await member(ctx, 'ada@acme.test');
    const { origin, path, params } = redirectOf(await runRequest(ctx, { identity: google('ada@acme.test') }));
    expect([origin, path]).toEqual([BASE, '/signin/complete']);
    expect(params).toEqual({ outcome: 'linked', provider: 'google', next: '/projects?tab=1' });
  });

  it('an account created by an open sign-up says so; a next-auth location off our site becomes "/"', async () => {
    const ctx = testCtx();
    const response = await runRequest(ctx, { identity: google('new@example.test'), env: { ...ENV, OAUTH_SIGN_UP: 'open' }, nextAuthLocation: 'https://evil.example/x' });
    expect(redirectOf(response)).toMatchObject({ path: '/signin/complete', params: { outcome: 'created', provider: 'google', next: '/' } });
  });

  it('a refusal goes to /signin with the message sealed by the server\'s secret', async () => {
    const ctx = testCtx();
    const { path, params } = redirectOf(await runRequest(ctx, { identity: google('stranger@example.test') }));
    expect(path).toBe('/signin');
    expect(params).toMatchObject({ error: 'OAuthRefused', provider: 'google' });
    expect(unsealMessage(SECRET, params.message)).toMatch(/stranger@example\.test|invit/i);
    expect(unsealMessage('another-secret', params.message)).toBeNull();
  });

  it('no identity (the provider failed): /signin with our reason, recorded as a failed sign-in of no organization', async () => {
    const ctx = testCtx();
    const response = await runRequest(ctx, { logged: [{ code: 'OAUTH_CALLBACK_ERROR', metadata: new Error('invalid_grant: code expired') }] });
    expect(redirectOf(response)).toMatchObject({ path: '/signin', params: { error: 'oauth_invalid_code', provider: 'google' } });
    const events = await listAuditEvents(ctx);
    expect(events.map((e) => [e.event, e.organizationId, e.ip])).toEqual([['auth.sign_in_failed', null, META.ip]]);
    expect(events[0]!.details).toMatchObject({ method: 'google', reason: 'invalid_code' });
  });

  it('the start of a flow that failed is recorded and next-auth\'s answer passes; a start without errors records nothing', async () => {
    const ctx = testCtx();
    const failed = await runRequest(ctx, { action: 'signin', method: 'POST', logged: [{ code: 'SIGNIN_OAUTH_ERROR', metadata: new Error('fetch failed') }] });
    expect(failed.headers.get('location')).toBe(`${BASE}/signin?error=Callback`);
    expect((await listAuditEvents(ctx)).map((e) => [e.event, (e.details as { reason: string }).reason])).toEqual([['auth.sign_in_failed', 'provider_unreachable']]);
    await runRequest(ctx, { action: 'signin', method: 'POST' });
    expect(await listAuditEvents(ctx)).toHaveLength(1);
  });

  it.each([
    ['another action', { action: 'session', provider: '' }],
    ['an unknown provider', { action: 'callback', provider: 'myspace' }],
    ['a GET of the start', { action: 'signin', method: 'GET' }],
  ])('%s passes through untouched', async (_name, route) => {
    const ctx = testCtx();
    const response = await runRequest(ctx, { ...route, logged: [{ code: 'X', metadata: 'y' }] });
    expect(response.headers.get('location')).toBe(`${BASE}/signin?error=Callback`);
    expect(await listAuditEvents(ctx)).toEqual([]);
  });

  it.each([
    ['a GET of the start', { action: 'signin', provider: 'google', method: 'GET' }],
    ['a POST start of an unknown provider', { action: 'signin', provider: 'myspace', method: 'POST' }],
    ['a POST of another action', { action: 'session', provider: 'google', method: 'POST' }],
  ])('%s is not a start: next-auth\'s very response is returned, nothing recorded', async (_name, { action, provider, method }) => {
    const ctx = testCtx();
    const answer = new Response(null, { status: 302, headers: { location: `${BASE}/signin?error=Callback` } });
    const request = new Request(`${BASE}/api/auth/${action}/${provider}`, { method });
    const response = await withOAuthRequest({ ctx, input: { request, meta: META, cookies: () => undefined, action, provider }, env: ENV }, async () => {
      vi.spyOn(console, 'error').mockImplementation(() => {});
      authLogger.error('SIGNIN_OAUTH_ERROR', new Error('fetch failed'));
      return answer;
    });
    expect(response).toBe(answer);
    expect(await listAuditEvents(ctx)).toEqual([]);
  });

  it('a callback answered by POST (form_post) is a callback, not a start: its outcome is routed', async () => {
    const ctx = testCtx();
    const { path, params } = redirectOf(await runRequest(ctx, { method: 'POST', identity: google('stranger@example.test') }));
    expect(path).toBe('/signin');
    expect(params).toMatchObject({ error: 'OAuthRefused', provider: 'google' });
  });

  it('a new user who joined inviting organizations: /signin/complete names them, one a line', async () => {
    const ctx = testCtx();
    for (const name of ['First', 'Second']) {
      const organization = await seedOrganization(ctx, { name });
      await ctx.db
        .insert(invitations)
        .values({ id: newRowId(), organizationId: organization.id, email: 'new@example.test', tokenHash: newRowId(), invitedByEmail: 'admin@example.test', createTime: iso(ctx.now), expiryTime: iso(new Date(ctx.now.getTime() + 86_400_000)) });
    }
    const { path, params } = redirectOf(await runRequest(ctx, { identity: google('new@example.test') }));
    expect(path).toBe('/signin/complete');
    expect(params).toEqual({ outcome: 'created', provider: 'google', next: '/projects?tab=1', joined: expect.any(String) });
    expect(params.joined!.split('\n').sort()).toEqual(['First', 'Second']);
  });

  it('a next-auth location that does not parse becomes "/"', async () => {
    const ctx = testCtx();
    const response = await runRequest(ctx, { identity: google('new@example.test'), env: { ...ENV, OAUTH_SIGN_UP: 'open' }, nextAuthLocation: 'http://[::1' });
    expect(redirectOf(response)).toMatchObject({ path: '/signin/complete', params: { outcome: 'created', next: '/' } });
  });
});

describe('authLogger', () => {
  it('outside any request it only prints: the code, and the error\'s message or the logged text', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(currentOAuthRequest()).toBeUndefined();
    authLogger.error('OAUTH_CALLBACK_ERROR', new Error('boom'));
    authLogger.error('X', { error: 'y' });
    expect(error.mock.calls).toEqual([
      ['[next-auth] OAUTH_CALLBACK_ERROR', 'boom'],
      ['[next-auth] X', loggedErrorText([{ code: 'X', metadata: { error: 'y' } }])],
    ]);
  });

  it('prints warnings with their code', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    authLogger.warn('DEBUG_ENABLED');
    expect(warn.mock.calls).toEqual([['[next-auth] DEBUG_ENABLED']]);
  });
});

describe('withOAuthRequest: finishing a link from Profile → Authentication', () => {
  function linkCookies(ctx: Ctx, session: string, provider: 'google' | 'github' = 'google', secret = SECRET) {
    return { [SESSION_COOKIE]: session, [LINK_INTENT_COOKIE]: makeLinkIntent(secret, { provider, sessionToken: session, now: ctx.now }) };
  }

  it('links the provider account to the session\'s user, clears the intent and goes back to the profile', async () => {
    const ctx = testCtx();
    const { session, user } = await member(ctx, 'ada@acme.test');
    // The provider account's address is not the user's: a link does not need it to be.
    const response = await runRequest(ctx, { cookies: linkCookies(ctx, session), identity: google('ada@gmail.test') });
    expect(redirectOf(response)).toEqual({ origin: BASE, path: '/profile/authentication', params: { linked: 'google' } });
    expect(response.headers.get('set-cookie')).toContain(`${LINK_INTENT_COOKIE}=; Path=/api/auth; Max-Age=0; HttpOnly; SameSite=Lax`);
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'identity.linked').map((e) => e.actorUserId)).toEqual([user.id]);
  });

  it.each([
    ['made with another secret', (ctx: Ctx, session: string) => linkCookies(ctx, session, 'google', 'other-secret')],
    ['for another provider', (ctx: Ctx, session: string) => linkCookies(ctx, session, 'github')],
    ['of another session', async (ctx: Ctx, session: string) => ({ ...linkCookies(ctx, (await seedToken(ctx, (await seedUser(ctx)).id, { kind: 'session' })).fullToken), [SESSION_COOKIE]: session })],
    ['without a session cookie', (ctx: Ctx, session: string) => ({ [LINK_INTENT_COOKIE]: linkCookies(ctx, session)[LINK_INTENT_COOKIE]! })],
    ['whose session is no longer live', (ctx: Ctx) => linkCookies(ctx, 'pcls_ended')],
  ])('an intent %s is ignored: the callback is an ordinary sign-in', async (_name, cookies) => {
    const ctx = testCtx();
    const { session } = await member(ctx, 'ada@acme.test');
    const response = await runRequest(ctx, { cookies: await cookies(ctx, session), identity: google('stranger@example.test') });
    expect(redirectOf(response)).toMatchObject({ path: '/signin', params: { error: 'OAuthRefused' } });
    expect((await listAuditEvents(ctx)).map((e) => e.event)).not.toContain('identity.linked');
  });

  it('a session held back by required two-factor enrollment may not finish a link: refused with why, recorded', async () => {
    const ctx = testCtx();
    const { session, user, organization } = await member(ctx, 'ada@acme.test');
    await ctx.db.update(organizations).set({ twoFactorRequired: true }).where(eq(organizations.id, organization.id));
    const { path, params } = redirectOf(await runRequest(ctx, { cookies: linkCookies(ctx, session), identity: google('ada@gmail.test') }));
    expect(path).toBe('/profile/authentication');
    expect(unsealMessage(SECRET, params.link_error)).toMatch(/requires two-factor authentication.*Until then no sign-in method can be linked\.$/);
    const failed = (await listAuditEvents(ctx)).filter((e) => e.event === 'identity.link_failed');
    expect(failed.map((e) => [e.actorUserId, e.organizationId, (e.details as { reason: string }).reason])).toEqual([[user.id, organization.id, 'two_factor_enrollment_required']]);
    expect((await listAuditEvents(ctx)).map((e) => e.event)).not.toContain('identity.linked');
  });

  it('a link the provider failed goes back to the profile with the reason, recorded for the user', async () => {
    const ctx = testCtx();
    const { session, user } = await member(ctx, 'ada@acme.test');
    const response = await runRequest(ctx, { cookies: linkCookies(ctx, session), logged: [{ code: 'OAUTH_CALLBACK_ERROR', metadata: 'access_denied' }] });
    expect(redirectOf(response)).toMatchObject({ path: '/profile/authentication', params: { link_failed: 'access_denied', provider: 'google' } });
    expect((await listAuditEvents(ctx)).map((e) => [e.event, e.actorUserId])).toEqual([['identity.link_failed', user.id]]);
  });

  it('the audit of a failed link lands in each of the user\'s organizations, with exactly the provider, reason and error (cut at 500 characters)', async () => {
    const ctx = testCtx();
    const { session, user, organization } = await member(ctx, 'ada@acme.test');
    const other = await seedOrganization(ctx, { name: 'Other' });
    await seedMembership(ctx, { organizationId: other.id, userId: user.id });
    const logged = [{ code: 'OAUTH_CALLBACK_ERROR', metadata: new Error(`access_denied ${'x'.repeat(600)}`) }];
    await runRequest(ctx, { cookies: linkCookies(ctx, session), logged });
    const events = await listAuditEvents(ctx);
    expect(events.map((e) => [e.event, e.actorUserId, e.actorEmail, e.ip, e.userAgent])).toEqual([
      ['identity.link_failed', user.id, 'ada@acme.test', META.ip, META.userAgent],
      ['identity.link_failed', user.id, 'ada@acme.test', META.ip, META.userAgent],
    ]);
    expect(events.map((e) => e.organizationId).sort()).toEqual([organization.id, other.id].sort());
    const error = loggedErrorText(logged).slice(0, 500);
    expect(error).toHaveLength(500);
    for (const e of events) expect(e.details).toEqual({ provider: 'google', reason: 'access_denied', error });
  });

  it('a link the identities refuse (the account is another user\'s) goes back to the profile with the sealed message', async () => {
    const ctx = testCtx();
    await member(ctx, 'bob@acme.test');
    await runRequest(ctx, { identity: google('bob@acme.test', 'shared-sub') });
    const { session } = await member(ctx, 'ada@acme.test');
    const response = await runRequest(ctx, { cookies: linkCookies(ctx, session), identity: google('bob@acme.test', 'shared-sub') });
    const { path, params } = redirectOf(response);
    expect(path).toBe('/profile/authentication');
    expect(Object.keys(params)).toEqual(['link_error']);
    expect(unsealMessage(SECRET, params.link_error)).toBe('This Google account is already linked to another Portcullis user. Unlink it there first.');
  });

  it.each([0, 1])('two-factor enrollment any of the user\'s organizations requires (organization %i) holds the link back', async (requiring) => {
    const ctx = testCtx();
    const { session, user, organization } = await member(ctx, 'ada@acme.test');
    const other = await seedOrganization(ctx, { name: 'Other' });
    await seedMembership(ctx, { organizationId: other.id, userId: user.id });
    const strict = [organization, other][requiring]!;
    await ctx.db.update(organizations).set({ twoFactorRequired: true }).where(eq(organizations.id, strict.id));
    const { path, params } = redirectOf(await runRequest(ctx, { cookies: linkCookies(ctx, session), identity: google('ada@gmail.test') }));
    expect(path).toBe('/profile/authentication');
    expect(unsealMessage(SECRET, params.link_error)).toMatch(/Until then no sign-in method can be linked\.$/);
    expect((await listAuditEvents(ctx)).map((e) => e.event)).not.toContain('identity.linked');
  });

  it('a link intent on the start of a flow is neither read nor cleared: a failed start is an ordinary failed sign-in', async () => {
    const ctx = testCtx();
    const { session } = await member(ctx, 'ada@acme.test');
    const response = await runRequest(ctx, { action: 'signin', method: 'POST', cookies: linkCookies(ctx, session), logged: [{ code: 'SIGNIN_OAUTH_ERROR', metadata: new Error('fetch failed') }] });
    expect(response.headers.get('location')).toBe(`${BASE}/signin?error=Callback`);
    expect(response.headers.get('set-cookie')).toBe('from=next-auth; Path=/');
    expect((await listAuditEvents(ctx)).map((e) => [e.event, e.organizationId])).toEqual([['auth.sign_in_failed', null]]);
  });
});
