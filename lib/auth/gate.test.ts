import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { projects as projectsTable } from '@/db/schema';
import { authenticationMethods, organizations, tokens, users } from '@/db/tables';
import type { Principal } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { advance, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { authenticate, authorizeProject, authorizeScope, gate, parseAuthorization, scopeOfApiPath, SIGN_OUT_SCOPE, type GateInput } from './gate';
import { rejection } from '@/lib/testing/errors';
import { NOT_A_CONSOLE_SESSION } from './session';
import { first } from '@/db/async';


describe('parseAuthorization', () => {
  it.each([
    ['aivenv1 abc', 'abc'],
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER abc', 'abc'],
    ['AivenV1 abc', 'abc'],
    ['aivenv1    abc', 'abc'],
    ['  aivenv1 abc  ', 'abc'],
    ['aivenv1\tabc', 'abc'],
    ['Bearer pcls_AbC-_xyz', 'pcls_AbC-_xyz'],
    [null, null],
    ['', null],
    ['   ', null],
  ])('%j -> %j', (header, token) => expect(parseAuthorization(header)).toBe(token));

  it.each([
    'Basic dXNlcjpwYXNz',
    'aivenv1',
    'Bearer',
    'aivenv1 ',
    'abc',
    'aivenv1 abc def',
    'Bearerabc',
    'aivenv2 abc',
    'Token abc',
    'Bearer: abc',
  ])('%j -> 401', async (header) => {
    const error = await rejection(() => parseAuthorization(header));
    expect(error.code).toBe('unauthorized');
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/aivenv1 <token>/);
  });
});

/** A user in two organizations: `a` (joined first, allowlist 10.0.0.0/8) and `b` (allowlist 2001:db8::/32). */
async function twoOrgUser(ctx: Ctx) {
  const user = await seedUser(ctx);
  const orgA = await seedOrganization(ctx, { name: 'A', ipAllowlist: ['10.0.0.0/8'] });
  const orgB = await seedOrganization(ctx, { name: 'B', ipAllowlist: ['2001:db8::/32'] });
  const open = await seedOrganization(ctx, { name: 'Open' });
  await seedMembership(ctx, { organizationId: orgA.id, userId: user.id, joinTime: new Date(ctx.now.getTime() - 2000) });
  await seedMembership(ctx, { organizationId: orgB.id, userId: user.id, joinTime: new Date(ctx.now.getTime() - 1000) });
  const { fullToken } = await seedToken(ctx, user.id);
  const principal = await authenticate({ ctx, input: { authorization: `aivenv1 ${fullToken}`, cookieToken: null, ip: null, userAgent: null } });
  return { user, orgA, orgB, open, fullToken, principal };
}

