import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { domainAuthenticationMethods, domains, users } from '@/db/schema';
import { completeSetup, isSetupNeeded } from '@/lib/setup/first-run';
import { acceptWithSignUp, inviteMember } from '@/lib/invitations/manage';
import { iso, type Ctx } from '@/lib/context';
import { newDomainId } from '@/lib/ids';
import { seedIdentityProvider } from '@/lib/testing/domains';
import { callAs, seedOrganizationWithAdmin } from '@/lib/testing/members';
import { testCtx } from '@/lib/testing/seed';
import { emailDomain, identityProvidersForEmail, managingOrganizationForEmail } from './route';

function insertDomain(ctx: Ctx, organizationId: string, domainName: string, state: 'verified' | 'unverified') {
  return ctx.db
    .insert(domains)
    .values({ id: newDomainId(), organizationId, domainName, state, challengeToken: 'x', createTime: iso(ctx.now) })
    .returning()
    .get();
}

function link(ctx: Ctx, domainId: string, methodId: string) {
  ctx.db.insert(domainAuthenticationMethods).values({ domainId, methodId, createTime: iso(ctx.now) }).run();
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
  it('is the organization that verified the exact domain, else null', () => {
    const ctx = testCtx();
    const { organization: a } = seedOrganizationWithAdmin(ctx);
    const { organization: b } = seedOrganizationWithAdmin(ctx);
    insertDomain(ctx, a.id, 'acme.test', 'verified');
    insertDomain(ctx, b.id, 'acme.test', 'unverified');
    insertDomain(ctx, b.id, 'pending.test', 'unverified');
    expect(managingOrganizationForEmail(ctx, 'x@acme.test')).toBe(a.id);
    expect(managingOrganizationForEmail(ctx, 'X@ACME.TEST')).toBe(a.id);
    expect(managingOrganizationForEmail(ctx, 'x@eu.acme.test')).toBeNull();
    expect(managingOrganizationForEmail(ctx, 'x@pending.test')).toBeNull();
    expect(managingOrganizationForEmail(ctx, 'not an address')).toBeNull();
  });
});

describe('identityProvidersForEmail', () => {
  it('routes an address to the enabled SAML IdPs its verified domain is linked to, oldest first', () => {
    const ctx = testCtx();
    const { organization } = seedOrganizationWithAdmin(ctx);
    const { organization: other } = seedOrganizationWithAdmin(ctx);
    const first = seedIdentityProvider(ctx, organization.id, { name: 'First' });
    ctx.now = new Date(ctx.now.getTime() + 1000);
    const second = seedIdentityProvider(ctx, organization.id, { name: 'Second' });
    const disabled = seedIdentityProvider(ctx, organization.id, { name: 'Disabled', enabled: false });
    const internal = seedIdentityProvider(ctx, organization.id, { name: 'Internal', type: 'internal' });
    const foreign = seedIdentityProvider(ctx, other.id, { name: 'Foreign' });
    const verified = insertDomain(ctx, organization.id, 'acme.test', 'verified');
    const unverified = insertDomain(ctx, organization.id, 'pending.test', 'unverified');
    for (const method of [second, first, disabled, internal, foreign]) link(ctx, verified.id, method.id);
    link(ctx, unverified.id, first.id);

    expect(identityProvidersForEmail(ctx, 'alice@Acme.test').map((m) => m.name)).toEqual(['First', 'Second']);
    expect(identityProvidersForEmail(ctx, 'alice@eu.acme.test')).toEqual([]);
    expect(identityProvidersForEmail(ctx, 'alice@pending.test')).toEqual([]);
    expect(identityProvidersForEmail(ctx, 'alice')).toEqual([]);
  });
});

describe('people created after the domain is verified', () => {
  it('first-run setup asks too (no domain exists yet, so nobody is managed)', async () => {
    const ctx = testCtx();
    expect(isSetupNeeded(ctx)).toBe(true);
    const { user } = await completeSetup({
      ctx,
      input: { organizationName: 'First', email: 'root@acme.test', password: 'a long enough password' },
      meta: { ip: null, userAgent: null },
    });
    expect(user.managingOrganizationId).toBeNull();
  });

  it('an invitation sign-up on a verified domain creates a managed user; elsewhere an unmanaged one', async () => {
    const ctx = testCtx();
    const { organization, admin } = seedOrganizationWithAdmin(ctx);
    insertDomain(ctx, organization.id, 'acme.test', 'verified');
    const call = callAs(ctx, admin.id, organization.id);
    const signUp = async (email: string) => {
      const { link } = inviteMember({ ...call, input: { user_email: email }, baseUrl: 'https://console.test' });
      const { user } = await acceptWithSignUp({
        ctx,
        secret: link.split('/invite/')[1]!,
        input: { password: 'a long enough password', real_name: 'New Person' },
        meta: { ip: null, userAgent: null },
      });
      return ctx.db.select().from(users).where(eq(users.id, user.id)).get()!;
    };
    expect((await signUp('new@acme.test')).managingOrganizationId).toBe(organization.id);
    expect((await signUp('new@elsewhere.test')).managingOrganizationId).toBeNull();
  });
});
