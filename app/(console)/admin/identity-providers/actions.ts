'use server';

import { z } from 'zod';
import { consoleAction } from '@/app/_lib/action';
import { assertSuperAdmin } from '@/lib/call';
import { AppError } from '@/lib/errors';
import { parseCertificate } from '@/lib/identity-providers/certificate';
import { parseIdpMetadata } from '@/lib/saml/metadata';
import { addCertificate, createMethod, deleteMethod, removeCertificate, updateMethod } from '@/lib/identity-providers/manage';
import { addIdentityProviderSchema, certificatePemSchema, idpConnectionSchema, idpOptionsSchema, metadataXmlSchema } from '@/lib/identity-providers/schema';

const idSchema = z.string().min(1).max(64);

export const addIdentityProviderAction = consoleAction(addIdentityProviderSchema, async (input, call) => {
  const view = await createMethod({ ...call, input: { ...input, authentication_method_type: 'saml' } });
  return { methodId: view.method.id };
});

export const saveConnectionAction = consoleAction(idpConnectionSchema.extend({ method_id: idSchema }), async ({ method_id, ...input }, call) => {
  await updateMethod({ ...call, methodId: method_id, input });
});

export const saveOptionsAction = consoleAction(idpOptionsSchema.extend({ method_id: idSchema }), async ({ method_id, ...input }, call) => {
  await updateMethod({ ...call, methodId: method_id, input });
});

export const setEnabledAction = consoleAction(z.object({ method_id: idSchema, enabled: z.boolean() }), async ({ method_id, enabled }, call) => {
  await updateMethod({ ...call, methodId: method_id, input: { authentication_method_enabled: enabled } });
});

export const renameAction = consoleAction(
  z.object({ method_id: idSchema, authentication_method_name: z.string() }),
  async ({ method_id, authentication_method_name }, call) => {
    await updateMethod({ ...call, methodId: method_id, input: { authentication_method_name } });
  },
);

export const deleteIdentityProviderAction = consoleAction(z.object({ method_id: idSchema }), async ({ method_id }, call) => ({
  sessionsEnded: await deleteMethod({ ...call, methodId: method_id }),
}));

export const addCertificateAction = consoleAction(z.object({ method_id: idSchema, saml_certificate: certificatePemSchema }), async ({ method_id, saml_certificate }, call) => {
  await addCertificate({ ...call, methodId: method_id, pem: saml_certificate });
});

export const removeCertificateAction = consoleAction(z.object({ method_id: idSchema, certificate_id: idSchema }), async ({ method_id, certificate_id }, call) => {
  await removeCertificate({ ...call, methodId: method_id, certificateId: certificate_id });
});

/** Reads pasted or uploaded IdP metadata; the form fills its fields with the result (nothing is saved). */
export const importMetadataAction = consoleAction(metadataXmlSchema, async ({ metadata_xml }, { membership }) => {
  assertSuperAdmin(membership);
  const result = parseIdpMetadata(metadata_xml);
  if (!result.ok) throw new AppError('bad_request', result.reason, { metadata_xml: [result.reason] });
  return { saml_idp_url: result.metadata.ssoUrl, saml_entity_id: result.metadata.entityId, saml_certificate: result.metadata.certificates[0]!, more: result.metadata.certificates.length - 1 };
});

/** What a certificate says before it is saved: subject, issuer, validity, or why it is refused. */
export const inspectCertificateAction = consoleAction(z.object({ saml_certificate: certificatePemSchema }), async ({ saml_certificate }, { membership }) => {
  assertSuperAdmin(membership);
  const result = parseCertificate(saml_certificate, new Date());
  if (!result.ok) throw new AppError('bad_request', result.reason, { saml_certificate: [result.reason] });
  const { subject, issuer, notBefore, notAfter } = result.certificate;
  return { subject, issuer, notBefore, notAfter };
});