describe('authenticate', () => {
  it('reads the token from the header, or else the cookie', async () => {
    const ctx = testCtx();
    const alice = await seedUser(ctx);
    const bob = await seedUser(ctx);
    const aliceToken = (await seedToken(ctx, alice.id)).fullToken;
    // The cookie carries login sessions; the header any kind.
    const bobToken = (await seedToken(ctx, bob.id, { kind: 'session' })).fullToken;
    const meta = { ip: '203.0.113.1', userAgent: 'ua' };
    const who = async (authorization: string | null, cookieToken: string | null) =>
      (await authenticate({ ctx, input: { authorization, cookieToken, ...meta } })).user.id;

    expect(await who(`aivenv1 ${aliceToken}`, null)).toBe(alice.id);
    expect(await who(`Bearer ${aliceToken}`, null)).toBe(alice.id);
    expect(await who(null, bobToken)).toBe(bob.id);
    expect(await who('', bobToken)).toBe(bob.id);
    // The header beats the cookie.
    expect(await who(`aivenv1 ${aliceToken}`, bobToken)).toBe(alice.id);
  });

  it('a bad header is refused even with a good cookie; a bad header token does not fall back to the cookie', async () => {
    const ctx = testCtx();
    const bob = await seedUser(ctx);
    const bobToken = (await seedToken(ctx, bob.id)).fullToken;
    const input = (authorization: string | null) => ({ authorization, cookieToken: bobToken, ip: null, userAgent: null });
    expect((await rejection(() => authenticate({ ctx, input: input(`Basic ${bobToken}`) }))).status).toBe(401);
    expect((await rejection(() => authenticate({ ctx, input: input('aivenv1 pcls_unknown_token_value_xx') }))).status).toBe(401);
  });

  it.each([
    [null, null],
    ['', ''],
    [null, ''],
  ])('401 without any token (header %j, cookie %j)', async (authorization, cookieToken) => {
    const ctx = testCtx();
    const error = await rejection(() => authenticate({ ctx, input: { authorization, cookieToken, ip: null, userAgent: null } }));
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/Authentication required/);
  });

  it('carries the memberships, oldest first', async () => {
    const ctx = testCtx();
    const { principal, orgA, orgB } = await twoOrgUser(ctx);
    expect(principal.memberships.map((m) => m.organization.id)).toEqual([orgA.id, orgB.id]);
  });

  describe('the cookie carries login sessions only', () => {
    const input = (authorization: string | null, cookieToken: string | null, ip: string | null = '203.0.113.1') =>
      ({ authorization, cookieToken, ip, userAgent: 'ua' });

    it.each(['personal', 'application'] as const)('a %s token in the cookie: 401 "not a console session", untouched', async (kind) => {
      const ctx = testCtx();
      const user = await seedUser(ctx);
      const { fullToken, token } = await seedToken(ctx, user.id, { kind, scopes: ['projects:read'], maxAgeSeconds: 3600, extendWhenUsed: true });
      advance(ctx, 120_000);
      const error = await rejection(() => authenticate({ ctx, input: input(null, fullToken) }));
      expect(error.code).toBe('unauthorized');
      expect(error.status).toBe(401);
      expect(error.message).toBe(NOT_A_CONSOLE_SESSION);
      expect(error.message).toMatch(/^Not a console session/);
      // Refused before it is used: neither its last use nor its sliding expiry moved.
      const after = (await first(ctx.db.select().from(tokens).where(eq(tokens.id, token.id)).limit(1)))!;
      expect(after.lastUsedTime).toBeNull();
      expect(after.expiryTime).toBe(token.expiryTime);
      // The same token in the Authorization header still works.
      expect((await authenticate({ ctx, input: input(`aivenv1 ${fullToken}`, null) })).token.id).toBe(token.id);
      expect((await authenticate({ ctx, input: input(`Bearer ${fullToken}`, null) })).token.kind).toBe(kind);
    });

    it('the refusal comes before the token\'s own allowlist: a fenced token in the cookie is a 401, not a 403', async () => {
      const ctx = testCtx();
      const { fullToken } = await seedToken(ctx, (await seedUser(ctx)).id, { ipAllowlist: ['10.0.0.0/8'] });
      const error = await rejection(() => authenticate({ ctx, input: input(null, fullToken, '198.51.100.1') }));
      expect([error.status, error.message]).toEqual([401, NOT_A_CONSOLE_SESSION]);
    });

    it('a login session in the cookie is the console session', async () => {
      const ctx = testCtx();
      const user = await seedUser(ctx);
      const { fullToken, token } = await seedToken(ctx, user.id, { kind: 'session' });
      expect((await authenticate({ ctx, input: input(null, fullToken) })).token.id).toBe(token.id);
    });

    it('a personal token in the header with a session in the cookie: the header is the caller, any kind', async () => {
      const ctx = testCtx();
      const user = await seedUser(ctx);
      const personal = await seedToken(ctx, user.id);
      const session = await seedToken(ctx, user.id, { kind: 'session' });
      expect((await authenticate({ ctx, input: input(`aivenv1 ${personal.fullToken}`, session.fullToken) })).token.id).toBe(personal.token.id);
    });

    it('the gate refuses it for console pages with the same 401', async () => {
      const ctx = testCtx();
      const user = await seedUser(ctx);
      await seedMembership(ctx, { organizationId: (await seedOrganization(ctx)).id, userId: user.id });
      const { fullToken } = await seedToken(ctx, user.id, { kind: 'personal' });
      const error = await rejection(() => gate({ ctx, input: { ...input(null, fullToken), scope: { kind: 'console', ownResources: true } } }));
      expect([error.status, error.message]).toEqual([401, NOT_A_CONSOLE_SESSION]);
    });
  });

  it('passes resolveToken refusals through (expired token -> 401)', async () => {
    const ctx = testCtx();
    const { fullToken } = await seedToken(ctx, (await seedUser(ctx)).id, { kind: 'session', maxAgeSeconds: 600 });
    advance(ctx, 600_000);
    const error = await rejection(() => authenticate({ ctx, input: { authorization: null, cookieToken: fullToken, ip: null, userAgent: null } }));
    expect(error.status).toBe(401);
  });
});

