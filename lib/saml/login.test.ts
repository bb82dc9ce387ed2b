import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { authenticationMethods, organizations, samlRequests } from '@/db/tables';
import { SESSION_COOKIE_NAMES } from '@/lib/auth/session';
import type { Ctx } from '@/lib/context';
import { createTestDb } from '@/lib/testing/db';
import { addSamlIdp } from '@/lib/testing/identity-providers';
import { addMember, callAs, seedOrganizationWithAdmin } from '@/lib/testing/members';
import { readAuthnRequest, TestIdp } from '@/lib/testing/saml-idp';
import { listAuditEvents, seedToken, seedUser } from '@/lib/testing/seed';
import { samlLoginGet, samlLoginPost, type SamlLoginInput } from './login';

// The SP-initiated start as a browser meets it: which page or redirect each purpose, method and
// session gets. Over https (the request is tied to the browser by a cookie) unless said otherwise.

const HTTPS = 'https://console.example.test';
const HTTP = 'http://127.0.0.1:3000';
const META = { ip: '192.0.2.7', userAgent: 'vitest' };
const SAME_ORIGIN = (base: string) => new Headers({ origin: base, 'sec-fetch-site': 'same-origin' });
let idp: TestIdp;
beforeAll(async () => {
  idp = await TestIdp.create('https://idp.acme.test/saml');
});

async function setup() {
  const ctx: Ctx = { db: createTestDb(), now: new Date() };
  const { organization: acme, admin } = await seedOrganizationWithAdmin(ctx, { name: 'Acme', adminEmail: 'admin@acme.test' });
  const member = await addMember(ctx, acme.id, { email: 'member@acme.test' });
  const method = await addSamlIdp(await callAs(ctx, admin.id, acme.id), idp, { name: 'Acme IdP', idpUrl: 'https://idp.acme.test/sso' });
  const session = async (userId: string) => (await seedToken(ctx, userId, { kind: 'session', createdManually: false, maxAgeSeconds: 3600 })).fullToken;
  const input = (over: Partial<SamlLoginInput> & { cookie?: string | null; base?: string } = {}): SamlLoginInput => {
    const { cookie = null, base = HTTPS, ...rest } = over;
    const name = base.startsWith('https://') ? SESSION_COOKIE_NAMES[0] : SESSION_COOKIE_NAMES[1];
    return {
      accountId: acme.accountId,
      methodId: method.id,
      purpose: null,
      returnTo: null,
      cookies: (wanted) => (cookie !== null && wanted === name ? cookie : undefined),
      headers: SAME_ORIGIN(base),
      ...META,
      ...rest,
    };
  };
  return { ctx, acme, admin, member, method, session, input };
}

const location = (response: Response) => response.headers.get('location') ?? '';
const requestRows = (ctx: Ctx) => ctx.db.select().from(samlRequests);

