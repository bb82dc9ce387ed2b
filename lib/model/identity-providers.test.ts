import { describe, expect, it } from 'vitest';
import { authenticationMethods } from '@/db/tables';
import { iso } from '@/lib/context';
import { seedOrganization, testCtx } from '@/lib/testing/seed';
import { identityProviderNames, identityProviderOrganization } from './identity-providers';

describe('identity provider owner and names', () => {
  async function withProviders() {
    const ctx = testCtx();
    const acme = await seedOrganization(ctx, { name: 'Acme' });
    const now = iso(ctx.now);
    const row = (id: string, name: string) => ({ id, organizationId: acme.id, name, type: 'saml' as const, spPrivateKey: 'x', spCertificate: 'x', createTime: now, updateTime: now });
    await ctx.db.insert(authenticationMethods).values([row('amOkta', 'Okta'), row('amAzure', 'Azure AD')]);
    return { ctx, acme };
  }

  it('finds the organization of a provider, and null for an unknown one', async () => {
    const { ctx, acme } = await withProviders();
    expect(await identityProviderOrganization(ctx, 'amOkta')).toBe(acme.id);
    expect(await identityProviderOrganization(ctx, 'amNope')).toBeNull();
  });

  it('names the providers that SAML methods point at, once each, skipping other methods and unknown ids', async () => {
    const { ctx } = await withProviders();
    expect(await identityProviderNames(ctx, ['password', 'saml:amOkta', 'google', 'saml:amOkta', 'saml:amAzure', 'saml:amGone'])).toEqual({
      amOkta: 'Okta',
      amAzure: 'Azure AD',
    });
    expect(await identityProviderNames(ctx, ['password', 'github'])).toEqual({});
  });
});