describe('authorizeScope', () => {
  type Row = [string, (o: Awaited<ReturnType<typeof twoOrgUser>>) => GateInput['scope'], string | null, string | null | number];
  // The expected value is the organization name the scope resolves to, null for none, or an error status.
  const rows: Row[] = [
    // user scope: every organization's allowlist applies.
    ['user, in neither allowlist', () => ({ kind: 'user' }), '198.51.100.1', 403],
    ['user, only in A', () => ({ kind: 'user' }), '10.1.2.3', 403],
    ['user, only in B', () => ({ kind: 'user' }), '2001:db8::1', 403],
    ['user, unknown ip', () => ({ kind: 'user' }), null, 403],
    // organization scope: that organization's allowlist only.
    ['org A from A', (o) => ({ kind: 'organization', organizationId: o.orgA.id }), '10.1.2.3', 'A'],
    ['org A from A (mapped)', (o) => ({ kind: 'organization', organizationId: o.orgA.id }), '::ffff:10.1.2.3', 'A'],
    ['org A from B', (o) => ({ kind: 'organization', organizationId: o.orgA.id }), '2001:db8::1', 403],
    ['org B from B', (o) => ({ kind: 'organization', organizationId: o.orgB.id }), '2001:db8::1', 'B'],
    ['org B from A', (o) => ({ kind: 'organization', organizationId: o.orgB.id }), '10.1.2.3', 403],
    ['org B, unknown ip', (o) => ({ kind: 'organization', organizationId: o.orgB.id }), null, 403],
    ['existing org, not a member', (o) => ({ kind: 'organization', organizationId: o.open.id }), '10.1.2.3', 404],
    ['no such org', () => ({ kind: 'organization', organizationId: 'org000000000' }), '10.1.2.3', 404],
    // console scope: the preferred organization if a member, else the first membership.
    ['console, no preference', () => ({ kind: 'console' }), '10.1.2.3', 'A'],
    ['console, null preference', () => ({ kind: 'console', preferredOrganizationId: null }), '10.1.2.3', 'A'],
    ['console, prefers B', (o) => ({ kind: 'console', preferredOrganizationId: o.orgB.id }), '2001:db8::1', 'B'],
    ['console, prefers B from A', (o) => ({ kind: 'console', preferredOrganizationId: o.orgB.id }), '10.1.2.3', 403],
    ['console, prefers a non-member org', (o) => ({ kind: 'console', preferredOrganizationId: o.open.id }), '10.1.2.3', 'A'],
    ['console, prefers a non-member org from B', (o) => ({ kind: 'console', preferredOrganizationId: o.open.id }), '2001:db8::1', 403],
    ['console, prefers an unknown org', () => ({ kind: 'console', preferredOrganizationId: 'nope' }), '10.1.2.3', 'A'],
    // console pages of the user's own resources: every organization governs, as for user scope.
    ['console own, prefers B from B', (o) => ({ kind: 'console', preferredOrganizationId: o.orgB.id, ownResources: true }), '2001:db8::1', 403],
    ['console own, from A', () => ({ kind: 'console', ownResources: true }), '10.1.2.3', 403],
  ];

  it.each(rows)('%s (ip %j) -> %j', async (_name, scopeOf, ip, expected) => {
    const ctx = testCtx();
    const o = await twoOrgUser(ctx);
    const scope = scopeOf(o);
    if (typeof expected === 'number') {
      const error = await rejection(() => authorizeScope(o.principal, scope, ip));
      expect(error.status).toBe(expected);
      if (expected === 403) expect(error.message).toContain(`IP address ${ip ?? 'unknown'} is not in the IP allowlist of organization`);
    } else {
      const membership = authorizeScope(o.principal, scope, ip);
      expect(membership?.organization.name ?? null).toBe(expected);
    }
  });

  it('user scope passes when every organization admits the address', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    for (const ipAllowlist of [['10.0.0.0/8'], ['10.1.0.0/16'], []]) {
      await seedMembership(ctx, { organizationId: (await seedOrganization(ctx, { ipAllowlist })).id, userId: user.id });
    }
    const principal = await authenticate({ ctx, input: { authorization: null, cookieToken: (await seedToken(ctx, user.id, { kind: 'session' })).fullToken, ip: null, userAgent: null } });
    expect(authorizeScope(principal, { kind: 'user' }, '10.1.2.3')).toBeNull();
    expect((await rejection(() => authorizeScope(principal, { kind: 'user' }, '10.2.0.1'))).status).toBe(403);
  });

  it('a user without organizations: user scope from anywhere, console with no organization, any organization 404', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    const other = await seedOrganization(ctx, { ipAllowlist: ['10.0.0.0/8'] });
    const principal: Principal = await authenticate({
      ctx,
      input: { authorization: null, cookieToken: (await seedToken(ctx, user.id, { kind: 'session' })).fullToken, ip: null, userAgent: null },
    });
    expect(principal.memberships).toEqual([]);
    expect(authorizeScope(principal, { kind: 'user' }, null)).toBeNull();
    expect(authorizeScope(principal, { kind: 'console', preferredOrganizationId: other.id }, null)).toBeNull();
    expect((await rejection(() => authorizeScope(principal, { kind: 'organization', organizationId: other.id }, '10.0.0.1'))).status).toBe(404);
  });

  it('names the organization in the 403', async () => {
    const ctx = testCtx();
    const o = await twoOrgUser(ctx);
    expect((await rejection(() => authorizeScope(o.principal, { kind: 'organization', organizationId: o.orgA.id }, '1.1.1.1'))).message).toBe(
      'IP address 1.1.1.1 is not in the IP allowlist of organization "A"',
    );
  });
});

