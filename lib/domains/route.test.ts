import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { domainAuthenticationMethods, domains, users } from '@/db/tables';
import { completeSetup, isSetupNeeded } from '@/lib/setup/first-run';
import { acceptWithSignUp, inviteMember } from '@/lib/invitations/manage';
import { iso, type Ctx } from '@/lib/context';
import { newDomainId } from '@/lib/ids';
import { seedIdentityProvider } from '@/lib/testing/domains';
import { callAs, seedOrganizationWithAdmin } from '@/lib/testing/members';
import { testCtx } from '@/lib/testing/seed';
import { emailDomain, identityProvidersForEmail, managingOrganizationForEmail } from './route';
import { first, single } from '@/db/async';

async function insertDomain(ctx: Ctx, organizationId: string, domainName: string, state: 'verified' | 'unverified') {
  return await single(
    ctx.db
      .insert(domains)
      .values({ id: newDomainId(), organizationId, domainName, state, challengeToken: 'x', createTime: iso(ctx.now) })
      .returning(),
  );
}

async function link(ctx: Ctx, domainId: string, methodId: string) {
  await ctx.db.insert(domainAuthenticationMethods).values({ domainId, methodId, createTime: iso(ctx.now) });
}

describe('emailDomain', () => {
  it.each([
    ['alice@example.com', 'example.com'],
    ['Alice@EXAMPLE.com', 'example.com'],
    ['alice@example.com.', 'example.com'],
    ['"a@b"@example.com', 'example.com'],
    ['alice@bücher.example', 'xn--bcher-kva.example'],
    ['alice@sub.example.com', 'sub.example.com'],
    ['alice', null],
    ['@example.com', null],
    ['alice@', null],
    ['', null],
  ])('%j → %j', (email, expected) => {
    expect(emailDomain(email)).toBe(expected);
  });
});

describe('managingOrganizationForEmail', () => {
  it('is the organization that verified the exact domain, else null', async () => {
    const ctx = testCtx();
    const { organization: a } = await seedOrganizationWithAdmin(ctx);
    const { organization: b } = await seedOrganizationWithAdmin(ctx);
    await insertDomain(ctx, a.id, 'acme.test', 'verified');
    await insertDomain(ctx, b.id, 'acme.test', 'unverified');
    await insertDomain(ctx, b.id, 'pending.test', 'unverified');
    expect(await managingOrganizationForEmail(ctx, 'x@acme.test')).toBe(a.id);
    expect(await managingOrganizationForEmail(ctx, 'X@ACME.TEST')).toBe(a.id);
    expect(await managingOrganizationForEmail(ctx, 'x@eu.acme.test')).toBeNull();
    expect(await managingOrganizationForEmail(ctx, 'x@pending.test')).toBeNull();
    expect(await managingOrganizationForEmail(ctx, 'not an address')).toBeNull();
  });
});

describe('identityProvidersForEmail', () => {
  it('routes an address to the enabled SAML IdPs its verified domain is linked to, oldest first', async () => {
    const ctx = testCtx();
    const { organization } = await seedOrganizationWithAdmin(ctx);
    const { organization: other } = await seedOrganizationWithAdmin(ctx);
    const first = await seedIdentityProvider(ctx, organization.id, { name: 'First' });
    ctx.now = new Date(ctx.now.getTime() + 1000);
    const second = await seedIdentityProvider(ctx, organization.id, { name: 'Second' });
    const disabled = await seedIdentityProvider(ctx, organization.id, { name: 'Disabled', enabled: false });
    const internal = await seedIdentityProvider(ctx, organization.id, { name: 'Internal', type: 'internal' });
    const foreign = await seedIdentityProvider(ctx, other.id, { name: 'Foreign' });
    const verified = await insertDomain(ctx, organization.id, 'acme.test', 'verified');
    const unverified = await insertDomain(ctx, organization.id, 'pending.test', 'unverified');
    for (const method of [second, first, disabled, internal, foreign]) await link(ctx, verified.id, method.id);
    await link(ctx, unverified.id, first.id);

    expect((await identityProvidersForEmail(ctx, 'alice@Acme.test')).map((m) => m.name)).toEqual(['First', 'Second']);
    expect(await identityProvidersForEmail(ctx, 'alice@eu.acme.test')).toEqual([]);
    expect(await identityProvidersForEmail(ctx, 'alice@pending.test')).toEqual([]);
    expect(await identityProvidersForEmail(ctx, 'alice')).toEqual([]);
  });
});

describe('people created after the domain is verified', () => {
  it('first-run setup asks too (no domain exists yet, so nobody is managed)', async () => {
    const ctx = testCtx();
    expect(await isSetupNeeded(ctx)).toBe(true);
    const { user } = await completeSetup({
      ctx,
      input: { organizationName: 'First', email: 'root@acme.test', password: 'a long enough password' },
      meta: { ip: null, userAgent: null },
    });
    expect(user.managingOrganizationId).toBeNull();
  });

  it('an invitation sign-up on a verified domain creates a managed user; elsewhere an unmanaged one', async () => {
    const ctx = testCtx();
    const { organization, admin } = await seedOrganizationWithAdmin(ctx);
    await insertDomain(ctx, organization.id, 'acme.test', 'verified');
    const call = await callAs(ctx, admin.id, organization.id);
    const signUp = async (email: string) => {
      const { link } = await inviteMember({ ...call, input: { user_email: email }, baseUrl: 'https://console.test' });
      const { user } = await acceptWithSignUp({
        ctx,
        secret: link.split('/invite/')[1]!,
        input: { password: 'a long enough password', real_name: 'New Person' },
        meta: { ip: null, userAgent: null },
      });
      return (await first(ctx.db.select().from(users).where(eq(users.id, user.id)).limit(1)))!;
    };
    expect((await signUp('new@acme.test')).managingOrganizationId).toBe(organization.id);
    expect((await signUp('new@elsewhere.test')).managingOrganizationId).toBeNull();
  });
});