describe('samlLoginGet', () => {
  it('signin (the default) goes to the IdP with a recorded request, tied to the browser over https', async () => {
    const s = await setup();
    const response = await samlLoginGet({ ctx: s.ctx, input: s.input(), baseUrl: HTTPS });
    expect(response.status).toBe(303);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const request = readAuthnRequest(location(response));
    expect(request.acsUrl).toBe(`${HTTPS}/v1/sso/saml/account/${s.acme.accountId}/method/${s.method.id}/acs`);
    expect((await requestRows(s.ctx)).map((r) => [r.id, r.purpose, r.userId])).toEqual([[request.id, 'signin', null]]);
    expect(response.headers.get('set-cookie')).toBe(`saml_req_${request.id}=1; Path=/v1/sso/saml/; Max-Age=600; HttpOnly; SameSite=None; Secure`);
  });

  it('over plain http there is no binding cookie; signup and return_to are carried', async () => {
    const s = await setup();
    const response = await samlLoginGet({ ctx: s.ctx, input: s.input({ base: HTTP, purpose: 'signup', returnTo: '/admin/users?page=2' }), baseUrl: HTTP });
    expect(response.status).toBe(303);
    expect(response.headers.get('set-cookie')).toBeNull();
    expect(readAuthnRequest(location(response)).relayState).toBe('/admin/users?page=2');
    expect((await requestRows(s.ctx)).map((r) => r.purpose)).toEqual(['signup']);
  });

  it.each(['https://evil.example/x', '//evil.example/x', 'javascript:alert(1)'])('return_to %s off our site is dropped', async (returnTo) => {
    const s = await setup();
    expect(readAuthnRequest(location(await samlLoginGet({ ctx: s.ctx, input: s.input({ returnTo }), baseUrl: HTTPS }))).relayState).toBeNull();
  });

  it('link only opens the confirmation page on the public URL: a GET never spends the session', async () => {
    const s = await setup();
    const response = await samlLoginGet({ ctx: s.ctx, input: s.input({ purpose: 'link', cookie: await s.session(s.member.id) }), baseUrl: HTTPS });
    expect(response.status).toBe(303);
    expect(location(response)).toBe(`${HTTPS}/profile/authentication/link/${s.acme.accountId}/${s.method.id}`);
    expect(await requestRows(s.ctx)).toEqual([]);
  });

  it('test is a POST: 405 with Allow, pointing at the identity provider\'s page, nothing recorded', async () => {
    const s = await setup();
    const response = await samlLoginGet({ ctx: s.ctx, input: s.input({ purpose: 'test' }), baseUrl: HTTPS });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    const html = await response.text();
    expect(html).toContain(`href="/admin/identity-providers/${s.method.id}"`);
    expect(html).not.toContain('was recorded');
    expect(await requestRows(s.ctx)).toEqual([]);
  });

  it.each([
    ['an unknown purpose', { purpose: 'admin' }, 400, 'Unknown purpose &#34;admin&#34;: use signin, signup, link or test.'],
    ['an unknown method', { methodId: 'am-nope' }, 404, 'There is no such identity provider.'],
    ['another organization\'s account id', { accountId: 'a-nope' }, 404, 'There is no such identity provider.'],
  ])('%s is a refusal page', async (_name, over, status, message) => {
    const s = await setup();
    const response = await samlLoginGet({ ctx: s.ctx, input: s.input(over), baseUrl: HTTPS });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain(message);
    expect(await requestRows(s.ctx)).toEqual([]);
  });

  it('a session held back by required two-factor enrollment may not trade itself for SSO: 403, recorded, leads to enrollment', async () => {
    const s = await setup();
    await s.ctx.db.update(organizations).set({ twoFactorRequired: true }).where(eq(organizations.id, s.acme.id));
    const response = await samlLoginGet({ ctx: s.ctx, input: s.input({ cookie: await s.session(s.member.id) }), baseUrl: HTTPS });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('href="/profile/authentication"');
    expect(await requestRows(s.ctx)).toEqual([]);
    expect((await listAuditEvents(s.ctx)).filter((e) => e.event === 'auth.sign_in_failed').map((e) => [e.actorUserId, (e.details as { reason: string }).reason])).toEqual([
      [s.member.id, 'two_factor_enrollment_required'],
    ]);
  });

  it('a dead session cookie is no one: the sign-in starts', async () => {
    const s = await setup();
    expect((await samlLoginGet({ ctx: s.ctx, input: s.input({ cookie: 'pcls_gone' }), baseUrl: HTTPS })).status).toBe(303);
  });
});