describe('gate', () => {
  it('authenticates and authorizes in one call', async () => {
    const ctx = testCtx();
    const o = await twoOrgUser(ctx);
    const result = await gate({
      ctx,
      input: {
        authorization: `Bearer ${o.fullToken}`,
        cookieToken: null,
        ip: '10.9.9.9',
        userAgent: 'cli',
        scope: { kind: 'organization', organizationId: o.orgA.id },
      },
    });
    expect(result.principal.user.id).toBe(o.user.id);
    expect(result.membership?.organization.id).toBe(o.orgA.id);
  });

  it('refuses before authorizing when the token is bad', async () => {
    const ctx = testCtx();
    const o = await twoOrgUser(ctx);
    const error = await rejection(async () =>
      await gate({
        ctx,
        input: { authorization: 'Bearer nope', cookieToken: null, ip: '10.9.9.9', userAgent: null, scope: { kind: 'organization', organizationId: o.orgA.id } },
      }),
    );
    expect(error.status).toBe(401);
  });
});

describe('scopeOfApiPath', () => {
  it.each([
    ['/v1/me', { kind: 'user' }],
    ['/v1/access_token', { kind: 'user' }],
    ['/v1/organization', { kind: 'user' }],
    ['/v1/organization/', { kind: 'user' }],
    ['/v1/organizations/org1', { kind: 'user' }],
    ['/v1/organization/org1', { kind: 'organization', organizationId: 'org1' }],
    ['/v1/organization/org1/', { kind: 'organization', organizationId: 'org1' }],
    ['/v1/organization/org1/user/u1', { kind: 'organization', organizationId: 'org1' }],
    ['/v1/organization/org%31', { kind: 'organization', organizationId: 'org1' }],
    ['/v1/organization/a%2Fb/x', { kind: 'organization', organizationId: 'a/b' }],
    ['/v1/organization/%25', { kind: 'organization', organizationId: '%' }],
  ])('%s -> %j', (path, scope) => expect(scopeOfApiPath(path)).toEqual(scope));

  it.each(['/v1/organization/%E0%A4%A', '/v1/organization/%', '/v1/organization/org%zz/x', '/v1/organization/%C0%AF'])(
    '%s -> 400',
    async (path) => {
      const error = await rejection(() => scopeOfApiPath(path));
      expect(error.status).toBe(400);
      expect(error.message).toMatch(/Malformed percent-encoding/);
    },
  );
});

