import { beforeAll, describe, expect, it } from 'vitest';
import type { Ctx } from '@/lib/context';
import { rejection } from '@/lib/testing/errors';
import { seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { assertScopesPermit, authenticate, gate, governingMemberships, parseAuthorization, scopeOfApiPath, type RequestScope } from './gate';

// Gate checks that mutation testing found unguarded (npm run test:mutation): the token's
// scopes on /v1 requests, which organizations govern a request, and how a /v1 path maps to
// the organization it touches. (lib/auth/gate.test.ts has the rest.)

async function scopedUser(ctx: Ctx, scopes: string[]) {
  const user = await seedUser(ctx);
  const organization = await seedOrganization(ctx, { name: 'Acme' });
  await seedMembership(ctx, { organizationId: organization.id, userId: user.id });
  const { fullToken } = await seedToken(ctx, user.id, { scopes });
  return { user, organization, fullToken };
}

describe('gate: a /v1 request needs the token\'s scopes', () => {
  const call = async (ctx: Ctx, fullToken: string, method: string, pathname: string) =>
    await gate({ ctx, input: { authorization: `aivenv1 ${fullToken}`, cookieToken: null, ip: '203.0.113.1', userAgent: null, scope: { kind: 'user' }, request: { method, pathname } } });

  it('a projects:read token reads projects, and nothing else', async () => {
    const ctx = testCtx();
    const { user, fullToken } = await scopedUser(ctx, ['projects:read']);
    expect((await call(ctx, fullToken, 'GET', '/v1/project')).principal.user.id).toBe(user.id);

    const me = await rejection(() => call(ctx, fullToken, 'GET', '/v1/me'));
    expect(me.status).toBe(403);
    expect(me.code).toBe('forbidden');
    expect(me.message).toBe("This token's scopes (projects:read) do not allow read access to user");

    const write = await rejection(() => call(ctx, fullToken, 'POST', '/v1/project'));
    expect(write.status).toBe(403);
    expect(write.message).toBe("This token's scopes (projects:read) do not allow write access to projects");
  });

  it('a token without scopes may do anything its user may; logging out needs no scope', async () => {
    const ctx = testCtx();
    const all = await scopedUser(ctx, []);
    expect((await call(ctx, all.fullToken, 'POST', '/v1/access_token')).principal.user.id).toBe(all.user.id);
    const narrow = await scopedUser(ctx, ['projects:read']);
    expect((await call(ctx, narrow.fullToken, 'POST', '/v1/me/logout')).principal.user.id).toBe(narrow.user.id);
  });

  it('assertScopesPermit on its own', async () => {
    expect(() => assertScopesPermit(['user'], { method: 'POST', pathname: '/v1/access_token' })).not.toThrow();
    expect(() => assertScopesPermit(['organizations:write'], { method: 'PUT', pathname: '/v1/organization/o1' })).not.toThrow();
    const error = await rejection(() => assertScopesPermit(['user', 'projects'], { method: 'PUT', pathname: '/v1/organization/o1' }));
    expect(error.status).toBe(403);
    expect(error.message).toBe("This token's scopes (user, projects) do not allow write access to organizations");
  });
});

describe('governingMemberships: whose policies govern the request', () => {
  async function setup() {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    const a = await seedOrganization(ctx, { name: 'A' });
    const b = await seedOrganization(ctx, { name: 'B' });
    await seedMembership(ctx, { organizationId: a.id, userId: user.id, joinTime: new Date(ctx.now.getTime() - 2000) });
    await seedMembership(ctx, { organizationId: b.id, userId: user.id, joinTime: new Date(ctx.now.getTime() - 1000) });
    const principal = await authenticate({ ctx, input: { authorization: `aivenv1 ${(await seedToken(ctx, user.id)).fullToken}`, cookieToken: null, ip: null, userAgent: null } });
    const [inA, inB] = principal.memberships;
    return { a, b, principal, inA, inB };
  }
  let world: Awaited<ReturnType<typeof setup>>;
  beforeAll(async () => {
    world = await setup();
  });
  const ids = (list: { organization: { id: string } }[]) => list.map((m) => m.organization.id);

  it.each<[string, RequestScope, 'A' | 'B' | null, string[]]>([
    ['the caller\'s own resources: every organization', { kind: 'user' }, null, ['A', 'B']],
    ['a console page of own resources: every organization', { kind: 'console', ownResources: true }, 'B', ['A', 'B']],
    ['a console page: the organization worked in', { kind: 'console', preferredOrganizationId: 'x' }, 'B', ['B']],
    ['a console page, in no organization: none', { kind: 'console' }, null, []],
    ['an organization\'s resources: that organization', { kind: 'organization', organizationId: 'x' }, 'A', ['A']],
    ['an account\'s resources: that organization', { kind: 'account', accountId: 'x' }, 'B', ['B']],
    ['a project of an organization: that organization', { kind: 'project', projectName: 'p' }, 'A', ['A']],
    ['a standalone project: every organization of its creator', { kind: 'project', projectName: 'p' }, null, ['A', 'B']],
  ])('%s', (_name, scope, current, expected) => {
    const { a, b, principal, inA, inB } = world;
    const membership = current === 'A' ? inA! : current === 'B' ? inB! : null;
    expect(ids(governingMemberships(principal, scope, membership))).toEqual(expected.map((n) => (n === 'A' ? a.id : b.id)));
  });
});

describe('scopeOfApiPath: which organization a path touches', () => {
  it.each<[string, string, RequestScope]>([
    // Accepting an invitation: the invitee is not a member yet, so it is their own business.
    ['POST', '/v1/organization/org1/invitation/ann@acme.test', { kind: 'user' }],
    ['POST', '/v1/organization/org1/invitation/a', { kind: 'user' }],
    ['POST', '/v1/organization/org1/invitation/ab', { kind: 'user' }],
    // ... and nothing else is: listing, other methods, longer paths, a path that only ends so.
    ['GET', '/v1/organization/org1/invitation/ann@acme.test', { kind: 'organization', organizationId: 'org1' }],
    ['DELETE', '/v1/organization/org1/invitation/ann@acme.test', { kind: 'organization', organizationId: 'org1' }],
    ['POST', '/v1/organization/org1/invitation', { kind: 'organization', organizationId: 'org1' }],
    ['POST', '/v1/organization/org1/invitation/ann@acme.test/resend', { kind: 'organization', organizationId: 'org1' }],
    ['POST', '/v1/organization/o/x/v1/organization/o2/invitation/ann', { kind: 'organization', organizationId: 'o' }],
    ['POST', '/v1/organization/org1/user/invitation/ann', { kind: 'organization', organizationId: 'org1' }],
    // Accounts (upstream's older name for organizations) and projects.
    ['GET', '/v1/account/a1/authentication', { kind: 'account', accountId: 'a1' }],
    // The account itself may be an organizational unit's; its deeper paths are organizations' only.
    ['GET', '/v1/account/ab', { kind: 'account', accountId: 'ab', unit: true }],
    ['DELETE', '/v1/account/ab/', { kind: 'account', accountId: 'ab', unit: true }],
    ['GET', '/v1/account/a%31', { kind: 'account', accountId: 'a1', unit: true }],
    ['GET', '/v1/account/a1/events', { kind: 'account', accountId: 'a1' }],
    ['GET', '/v1/account/a1/events/v1/account/a2', { kind: 'account', accountId: 'a1' }],
    ['GET', '/v1/account/a1/authentication/am1', { kind: 'account', accountId: 'a1' }],
    ['GET', '/v1/project/p1/service/s1', { kind: 'project', projectName: 'p1' }],
    ['GET', '/v1/project/pq', { kind: 'project', projectName: 'pq' }],
    // Only at the start of the path.
    ['GET', '/x/v1/organization/o1', { kind: 'user' }],
    ['GET', '/x/v1/account/a1', { kind: 'user' }],
    ['GET', '/x/v1/project/p1', { kind: 'user' }],
  ])('%s %s -> %j', (method, path, scope) => expect(scopeOfApiPath(path, method)).toEqual(scope));
});

describe('parseAuthorization: the scheme comes first', () => {
  it.each(['Token aivenv1 abc', 'x Bearer abc'])('%j -> 401', async (header) => {
    expect((await rejection(() => parseAuthorization(header))).status).toBe(401);
  });
});
