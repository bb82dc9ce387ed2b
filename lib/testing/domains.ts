import { type AuthenticationMethod } from '@/db/schema';
import { authenticationMethods } from '@/db/tables';
import { iso, type Ctx } from '@/lib/context';
import { newAuthenticationMethodId } from '@/lib/ids';
import { single } from '@/db/async';

// Builders for the domain tests. Identity providers are made by their own feature; here a row
// is inserted directly, with placeholder key material (nothing signs with it in these tests).

export async function seedIdentityProvider(
  ctx: Ctx,
  organizationId: string,
  { name = 'Test IdP', type = 'saml', enabled = true }: { name?: string; type?: 'saml' | 'internal'; enabled?: boolean } = {},
): Promise<AuthenticationMethod> {
  const now = iso(ctx.now);
  return await single(
    ctx.db
      .insert(authenticationMethods)
      .values({
        id: newAuthenticationMethodId(),
        organizationId,
        name,
        type,
        enabled,
        samlIdpUrl: 'https://idp.example.test/sso',
        samlEntityId: 'https://idp.example.test/entity',
        spPrivateKey: 'test placeholder: not a key',
        spCertificate: 'test placeholder: not a certificate',
        createTime: now,
        updateTime: now,
      })
      .returning(),
  );
}
