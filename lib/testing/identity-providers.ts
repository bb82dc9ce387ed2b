import type { OrgCall } from '@/lib/call';
import { createMethod, updateMethod } from '@/lib/identity-providers/manage';
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
  if (enabled) updateMethod({ ...call, methodId: method.id, input: { authentication_method_enabled: true } });
  return method;
}