describe('sign-out: the one scope the organizations do not check', () => {
  it.each([
    ['POST', '/v1/me/logout', SIGN_OUT_SCOPE],
    ['GET', '/v1/me/logout', { kind: 'user' }],
    ['POST', '/v1/me/logout/x', { kind: 'user' }],
    ['POST', '/v1/me', { kind: 'user' }],
  ])('%s %s -> %j', (method, path, scope) => expect(scopeOfApiPath(path, method)).toEqual(scope));

  it('passes where an allowlist or policy refuses every other scope, but never without a valid token', async () => {
    const ctx = testCtx();
    const o = await twoOrgUser(ctx);
    // Password sign-in off in B as well: a policy refusal on top of the allowlists.
    await ctx.db.update(organizations).set({ passwordAuthEnabled: false }).where(eq(organizations.id, o.orgB.id));
    const session = (await seedToken(ctx, o.user.id, { kind: 'session', createdManually: false })).fullToken;
    const input = (scope: GateInput['scope'], token = session): GateInput => ({ authorization: null, cookieToken: token, ip: '192.0.2.1', userAgent: null, scope });
    for (const scope of [{ kind: 'user' } as const, { kind: 'console' } as const, { kind: 'organization', organizationId: o.orgB.id } as const]) {
      expect((await rejection(() => gate({ ctx, input: input(scope) }))).status).toBe(403);
    }
    const result = await gate({ ctx, input: input(SIGN_OUT_SCOPE) });
    expect(result).toMatchObject({ membership: null, governing: [] });
    expect(result.principal.token.id).toBeDefined();
    expect((await rejection(() => gate({ ctx, input: input(SIGN_OUT_SCOPE, 'pcls_nope') }))).status).toBe(401);
    expect(authorizeScope(result.principal, SIGN_OUT_SCOPE, '192.0.2.1')).toBeNull();
  });
});

describe('console scope of own resources', () => {
  it('shows the current organization once every organization admits the address', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    const a = await seedOrganization(ctx, { name: 'A', ipAllowlist: ['10.0.0.0/8'] });
    const b = await seedOrganization(ctx, { name: 'B', ipAllowlist: ['10.1.0.0/16'] });
    await seedMembership(ctx, { organizationId: a.id, userId: user.id });
    await seedMembership(ctx, { organizationId: b.id, userId: user.id });
    const { fullToken } = await seedToken(ctx, user.id);
    const principal = await authenticate({ ctx, input: { authorization: `aivenv1 ${fullToken}`, cookieToken: null, ip: null, userAgent: null } });
    const scope = { kind: 'console', preferredOrganizationId: b.id, ownResources: true } as const;
    expect(authorizeScope(principal, scope, '10.1.2.3')?.organization.name).toBe('B');
    expect((await rejection(() => authorizeScope(principal, scope, '10.2.0.1'))).status).toBe(403);
    // The same address may still open organization A's pages.
    expect(authorizeScope(principal, { kind: 'console', preferredOrganizationId: a.id }, '10.2.0.1')?.organization.name).toBe('A');
  });
});

