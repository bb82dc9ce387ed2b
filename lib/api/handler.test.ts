import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { organizations } from '@/db/tables';
import type { Principal } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { listMemberships } from '@/lib/model/memberships';
import { seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { AppError } from '@/lib/errors';
import { CLIENT_IP_HEADER, SERVER_MARK_ENV } from '@/lib/net/client-ip';
import type { Db } from '@/db/client';
import { sqliteConnectionOf } from '@/db/async';
import * as schema from '@/db/schema';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { TokenWire } from '@/lib/tokens/wire-schema';
import {
  apiErrorResponse,
  apiGateInput,
  apiRoute,
  assertApiAllowedDuringTwoFactorEnrollment,
  authedRoute,
  jsonResponse,
  publicRoute,
  MAX_JSON_BODY_CHARS,
  methodNotAllowed,
  readJson,
  requestMeta,
  type RouteHandlers,
} from './handler';

afterEach(() => {
  vi.restoreAllMocks();
});

const post = (body?: string, headers: Record<string, string> = {}) =>
  new Request('http://localhost/v1/userauth', { method: 'POST', body, headers });

describe('readJson', () => {
  it.each([
    ['no body', undefined, {}],
    ['an empty body', '', {}],
    ['a blank body', ' \n\t ', {}],
    ['an object', '{"email":"a@b.test","n":1}', { email: 'a@b.test', n: 1 }],
    ['an object with spaces around', '  {"a":true}\n', { a: true }],
    ['an array', '[1,2]', [1, 2]],
    ['a string', '"x"', 'x'],
    ['null', 'null', null],
  ])('%s -> %j', async (_name, body, expected) => {
    expect(await readJson(post(body))).toEqual(expected);
  });

  it('ignores the content type (avn sends application/octet-stream)', async () => {
    expect(await readJson(post('{"a":1}', { 'content-type': 'application/octet-stream' }))).toEqual({ a: 1 });
  });

  it('reads a GET without a body as {}', async () => {
    expect(await readJson(new Request('http://localhost/v1/me'))).toEqual({});
  });

  it.each(['{', 'nope', "{'a':1}", '{"a":1,}', '{"a":1} trailing', 'undefined'])('400 for %j', async (body) => {
    const error = await readJson(post(body)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    expect((error as AppError).message).toBe('Request body is not valid JSON');
  });
});

describe('requestMeta', () => {
  it.each([
    [{ [CLIENT_IP_HEADER]: '203.0.113.1', 'user-agent': 'avn' }, { ip: '203.0.113.1', userAgent: 'avn' }],
    [{ [CLIENT_IP_HEADER]: '' }, { ip: null, userAgent: null }],
    [{}, { ip: null, userAgent: null }],
    // Only the custom server's header counts, never what a client claims.
    [{ 'x-forwarded-for': '10.1.2.3', 'x-real-ip': '10.1.2.3' }, { ip: null, userAgent: null }],
  ])('%j -> %j', (headers, meta) => {
    expect(requestMeta(new Headers(headers), { [SERVER_MARK_ENV]: '1' })).toEqual(meta);
  });

  it('ignores the header when not served by the custom server (`next start`): it could be forged', () => {
    const headers = new Headers({ [CLIENT_IP_HEADER]: '203.0.113.1' });
    expect(requestMeta(headers, {}).ip).toBeNull();
    expect(requestMeta(headers, { [SERVER_MARK_ENV]: 'yes' }).ip).toBeNull();
  });

  // next-auth's authorize() gets Node's IncomingMessage headers, a plain object: same rule.
  it.each([
    [{ [CLIENT_IP_HEADER]: '203.0.113.1', 'user-agent': 'browser' }, { [SERVER_MARK_ENV]: '1' }, { ip: '203.0.113.1', userAgent: 'browser' }],
    [{ [CLIENT_IP_HEADER]: ['203.0.113.1', '10.0.0.1'] }, { [SERVER_MARK_ENV]: '1' }, { ip: '203.0.113.1', userAgent: null }],
    [{ 'X-Portcullis-Client-IP': '203.0.113.1' }, { [SERVER_MARK_ENV]: '1' }, { ip: '203.0.113.1', userAgent: null }],
    [{ [CLIENT_IP_HEADER]: '203.0.113.1' }, {}, { ip: null, userAgent: null }],
    [{ 'x-forwarded-for': '10.1.2.3' }, { [SERVER_MARK_ENV]: '1' }, { ip: null, userAgent: null }],
    [undefined, { [SERVER_MARK_ENV]: '1' }, { ip: null, userAgent: null }],
  ])('Node-style headers %j (env %j) -> %j', (headers, env, meta) => {
    expect(requestMeta(headers as Record<string, string | string[]> | undefined, env)).toEqual(meta);
  });
});

describe('apiErrorResponse', () => {
  it('renders an AppError with its status and the API error body', async () => {
    const response = apiErrorResponse(new AppError('forbidden', 'No'));
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBeNull();
    expect(await response.json()).toEqual({ message: 'No', errors: [{ error_code: 'forbidden', message: 'No', status: 403 }] });
  });

  it('asks for aivenv1 credentials on a 401', () => {
    const response = apiErrorResponse(new AppError('unauthorized', 'Who?'));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('aivenv1');
  });

  it('hides an unexpected error behind a generic 500', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = apiErrorResponse(new Error('database file is locked at /srv/secret.db'));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('secret');
    expect(JSON.parse(text).errors[0].error_code).toBe('internal');
  });
});

describe('methodNotAllowed', () => {
  it('answers 405 in the API error body, naming the allowed methods', async () => {
    const response = methodNotAllowed(['GET', 'POST'])(new Request('http://localhost/v1/me', { method: 'DELETE' }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
    expect(await response.json()).toEqual({
      message: 'DELETE is not allowed here; use GET or POST',
      errors: [{ error_code: 'method_not_allowed', message: 'DELETE is not allowed here; use GET or POST', status: 405 }],
    });
  });
});

describe('readJson limits', () => {
  it('refuses a body over the limit with 413 before parsing it', async () => {
    const big = `{"description": "${'x'.repeat(MAX_JSON_BODY_CHARS)}"}`;
    const error = await readJson(new Request('http://x/', { method: 'POST', body: big })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(413);
  });
});

describe('assertApiAllowedDuringTwoFactorEnrollment', () => {
  /** A password session of a member of an organization that requires two-factor authentication. */
  async function pendingPrincipal(): Promise<{ ctx: Ctx; principal: Principal }> {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    const organization = await seedOrganization(ctx, { name: 'Strict' });
    await ctx.db.update(organizations).set({ twoFactorRequired: true }).where(eq(organizations.id, organization.id));
    await seedMembership(ctx, { organizationId: organization.id, userId: user.id });
    const { token } = await seedToken(ctx, user.id, { kind: 'session', createdManually: false });
    return { ctx, principal: { user, token, memberships: await listMemberships(ctx, user.id) } };
  }

  it.each(['/v1/me', '/v1/project', '/v1/access_token', '/v1/organization/org1/user', '/v1/me/logout/x'])('refuses %s with 403', async (path) => {
    const { ctx, principal } = await pendingPrincipal();
    await expect(assertApiAllowedDuringTwoFactorEnrollment(ctx, { principal, governing: principal.memberships }, new Request(`http://localhost${path}`))).rejects.toThrow(
      /^Organization "Strict" requires two-factor authentication for password sign-ins\. Set up an authenticator in the console/,
    );
  });

  it('lets the session log out', async () => {
    const { ctx, principal } = await pendingPrincipal();
    await expect(
      assertApiAllowedDuringTwoFactorEnrollment(ctx, { principal, governing: principal.memberships }, new Request('http://localhost/v1/me/logout', { method: 'POST' })),
    ).resolves.toBeUndefined();
  });

  it("does not hold back another organization's resources: each organization's policy governs its own", async () => {
    const { ctx, principal } = await pendingPrincipal();
    const lax = await seedOrganization(ctx, { name: 'Lax' });
    await seedMembership(ctx, { organizationId: lax.id, userId: principal.user.id });
    const memberships = await listMemberships(ctx, principal.user.id);
    const laxOnly = memberships.filter((m) => m.organization.id === lax.id);
    const request = new Request(`http://localhost/v1/organization/${lax.id}/user`);
    await expect(assertApiAllowedDuringTwoFactorEnrollment(ctx, { principal: { ...principal, memberships }, governing: laxOnly }, request)).resolves.toBeUndefined();
    // The person's own resources answer to every organization, the strict one included.
    await expect(
      assertApiAllowedDuringTwoFactorEnrollment(ctx, { principal: { ...principal, memberships }, governing: memberships }, new Request('http://localhost/v1/me')),
    ).rejects.toThrow(/Strict/);
  });

  it('lets a personal token through', async () => {
    const { ctx, principal } = await pendingPrincipal();
    const { token } = await seedToken(ctx, principal.user.id);
    await expect(assertApiAllowedDuringTwoFactorEnrollment(ctx, { principal: { ...principal, token }, governing: principal.memberships }, new Request('http://localhost/v1/me'))).resolves.toBeUndefined();
  });
});

describe('readJson at the limit', () => {
  it('reads a body of exactly the limit', async () => {
    const body = `"${'x'.repeat(MAX_JSON_BODY_CHARS - 2)}"`;
    expect(((await readJson(new Request('http://x/', { method: 'POST', body }))) as string).length).toBe(MAX_JSON_BODY_CHARS - 2);
  });
});

describe('jsonResponse', () => {
  it('answers 200 unless told otherwise', async () => {
    expect(jsonResponse({ a: 1 }).status).toBe(200);
    const created = jsonResponse({ a: 1 }, 201);
    expect([created.status, await created.json()]).toEqual([201, { a: 1 }]);
  });
});

describe('apiGateInput', () => {
  it('takes the Authorization header and never the session cookie; scope from the raw path', () => {
    const request = new Request('http://localhost/v1/organization/org1%2Fx/user', {
      method: 'DELETE',
      headers: { authorization: 'aivenv1 pcls_abc', cookie: 'next-auth.session-token=pcls_cookie' },
    });
    expect(apiGateInput(request, { ip: '192.0.2.1', userAgent: 'ua' })).toEqual({
      authorization: 'aivenv1 pcls_abc',
      cookieToken: null,
      ip: '192.0.2.1',
      userAgent: 'ua',
      // Matched on the raw path (so %2F is no separator), then the segment is decoded.
      scope: { kind: 'organization', organizationId: 'org1/x' },
      request: { method: 'DELETE', pathname: '/v1/organization/org1%2Fx/user' },
    });
  });
});

/**
 * Points the process database (liveCtx) at a test database until the test ends. liveCtx's
 * getAsyncDb() is asyncSqliteOver(getDb()), and getDb() reads this global: a synchronous handle
 * on the test's connection makes it hand back the test's own ctx.db (one per connection).
 */
const holder = globalThis as unknown as { portcullisDb?: Db };
let restore: (() => void) | null = null;
function useDb(ctx: Ctx) {
  const saved = holder.portcullisDb;
  restore = () => (holder.portcullisDb = saved);
  holder.portcullisDb = drizzle(sqliteConnectionOf(ctx.db), { schema });
}
afterEach(() => {
  restore?.();
  restore = null;
});

describe('publicRoute and authedRoute on the process database', () => {
  const context = (params: Record<string, string> = {}) => ({ params: Promise.resolve(params) });

  it('a public route answers its result as JSON, a Response as it is, and an error in the API error body', async () => {
    useDb(testCtx());
    const seen: unknown[] = [];
    const ok = await publicRoute(async (call) => (seen.push(call.params, call.meta.userAgent), { done: true }))(
      new Request('http://localhost/v1/userauth', { method: 'POST', headers: { 'user-agent': 'avn' } }),
      context({ id: '7' }),
    );
    expect([ok.status, await ok.json(), seen]).toEqual([200, { done: true }, [{ id: '7' }, 'avn']]);
    const raw = await publicRoute(async () => new Response('plain', { status: 202 }))(new Request('http://localhost/x'), context());
    expect([raw.status, await raw.text()]).toEqual([202, 'plain']);
    const failed = await publicRoute(async () => {
      throw new AppError('conflict', 'Taken');
    })(new Request('http://localhost/x'), context());
    expect([failed.status, await failed.json()]).toEqual([409, { errors: [{ error_code: 'conflict', message: 'Taken', status: 409 }], message: 'Taken' }]);
  });

  it('an authed route lets a token in through the Authorization header only', async () => {
    const ctx = testCtx();
    useDb(ctx);
    const user = await seedUser(ctx);
    const { fullToken } = await seedToken(ctx, user.id, { kind: 'session' });
    const route = authedRoute(async (call) => ({ user_id: call.principal.user.id }));
    const withHeader = await route(new Request('http://localhost/v1/me', { headers: { authorization: `aivenv1 ${fullToken}` } }), context());
    expect([withHeader.status, await withHeader.json()]).toEqual([200, { user_id: user.id }]);
    const withCookie = await route(new Request('http://localhost/v1/me', { headers: { cookie: `next-auth.session-token=${fullToken}` } }), context());
    expect(withCookie.status).toBe(401);
    expect(withCookie.headers.get('www-authenticate')).toBe('aivenv1');
  });

  it('an authed route holds back a password session that owes 2FA enrollment, except for logout', async () => {
    const ctx = testCtx();
    useDb(ctx);
    const organization = await seedOrganization(ctx, { name: 'Acme' });
    await ctx.db.update(organizations).set({ twoFactorRequired: true }).where(eq(organizations.id, organization.id));
    const user = await seedUser(ctx);
    await seedMembership(ctx, { organizationId: organization.id, userId: user.id });
    const { fullToken } = await seedToken(ctx, user.id, { kind: 'session', authMethod: 'password' });
    const route = authedRoute(async () => ({ ok: true }));
    const call = (path: string, method = 'GET') =>
      route(new Request(`http://localhost${path}`, { method, headers: { authorization: `aivenv1 ${fullToken}` } }), context());
    const held = await call('/v1/me');
    expect([held.status, ((await held.json()) as { errors: { error_code: string }[] }).errors[0]!.error_code]).toEqual([403, 'two_factor_enrollment_required']);
    expect((await call('/v1/me/logout', 'POST')).status).toBe(200);
  });
});

// A token object as tokenToWire makes it: what the access token routes must answer.
const tokenWire: TokenWire = {
  token_prefix: 'p',
  description: '',
  create_time: '2026-01-01T00:00:00.000Z',
  created_manually: true,
  currently_active: false,
  expiry_time: null,
  extend_when_used: false,
  max_age_seconds: null,
  ip_allowlist: [],
  scopes: [],
  last_ip: null,
  last_used_time: null,
  last_user_agent: null,
  last_user_agent_human_readable: null,
  kind: 'personal',
  auth_method: 'password',
};

describe('apiRoute: one declaration per route file', () => {
  it('hands a public route its parameters by name, decoded once from the raw path', async () => {
    useDb(testCtx());
    const seen: unknown[] = [];
    const { GET } = apiRoute('/v1/sso/saml/account/{account_id}/method/{method_id}/metadata', {
      GET: async ({ params }) => (seen.push(params), new Response('raw', { status: 202 })),
    });
    const response = await GET(new Request('http://localhost/v1/sso/saml/account/a%2Fb%252F/method/m/metadata'));
    expect([response.status, await response.text(), seen]).toEqual([202, 'raw', [{ account_id: 'a/b%2F', method_id: 'm' }]]);
  });

  it('answers every method the table does not give the route 405, as methodNotAllowed does, without running a handler', async () => {
    const routes = apiRoute('/v1/access_token/{token}', {
      PUT: async () => expect.unreachable(),
      DELETE: async () => expect.unreachable(),
    });
    for (const method of ['GET', 'POST', 'PATCH'] as const) {
      const request = () => new Request('http://localhost/v1/access_token/p', { method });
      const [ours, reference] = [await routes[method](request()), methodNotAllowed(['PUT', 'DELETE'])(request())];
      expect([ours.status, ours.headers.get('allow'), await ours.json()]).toEqual([405, 'PUT, DELETE', await reference.json()]);
    }
  });

  it('gates an authed route before it reads the parameters, and answers 404 for a path that is not its pattern', async () => {
    const ctx = testCtx();
    useDb(ctx);
    const user = await seedUser(ctx);
    const { fullToken } = await seedToken(ctx, user.id, { kind: 'session' });
    const { PUT } = apiRoute('/v1/access_token/{token}', {
      PUT: async ({ params, principal }) => ({ ...tokenWire, token_prefix: params.token, description: principal.user.id }),
      DELETE: async () => ({ message: 'unused' }),
    });
    const put = (path: string, headers: Record<string, string> = {}) => PUT(new Request(`http://localhost${path}`, { method: 'PUT', headers }));
    const auth = { authorization: `aivenv1 ${fullToken}` };
    // Without a token the malformed parameter is never read: 401, not 400.
    expect((await put('/v1/access_token/%')).status).toBe(401);
    const bad = await put('/v1/access_token/%', auth);
    expect([bad.status, ((await bad.json()) as { message: string }).message]).toEqual([400, 'Malformed percent-encoding in path segment "%"']);
    const ok = await put('/v1/access_token/pcls%2Fx', auth);
    expect([ok.status, await ok.json()]).toEqual([200, { ...tokenWire, token_prefix: 'pcls/x', description: user.id }]);
    const elsewhere = await put('/v1/access_token/a/b', auth);
    expect([elsewhere.status, ((await elsewhere.json()) as { message: string }).message]).toEqual([404, 'No such API route: PUT /v1/access_token/a/b']);
  });

  it('refuses, when the file loads, handlers that differ from the table', () => {
    const extra = { GET: async () => ({}), POST: async () => ({}) } as unknown as RouteHandlers<'/v1/me'>;
    expect(() => apiRoute('/v1/me', extra)).toThrow('Route /v1/me: handlers for GET, POST, but the table says GET');
    const missing = {} as unknown as RouteHandlers<'/v1/me/password'>;
    expect(() => apiRoute('/v1/me/password', missing)).toThrow('Route /v1/me/password: handlers for , but the table says PUT');
    const lowercase = { get: async () => ({}) } as unknown as RouteHandlers<'/v1/me'>;
    expect(() => apiRoute('/v1/me', lowercase)).toThrow(/the table says GET/);
  });
});
