import { z } from 'zod';
import { requiredText } from '@/lib/forms/required-text';
import { DIGEST_ALGORITHMS, MAPPED_FIELDS, SAML_VENDORS, SIGNATURE_ALGORITHMS, type MappedField } from './vendors';

// Identity providers ("authentication methods" of the Aiven API), as the API and the console's
// forms send them: snake_case, one schema per input. Certificates are only checked for shape
// here; lib/identity-providers/certificate.ts parses them (that needs node:crypto, which this file must not load).

export { DIGEST_ALGORITHMS, MAPPED_FIELDS, SAML_VENDORS, SIGNATURE_ALGORITHMS, VENDOR_LABELS, type MappedField, type SamlVendorName } from './vendors';

const bool = (name: string) => z.boolean({ error: `${name} must be true or false` });

export const methodNameSchema = requiredText({ notText: 'authentication_method_name must be a string', empty: 'Enter a name', max: 128 });

/** The IdP's single sign-on URL: where sign-ins are sent (HTTP-Redirect binding). */
export const idpUrlSchema = z
  .string({ error: 'saml_idp_url must be a string' })
  .trim()
  .max(2048, { error: 'Use at most 2048 characters' })
  .refine((value) => /^https?:\/\/[^\s]+$/i.test(value) && URL.canParse(value), { error: 'Enter an http:// or https:// URL' });

export const entityIdSchema = requiredText({ notText: 'saml_entity_id must be a string', empty: 'Enter the IdP entity ID', max: 1024 });

export const certificatePemSchema = requiredText({
  notText: 'saml_certificate must be a string',
  empty: 'Paste the certificate',
  max: 20_000,
  tooLong: 'The certificate is too long',
});

const attributeName = z.string().trim().max(256, { error: 'Use at most 256 characters' }).nullable().optional();

/** Attribute names the IdP sends, per field of ours; empty or null means "the usual names". */
export const fieldMappingSchema = z.strictObject(
  Object.fromEntries(MAPPED_FIELDS.map((field) => [field, attributeName])) as Record<MappedField, typeof attributeName>,
  { error: 'saml_field_mapping must be an object of attribute names' },
);

const maxAgeSchema = z
  .number({ error: 'auth_token_max_age_seconds must be a number' })
  .int({ error: 'Use whole seconds' })
  .min(600, { error: 'At least 600 seconds (10 minutes)' })
  .max(315_360_000, { error: 'At most 315360000 seconds (10 years)' })
  .nullable();

/** Options shared by create and update (PUT is partial). */
const optionFields = {
  saml_idp_url: idpUrlSchema.nullable().optional(),
  saml_entity_id: entityIdSchema.nullable().optional(),
  saml_certificate: certificatePemSchema.nullable().optional(),
  saml_idp_login_allowed: bool('saml_idp_login_allowed').optional(),
  saml_assertion_signed_enabled: bool('saml_assertion_signed_enabled').optional(),
  saml_authn_requests_signed_enabled: bool('saml_authn_requests_signed_enabled').optional(),
  saml_requested_authn_context_enabled: bool('saml_requested_authn_context_enabled').optional(),
  saml_digest_algorithm: z.enum(DIGEST_ALGORITHMS, { error: `saml_digest_algorithm must be one of ${DIGEST_ALGORITHMS.join(', ')}` }).optional(),
  saml_signature_algorithm: z
    .enum(SIGNATURE_ALGORITHMS, { error: `saml_signature_algorithm must be one of ${SIGNATURE_ALGORITHMS.join(', ')}` })
    .optional(),
  saml_field_mapping: fieldMappingSchema.optional(),
  saml_variant: z.enum(['adfs'], { error: 'saml_variant must be "adfs" or null' }).nullable().optional(),
  auth_token_max_age_seconds: maxAgeSchema.optional(),
  auth_token_extend_when_used: bool('auth_token_extend_when_used').optional(),
  // Upstream fields for features Portcullis does not have: accepted only with their "off" value,
  // so a client never believes it turned on something that does nothing.
  saml_join_groups: z.literal(false, { error: 'Joining groups from SAML is not supported' }).optional(),
  scim_enabled: z.literal(false, { error: 'SCIM provisioning is not supported' }).optional(),
  auto_join_user_group_id: z.null({ error: 'User groups are not supported' }).optional(),
  // Extension: which vendor's setup steps the console shows.
  vendor: z.enum(SAML_VENDORS, { error: `vendor must be one of ${SAML_VENDORS.join(', ')}` }).optional(),
};

