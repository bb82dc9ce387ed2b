import type { OrgCall } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { createMethod, updateMethod } from '@/lib/identity-providers/manage';
import { callAs, seedOrganizationWithAdmin } from './members';
import type { TestIdp } from './saml-idp';

/**
 * A SAML identity provider of the caller's organization that trusts the test IdP's key, added as
 * its super admin would (createMethod), and enabled unless `enabled: false`. Returns the method
 * row as created. `input` overrides or adds any field of the create body.
 */
export async function addSamlIdp(
  call: OrgCall,
  idp: Pick<TestIdp, 'entityId' | 'certificate'>,
  { name = 'IdP', idpUrl = 'https://idp.example.test/sso', enabled = true, input = {} }: { name?: string; idpUrl?: string; enabled?: boolean; input?: Record<string, unknown> } = {},
) {
  const { method } = await createMethod({
    ...call,
    input: { authentication_method_name: name, authentication_method_type: 'saml', saml_idp_url: idpUrl, saml_entity_id: idp.entityId, saml_certificate: idp.certificate, ...input },
  });
  if (enabled) await updateMethod({ ...call, methodId: method.id, input: { authentication_method_enabled: true } });
  return method;
}

/**
 * Where the SAML tests start: organization `organizationName` with a super admin (`adminEmail`, no password:
 * they sign in through the IdP), the admin's call, and a SAML identity provider trusting `idp`
 * that the admin added with addSamlIdp (the other options are addSamlIdp's).
 */
export async function seedOrganizationWithSamlIdp(
  ctx: Ctx,
  idp: Pick<TestIdp, 'entityId' | 'certificate'>,
  { organizationName, adminEmail, ...idpOptions }: { organizationName?: string; adminEmail?: string } & NonNullable<Parameters<typeof addSamlIdp>[2]> = {},
) {
  const { organization, admin } = await seedOrganizationWithAdmin(ctx, { name: organizationName, adminEmail, adminPasswordHash: null });
  const call = await callAs(ctx, admin.id, organization.id);
  const method = await addSamlIdp(call, idp, idpOptions);
  return { organization, admin, call, method };
}
