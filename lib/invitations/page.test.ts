import { describe, expect, it } from 'vitest';
import { authenticate } from '@/lib/auth/gate';
import type { Ctx } from '@/lib/context';
import { listMemberships } from '@/lib/model/memberships';
import { advance, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { asyncRejection as rejection } from '@/lib/testing/errors';
import { inviteMember, INVITATION_MAX_AGE_MS } from './manage';
import { invitationPageView } from './page';

const META = { ip: '203.0.113.5', userAgent: 'vitest' };

async function invite(ctx: Ctx, email: string) {
  const organization = await seedOrganization(ctx, { name: 'Acme' });
  const admin = await seedUser(ctx, { email: 'admin@acme.test' });
  await seedMembership(ctx, { organizationId: organization.id, userId: admin.id, isSuperAdmin: true });
  const { fullToken } = await seedToken(ctx, admin.id, { kind: 'session' });
  const principal = await authenticate({ ctx, input: { authorization: `aivenv1 ${fullToken}`, cookieToken: null, ...META } });
  const { link } = await inviteMember({ ctx, principal, membership: (await listMemberships(ctx, admin.id))[0]!, meta: META, input: { user_email: email }, baseUrl: 'https://c.test' });
  return { organization, secret: link.split('/invite/')[1]!, adminSession: fullToken };
}

describe('invitationPageView', () => {
  it('signed out, no account yet: the invitation and its organization, nobody looking, sign up', async () => {
    const ctx = testCtx();
    const { organization, secret } = await invite(ctx, 'new@example.test');
    const view = await invitationPageView({ ctx, input: { secret, cookieToken: null, ...META } });
    expect(view).toMatchObject({ signedInAs: null, hasAccount: false, organization: { id: organization.id, name: 'Acme' } });
    expect(view.invitation).toMatchObject({ email: 'new@example.test', invitedByEmail: 'admin@acme.test' });
  });

  it('an account with the invited address exists: sign in to accept', async () => {
    const ctx = testCtx();
    const { secret } = await invite(ctx, 'bob@example.test');
    await seedUser(ctx, { email: 'bob@example.test' });
    expect(await invitationPageView({ ctx, input: { secret, cookieToken: null, ...META } })).toMatchObject({ signedInAs: null, hasAccount: true });
  });

  it('names who is looking: the invitee, or someone else (here the inviting admin)', async () => {
    const ctx = testCtx();
    const { secret, adminSession } = await invite(ctx, 'bob@example.test');
    const bob = await seedUser(ctx, { email: 'bob@example.test' });
    const bobSession = (await seedToken(ctx, bob.id, { kind: 'session' })).fullToken;
    expect((await invitationPageView({ ctx, input: { secret, cookieToken: bobSession, ...META } })).signedInAs).toBe('bob@example.test');
    expect((await invitationPageView({ ctx, input: { secret, cookieToken: adminSession, ...META } })).signedInAs).toBe('admin@acme.test');
  });

  it('a dead session or a personal token in the cookie is nobody, not an error', async () => {
    const ctx = testCtx();
    const { secret } = await invite(ctx, 'bob@example.test');
    const bob = await seedUser(ctx, { email: 'bob@example.test' });
    const personal = (await seedToken(ctx, bob.id)).fullToken;
    expect((await invitationPageView({ ctx, input: { secret, cookieToken: personal, ...META } })).signedInAs).toBeNull();
    expect((await invitationPageView({ ctx, input: { secret, cookieToken: 'pcls_gone', ...META } })).signedInAs).toBeNull();
  });

  it('an unknown link is 404 and an expired one 410, whoever looks', async () => {
    const ctx = testCtx();
    const { secret } = await invite(ctx, 'bob@example.test');
    expect((await rejection(() => invitationPageView({ ctx, input: { secret: 'not-a-secret', cookieToken: null, ...META } }))).status).toBe(404);
    advance(ctx, INVITATION_MAX_AGE_MS);
    expect((await rejection(() => invitationPageView({ ctx, input: { secret, cookieToken: null, ...META } }))).status).toBe(410);
  });
});