export const createMethodSchema = z.strictObject({
  authentication_method_name: methodNameSchema,
  authentication_method_type: z.enum(['internal', 'saml'], { error: 'authentication_method_type must be "saml" or "internal"' }),
  ...optionFields,
  linked_domains: z
    .array(z.strictObject({ domain_id: z.string().trim().min(1).max(64) }), { error: 'linked_domains must be a list of {domain_id}' })
    .max(100)
    .optional(),
});
export type CreateMethodInput = z.input<typeof createMethodSchema>;
export type ParsedCreateMethod = z.output<typeof createMethodSchema>;

export const updateMethodSchema = z.strictObject({
  authentication_method_name: methodNameSchema.optional(),
  authentication_method_enabled: bool('authentication_method_enabled').optional(),
  ...optionFields,
});
export type UpdateMethodInput = z.input<typeof updateMethodSchema>;
export type ParsedUpdateMethod = z.output<typeof updateMethodSchema>;

/** Admin → Identity providers → Add: the vendor and a name; the rest comes on the detail page. */
export const addIdentityProviderSchema = z.strictObject({
  authentication_method_name: methodNameSchema,
  vendor: z.enum(SAML_VENDORS, { error: 'Choose the vendor' }),
});
export type AddIdentityProviderInput = z.input<typeof addIdentityProviderSchema>;

/** The "Complete setup" form: the IdP's three values. */
export const idpConnectionSchema = z.strictObject({
  saml_idp_url: idpUrlSchema,
  saml_entity_id: entityIdSchema,
  saml_certificate: certificatePemSchema,
});
export type IdpConnectionInput = z.input<typeof idpConnectionSchema>;

/** The options form of the detail page. */
export const idpOptionsSchema = z.strictObject({
  saml_idp_login_allowed: bool('saml_idp_login_allowed'),
  saml_assertion_signed_enabled: bool('saml_assertion_signed_enabled'),
  saml_authn_requests_signed_enabled: bool('saml_authn_requests_signed_enabled'),
  saml_requested_authn_context_enabled: bool('saml_requested_authn_context_enabled'),
  saml_digest_algorithm: z.enum(DIGEST_ALGORITHMS),
  saml_signature_algorithm: z.enum(SIGNATURE_ALGORITHMS),
  saml_field_mapping: fieldMappingSchema,
  // The form sends the max age as text: empty means the console's default.
  auth_token_max_age_seconds: z.preprocess(
    (value) => (value === '' || value === undefined ? null : typeof value === 'string' ? Number(value) : value),
    maxAgeSchema,
  ),
});
export type IdpOptionsInput = z.input<typeof idpOptionsSchema>;

/** Pasted or uploaded IdP metadata XML. */
export const metadataXmlSchema = z.strictObject({
  metadata_xml: z.string().trim().min(1, { error: 'Paste the metadata XML or choose a file' }).max(500_000, { error: 'The metadata is too large' }),
});

/** "Sign in with SSO" on the sign-in page: by email, or by the organization's account ID. */
export const ssoLookupSchema = z.union([
  z.strictObject({ email: z.email({ error: 'Enter an email address' }).trim().toLowerCase() }),
  z.strictObject({ organization: z.string().trim().min(1, { error: 'Enter the organization ID' }).max(64) }),
]);

export const SAML_PURPOSES = ['signin', 'signup', 'link', 'test'] as const;
export type SamlPurpose = (typeof SAML_PURPOSES)[number];
