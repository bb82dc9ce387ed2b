import { describe, expect, it } from 'vitest';
import { rejection } from '@/lib/testing/errors';
import { addMember, callAs, seedAdminAndBob, seedLinkedIdentities, seedTotp, setUserFields } from '@/lib/testing/members';
import { seedMembership, seedOrganization, seedToken, testCtx } from '@/lib/testing/seed';
import { loadMemberPage } from './member-page';

const world = () => seedAdminAndBob(testCtx());

describe('loadMemberPage', () => {
  it('gathers the member’s methods, 2FA, sessions and tokens, management and the reset answer', async () => {
    const { ctx, organization, bob, call } = await world();
    await seedLinkedIdentities(ctx, organization.id, bob, { thirdParty: { provider: 'google', subject: 'g-1' }, samlSubject: 'bob@idp.test' });
    await seedTotp(ctx, bob.id);
    const session = (await seedToken(ctx, bob.id, { kind: 'session', createdManually: false, authMethod: 'saml:amOkta' })).token;
    const personal = (await seedToken(ctx, bob.id, { description: 'ci' })).token;
    await setUserFields(ctx, bob.id, { managingOrganizationId: organization.id });

    const page = await loadMemberPage({ ...call, userId: bob.id });
    expect(page.member.user.email).toBe('bob@example.test');
    expect(page.methods.map((m) => [m.type, m.name, m.lastUsedTime])).toEqual([
      ['internal', 'Password', null],
      ['google', 'Google', '2026-02-28T09:00:00Z'],
      ['saml', 'Okta', null],
    ]);
    expect(page.twoFactor).toMatchObject({ enabled: true, pendingSetup: false });
    expect(page.tokens.map((t) => t.id).sort()).toEqual([session.id, personal.id].sort());
    expect(page.identityProviderNames).toEqual({ amOkta: 'Okta' });
    expect(page).toMatchObject({ managedBy: 'this', otherOrganizations: 0, twoFactorResetRefusal: null, twoFactorRequiredHere: false });
  });

  it('says, before anyone clicks, why a reset would be refused', async () => {
    const { ctx, admin, bob, call } = await world();
    const manager = await seedOrganization(ctx);
    await seedMembership(ctx, { organizationId: manager.id, userId: bob.id });
    await setUserFields(ctx, bob.id, { managingOrganizationId: manager.id });
    await seedTotp(ctx, bob.id);
    const page = await loadMemberPage({ ...call, userId: bob.id });
    expect(page).toMatchObject({ managedBy: 'other', otherOrganizations: 1 });
    expect(page.twoFactorResetRefusal).toMatch(/^bob@example\.test also belongs to other organizations and is not managed by this one/);
    expect((await loadMemberPage({ ...call, userId: admin.id })).twoFactorResetRefusal).toBe(
      'To turn off your own two-factor authentication, use Profile → Authentication: it asks for a code or a recovery code.',
    );
  });

  it('is 403 for a member who is not a super admin and 404 for anyone outside the organization', async () => {
    const { ctx, organization, admin, bob, call } = await world();
    expect((await rejection(async () => await loadMemberPage({ ...await callAs(ctx, bob.id, organization.id), userId: admin.id }))).status).toBe(403);
    const stranger = await addMember(ctx, (await seedOrganization(ctx)).id);
    const error = await rejection(() => loadMemberPage({ ...call, userId: stranger.id }));
    expect([error.status, error.message]).toEqual([404, `User ${stranger.id} is not a member of this organization`]);
  });
});