describe('samlLoginPost', () => {
  it('link by a member, from a page of ours: to the IdP, the request naming the user', async () => {
    const s = await setup();
    const response = await samlLoginPost({ ctx: s.ctx, input: s.input({ purpose: 'link', cookie: await s.session(s.member.id) }), baseUrl: HTTPS });
    expect(response.status).toBe(303);
    expect(location(response).startsWith('https://idp.acme.test/sso?SAMLRequest=')).toBe(true);
    expect((await requestRows(s.ctx)).map((r) => [r.purpose, r.userId])).toEqual([['link', s.member.id]]);
  });

  it('test by the super admin: to the IdP, the request naming the admin', async () => {
    const s = await setup();
    const response = await samlLoginPost({ ctx: s.ctx, input: s.input({ purpose: 'test', cookie: await s.session(s.admin.id) }), baseUrl: HTTPS });
    expect(response.status).toBe(303);
    expect((await requestRows(s.ctx)).map((r) => [r.purpose, r.userId])).toEqual([['test', s.admin.id]]);
  });

  it.each([
    ['link', (accountId: string, methodId: string) => `/profile/authentication/link/${accountId}/${methodId}`],
    ['test', (_accountId: string, methodId: string) => `/admin/identity-providers/${methodId}`],
  ] as const)('%s without a session: sign in first, then back to the page the POST belongs to', async (purpose, back) => {
    const s = await setup();
    const response = await samlLoginPost({ ctx: s.ctx, input: s.input({ purpose }), baseUrl: HTTPS });
    expect(response.status).toBe(303);
    expect(location(response)).toBe(`${HTTPS}/signin?callbackUrl=${encodeURIComponent(back(s.acme.accountId, s.method.id))}`);
  });

  it('a POST made on another site is refused before the session is spent, recorded, and leads to the console', async () => {
    const s = await setup();
    const headers = new Headers({ origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
    const response = await samlLoginPost({ ctx: s.ctx, input: s.input({ purpose: 'link', cookie: await s.session(s.member.id), headers }), baseUrl: HTTPS });
    expect(response.status).toBe(403);
    const html = await response.text();
    expect(html).toContain('data-reason="cross_site"');
    expect(html).toContain('<a href="/">Go to the console</a>');
    expect(await requestRows(s.ctx)).toEqual([]);
    expect((await listAuditEvents(s.ctx)).filter((e) => e.event === 'auth.sign_in_failed')).toHaveLength(1);
  });

  it('a member may not test: 403, recorded', async () => {
    const s = await setup();
    const response = await samlLoginPost({ ctx: s.ctx, input: s.input({ purpose: 'test', cookie: await s.session(s.member.id) }), baseUrl: HTTPS });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('Only super admins of the organization may test its identity providers.');
    expect(await requestRows(s.ctx)).toEqual([]);
    expect((await listAuditEvents(s.ctx)).filter((e) => e.event === 'auth.sign_in_failed').map((e) => [e.actorUserId, (e.details as { purpose: string }).purpose])).toEqual([[s.member.id, 'test']]);
  });

  it('the session cookie counts only under the public URL\'s name: over https the plain (plantable) name is no session', async () => {
    const s = await setup();
    const token = await s.session(s.member.id);
    const planted = { ...s.input({ purpose: 'link' }), cookies: (name: string) => (name === SESSION_COOKIE_NAMES[1] ? token : undefined) };
    const response = await samlLoginPost({ ctx: s.ctx, input: planted, baseUrl: HTTPS });
    expect(response.status).toBe(303);
    expect(location(response).startsWith(`${HTTPS}/signin?callbackUrl=`)).toBe(true);
  });

  it.each([
    ['signin', 400, 'Purpose &#34;signin&#34; starts with a GET of this URL; POST is for link and test.'],
    ['signup', 400, 'Purpose &#34;signup&#34; starts with a GET of this URL; POST is for link and test.'],
    ['bogus', 400, 'Unknown purpose &#34;bogus&#34;'],
  ])('purpose %s is refused: %i', async (purpose, status, message) => {
    const s = await setup();
    const response = await samlLoginPost({ ctx: s.ctx, input: s.input({ purpose, cookie: await s.session(s.member.id) }), baseUrl: HTTPS });
    expect(response.status).toBe(status);
    expect(await response.text()).toContain(message);
  });

  it('an unknown method is 404, whoever asks', async () => {
    const s = await setup();
    const response = await samlLoginPost({ ctx: s.ctx, input: s.input({ purpose: 'link', methodId: 'am-nope', cookie: await s.session(s.member.id) }), baseUrl: HTTPS });
    expect(response.status).toBe(404);
  });
});

describe('refusal pages lead on where they should', () => {
  it('a link by someone outside the IdP\'s organization is refused and leads to the console', async () => {
    const s = await setup();
    const outsider = await seedUser(s.ctx, { email: 'outsider@elsewhere.test' });
    const response = await samlLoginPost({ ctx: s.ctx, input: s.input({ purpose: 'link', cookie: await s.session(outsider.id) }), baseUrl: HTTPS });
    expect(response.status).toBe(403);
    const html = await response.text();
    expect(html).toContain('data-reason="link_not_member"');
    expect(html).toContain('<a href="/">Go to the console</a>');
    expect(await requestRows(s.ctx)).toEqual([]);
  });

  it('other refusals offer no way on to the console', async () => {
    const s = await setup();
    const response = await samlLoginPost({ ctx: s.ctx, input: s.input({ purpose: 'test', cookie: await s.session(s.member.id) }), baseUrl: HTTPS });
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain('Go to the console');
  });

  it('an unknown purpose in a POST is named as such, not as a GET purpose', async () => {
    const s = await setup();
    const response = await samlLoginPost({ ctx: s.ctx, input: s.input({ purpose: 'bogus', cookie: await s.session(s.member.id) }), baseUrl: HTTPS });
    const html = await response.text();
    expect(html).toContain('Unknown purpose &#34;bogus&#34;: use signin, signup, link or test.');
    expect(html).not.toContain('starts with a GET');
  });

  it('a disabled identity provider refuses the start with a page, and records no request', async () => {
    const s = await setup();
    await s.ctx.db.update(authenticationMethods).set({ enabled: false }).where(eq(authenticationMethods.id, s.method.id));
    const response = await samlLoginGet({ ctx: s.ctx, input: s.input(), baseUrl: HTTPS });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.clone().text()).toContain('data-reason="disabled"');
    expect(location(response)).toBe('');
    expect(await requestRows(s.ctx)).toEqual([]);
  });
});