describe('organization policies in the gate', () => {
  async function setup(ctx: Ctx, kind: 'session' | 'personal' | 'application', authMethod = 'password') {
    const user = await seedUser(ctx);
    const strict = await seedOrganization(ctx, { name: 'Strict' });
    const lax = await seedOrganization(ctx, { name: 'Lax' });
    await seedMembership(ctx, { organizationId: strict.id, userId: user.id });
    await seedMembership(ctx, { organizationId: lax.id, userId: user.id });
    const { fullToken } = await seedToken(ctx, user.id, { kind, authMethod });
    const run = async (scope: GateInput['scope']) =>
      await gate({ ctx, input: { authorization: `aivenv1 ${fullToken}`, cookieToken: null, ip: '203.0.113.1', userAgent: null, scope } });
    const setPolicy = async (changes: Partial<typeof organizations.$inferInsert>) =>
      await ctx.db.update(organizations).set(changes).where(eq(organizations.id, strict.id));
    return { user, strict, lax, run, setPolicy };
  }

  it('each organization governs its own resources: a password session refused by one works on the other', async () => {
    const ctx = testCtx();
    const { strict, lax, run, setPolicy } = await setup(ctx, 'session');
    await setPolicy({ passwordAuthEnabled: false });
    const refused = await rejection(() => run({ kind: 'organization', organizationId: strict.id }));
    expect(refused.status).toBe(403);
    expect(refused.message).toBe('Organization "Strict" does not allow sign-in with password. Allowed methods: Google, Microsoft, GitHub, SAML single sign-on.');
    expect((await run({ kind: 'organization', organizationId: lax.id })).membership?.organization.name).toBe('Lax');
    // The user's own resources are governed by both.
    expect((await rejection(() => run({ kind: 'user' }))).status).toBe(403);
  });

  it.each([
    [false, 200],
    [true, 403],
  ])('a personal token made with a password, password off, enforcement %s -> %s', async (enforce, status) => {
    const ctx = testCtx();
    const { strict, run, setPolicy } = await setup(ctx, 'personal');
    await setPolicy({ passwordAuthEnabled: false, personalTokensRequireAllowedAuthMethod: enforce });
    const outcome = () => run({ kind: 'organization', organizationId: strict.id });
    if (status === 200) expect((await outcome()).membership?.organization.id).toBe(strict.id);
    else expect((await rejection(outcome)).status).toBe(403);
  });

  it('application tokens ignore methods and token settings; the IP allowlist still applies', async () => {
    const ctx = testCtx();
    const { strict, run, setPolicy } = await setup(ctx, 'application', 'api');
    await setPolicy({ passwordAuthEnabled: false, oauthEnabled: false, samlEnabled: false, personalTokensMode: 'disabled', personalTokensRequireAllowedAuthMethod: true });
    expect((await run({ kind: 'organization', organizationId: strict.id })).membership?.organization.id).toBe(strict.id);
    await setPolicy({ ipAllowlist: ['10.0.0.0/8'] });
    expect((await rejection(() => run({ kind: 'organization', organizationId: strict.id }))).message).toMatch(/IP allowlist of organization "Strict"/);
  });

  // This test used to say the opposite: a non-managed member's personal token was let in. Seed
  // 000: "Only non-managed users can create tokens (they still can't use them to access your
  // organization)".
  it('personal tokens "disabled for managed users": no personal token reaches that organization, managed or not; its other organizations still take it', async () => {
    const ctx = testCtx();
    const { user, strict, lax, run, setPolicy } = await setup(ctx, 'personal');
    await setPolicy({ personalTokensMode: 'disabled_for_managed' });
    const expected =
      'Organization "Strict" does not accept personal tokens: only users it does not manage may create them, for use with other organizations; use an application user';
    for (const managing of [null, strict.id, lax.id]) {
      await ctx.db.update(users).set({ managingOrganizationId: managing }).where(eq(users.id, user.id));
      const refused = await rejection(() => run({ kind: 'organization', organizationId: strict.id }));
      expect(refused.status).toBe(403);
      expect(refused.message).toBe(expected);
      // The user's own resources answer to every organization of theirs, Strict included.
      expect((await rejection(() => run({ kind: 'user' }))).message).toBe(expected);
      expect((await run({ kind: 'organization', organizationId: lax.id })).membership?.organization.name).toBe('Lax');
    }
  });
});

