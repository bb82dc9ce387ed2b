import { describe, expect, it } from 'vitest';
import { advance, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { optionalPrincipal, optionalSession } from './optional-session';

const META = { ip: '203.0.113.5', userAgent: 'vitest' };

async function setup() {
  const ctx = testCtx();
  const organization = await seedOrganization(ctx, { name: 'Acme', ipAllowlist: ['198.51.100.0/24'] });
  const user = await seedUser(ctx, { email: 'alice@acme.test' });
  await seedMembership(ctx, { organizationId: organization.id, userId: user.id });
  const session = (await seedToken(ctx, user.id, { kind: 'session', maxAgeSeconds: 3600 })).fullToken;
  const personal = (await seedToken(ctx, user.id)).fullToken;
  return { ctx, organization, user, session, personal };
}

describe('optionalPrincipal: who a session cookie names, softly', () => {
  it('names the user of a live login session', async () => {
    const { ctx, user, session } = await setup();
    expect((await optionalPrincipal({ ctx, input: { cookieToken: session, ...META } }))?.user.id).toBe(user.id);
  });

  it.each([
    ['no cookie', () => null],
    ['an unknown token', () => 'pcls_not-a-token'],
    ['an empty cookie', () => ''],
  ])('%s is no one', async (_name, token) => {
    const { ctx } = await setup();
    expect(await optionalPrincipal({ ctx, input: { cookieToken: token(), ...META } })).toBeNull();
  });

  it('a personal token put into the cookie is no one: the cookie carries login sessions only', async () => {
    const { ctx, personal } = await setup();
    expect(await optionalPrincipal({ ctx, input: { cookieToken: personal, ...META } })).toBeNull();
  });

  it('an expired session is no one', async () => {
    const { ctx, session } = await setup();
    advance(ctx, 2 * 3600 * 1000);
    expect(await optionalPrincipal({ ctx, input: { cookieToken: session, ...META } })).toBeNull();
  });

  it('does not apply allowlists: it says who is looking, it admits nothing', async () => {
    const { ctx, user, session } = await setup();
    expect((await optionalPrincipal({ ctx, input: { cookieToken: session, ip: '192.0.2.1', userAgent: null } }))?.user.id).toBe(user.id);
  });
});

describe('optionalSession: the gate, softly', () => {
  it('is the gate\'s answer where it admits the session', async () => {
    const { ctx, user, organization, session } = await setup();
    const result = await optionalSession({ ctx, input: { cookieToken: session, ip: '198.51.100.7', userAgent: null, scope: { kind: 'console', ownResources: true } } });
    expect(result?.principal.user.id).toBe(user.id);
    expect(result?.governing.map((m) => m.organization.id)).toEqual([organization.id]);
  });

  it('is null where the gate refuses (an address outside the allowlist), not an error', async () => {
    const { ctx, session } = await setup();
    expect(await optionalSession({ ctx, input: { cookieToken: session, ...META, scope: { kind: 'console', ownResources: true } } })).toBeNull();
  });

  it.each([null, 'pcls_unknown'])('is null for cookie %j', async (cookieToken) => {
    const { ctx } = await setup();
    expect(await optionalSession({ ctx, input: { cookieToken, ...META, scope: { kind: 'user' } } })).toBeNull();
  });

  it('is null for a personal token in the cookie', async () => {
    const { ctx, personal } = await setup();
    expect(await optionalSession({ ctx, input: { cookieToken: personal, ip: '198.51.100.7', userAgent: null, scope: { kind: 'user' } } })).toBeNull();
  });
});

describe('the request\'s address reaches the checks', () => {
  it('a session fenced to an address range names its user from inside the range only', async () => {
    const { ctx, user } = await setup();
    const fenced = (await seedToken(ctx, user.id, { kind: 'session', maxAgeSeconds: 3600, ipAllowlist: ['203.0.113.0/24'] })).fullToken;
    expect((await optionalPrincipal({ ctx, input: { cookieToken: fenced, ...META } }))?.user.id).toBe(user.id);
    expect(await optionalPrincipal({ ctx, input: { cookieToken: fenced, ip: '192.0.2.1', userAgent: 'vitest' } })).toBeNull();
  });
});