describe('gate: sessions through an identity provider', () => {
  /** Ann belongs to A and B; her session came through an IdP of A. */
  async function samlSession(ctx: Ctx) {
    const orgA = await seedOrganization(ctx, { name: 'A' });
    const orgB = await seedOrganization(ctx, { name: 'B' });
    const ann = await seedUser(ctx);
    await seedMembership(ctx, { organizationId: orgA.id, userId: ann.id });
    await seedMembership(ctx, { organizationId: orgB.id, userId: ann.id });
    const now = ctx.now.toISOString();
    await ctx.db
      .insert(authenticationMethods)
      .values({ id: 'amA', organizationId: orgA.id, name: 'A IdP', type: 'saml', spPrivateKey: 'x', spCertificate: 'x', createTime: now, updateTime: now });
    const { fullToken } = await seedToken(ctx, ann.id, { kind: 'session', authMethod: 'saml:amA', maxAgeSeconds: 3600 });
    const input = (scope: GateInput['scope']): GateInput => ({ authorization: `aivenv1 ${fullToken}`, cookieToken: null, ip: '192.0.2.1', userAgent: null, scope });
    return { orgA, orgB, input };
  }

  it('knows which organization owns the IdP; B refusing other organizations\' IdPs shuts only B', async () => {
    const ctx = testCtx();
    const { orgA, orgB, input } = await samlSession(ctx);
    // New organizations refuse other organizations' IdPs until their admin opts in.
    expect((await rejection(() => gate({ ctx, input: input({ kind: 'organization', organizationId: orgB.id }) }))).message).toMatch(
      /Organization "B" does not allow sign-in through identity providers of other organizations/,
    );
    await ctx.db.update(organizations).set({ samlAllowExternal: true }).where(eq(organizations.id, orgB.id));
    expect((await gate({ ctx, input: input({ kind: 'organization', organizationId: orgB.id }) })).principal.idpOrganizationId).toBe(orgA.id);
    await ctx.db.update(organizations).set({ samlAllowExternal: false }).where(eq(organizations.id, orgB.id));
    expect((await rejection(() => gate({ ctx, input: input({ kind: 'organization', organizationId: orgB.id }) }))).message).toMatch(
      /Organization "B" does not allow sign-in through identity providers of other organizations/,
    );
    expect((await gate({ ctx, input: input({ kind: 'organization', organizationId: orgA.id }) })).membership!.organization.id).toBe(orgA.id);
    // Own resources answer to every organization: B's refusal holds there too.
    expect((await rejection(() => gate({ ctx, input: input({ kind: 'user' }) }))).status).toBe(403);
    await ctx.db.update(organizations).set({ samlAllowExternal: false }).where(eq(organizations.id, orgA.id));
    expect(await gate({ ctx, input: input({ kind: 'organization', organizationId: orgA.id }) })).toBeTruthy();
  });

  it('SAML off in A ends the session for A', async () => {
    const ctx = testCtx();
    const { orgA, input } = await samlSession(ctx);
    await ctx.db.update(organizations).set({ samlEnabled: false }).where(eq(organizations.id, orgA.id));
    expect((await rejection(() => gate({ ctx, input: input({ kind: 'organization', organizationId: orgA.id }) }))).message).toMatch(/does not allow sign-in with SAML single sign-on/);
  });
});

describe('project scope', () => {
  /** Projects in A (allowlist 10/8), in B (2001:db8::/32), in Open (not a member), the user's own standalone one and a stranger's. */
  async function projects(ctx: Ctx) {
    const o = await twoOrgUser(ctx);
    const stranger = await seedUser(ctx);
    const insert = async (name: string, organizationId: string | null, createdByUserId: string) =>
      await ctx.db
        .insert(projectsTable)
        .values({ id: `prj-${name}`, name, organizationId, createdByUserId, createTime: 'now', updateTime: 'now' });
    await insert('in-a', o.orgA.id, stranger.id);
    await insert('in-b', o.orgB.id, o.user.id);
    await insert('in-open', o.open.id, o.user.id);
    await insert('own', null, o.user.id);
    await insert('strangers', null, stranger.id);
    return o;
  }
  const scope = (projectName: string) => ({ kind: 'project' as const, projectName });
  const run = async (ctx: Ctx, o: Awaited<ReturnType<typeof twoOrgUser>>, name: string, ip: string | null) =>
    await gate({
      ctx,
      input: { authorization: `aivenv1 ${o.fullToken}`, cookieToken: null, ip, userAgent: null, scope: scope(name), request: { method: 'GET', pathname: `/v1/project/${name}` } },
    });

  it.each<[string, string, string | null, string | null | number]>([
    // A project in an organization: that organization's members, under its allowlist only.
    ['in-a', 'from A', '10.1.2.3', 'A'],
    ['in-a', 'from B', '2001:db8::1', 403],
    ['in-b', 'from B', '2001:db8::1', 'B'],
    ['in-b', 'from A', '10.1.2.3', 403],
    // Not a member of its organization, though its creator: 404 as for no project at all.
    ['in-open', 'from A', '10.1.2.3', 404],
    // A standalone project: its creator, under every organization of theirs (as the user scope).
    ['own', 'from A', '10.1.2.3', 403],
    ['own', 'from B', '2001:db8::1', 403],
    ['strangers', 'from A', '10.1.2.3', 404],
    ['nope', 'from A', '10.1.2.3', 404],
  ])('%s %s → %j', async (name, _from, ip, expected) => {
    const ctx = testCtx();
    const o = await projects(ctx);
    if (typeof expected === 'number') {
      expect((await rejection(() => run(ctx, o, name, ip))).status).toBe(expected);
    } else {
      const result = await run(ctx, o, name, ip);
      expect(result.membership?.organization.name ?? null).toBe(expected);
      expect(result.governing.map((m) => m.organization.name)).toEqual([expected]);
    }
  });

  it('a standalone project is governed by every organization of its creator', async () => {
    const ctx = testCtx();
    const o = await projects(ctx);
    // Open both allowlists: the standalone project then answers, governed by A and B.
    await ctx.db.update(organizations).set({ ipAllowlist: [] });
    const result = await run(ctx, o, 'own', '198.51.100.1');
    expect(result.membership).toBeNull();
    expect(result.governing.map((m) => m.organization.name)).toEqual(['A', 'B']);
    // A stranger's standalone project stays hidden.
    expect((await rejection(() => run(ctx, o, 'strangers', '198.51.100.1'))).status).toBe(404);
  });

  it('a project in an organization answers to its policy (personal tokens off → 403)', async () => {
    const ctx = testCtx();
    const o = await projects(ctx);
    await ctx.db.update(organizations).set({ personalTokensMode: 'disabled' }).where(eq(organizations.id, o.orgA.id));
    expect((await rejection(() => run(ctx, o, 'in-a', '10.1.2.3'))).status).toBe(403);
    // Organization B's projects do not care about A's policy.
    expect((await run(ctx, o, 'in-b', '2001:db8::1')).membership?.organization.name).toBe('B');
  });

  it('authorizeProject refuses a missing project without looking', async () => {
    const ctx = testCtx();
    const o = await twoOrgUser(ctx);
    expect((await rejection(() => authorizeProject(o.principal, 'x', null, '10.1.2.3'))).message).toBe('Project x not found');
  });

  it.each([
    ['/v1/project', 'GET', { kind: 'user' }],
    ['/v1/project/p1', 'PUT', { kind: 'project', projectName: 'p1' }],
    ['/v1/project/p1/service/kafka-1', 'PUT', { kind: 'project', projectName: 'p1' }],
    ['/v1/project/p%2D1/service-types/kafka', 'GET', { kind: 'project', projectName: 'p-1' }],
  ])('scopeOfApiPath(%s)', (path, method, expected) => expect(scopeOfApiPath(path, method)).toEqual(expected));
});
