import { z } from 'zod';
import { samlDigestAlgorithms, samlSignatureAlgorithms, samlVendors } from '@/db/schema';

// The authentication method object's schema: methodToWire and samlOptionsToWire (wire.ts) are
// typed against it; the OpenAPI document (lib/api/openapi) uses it.

export const samlOptionsWireSchema = z.object({
  saml_idp_login_allowed: z.boolean(),
  saml_assertion_signed_enabled: z.boolean(),
  saml_authn_requests_signed_enabled: z.boolean(),
  saml_requested_authn_context_enabled: z.boolean(),
  saml_digest_algorithm: z.enum(samlDigestAlgorithms),
  saml_signature_algorithm: z.enum(samlSignatureAlgorithms),
});
export type SamlOptionsWire = z.infer<typeof samlOptionsWireSchema>;

const nullableText = z.string().nullable().optional();

export const authenticationMethodWireSchema = z
  .object({
    account_id: z.string(),
    organization_id: z.string(),
    authentication_method_id: z.string(),
    authentication_method_name: z.string(),
    authentication_method_type: z.enum(['internal', 'saml']),
    authentication_method_enabled: z.boolean(),
    state: z.enum(['active', 'pending_configuration']),
    create_time: z.string(),
    update_time: z.string(),
    delete_time: z.null(),
    saml_acs_url: z.string(),
    saml_metadata_url: z.string(),
    saml_idp_url: z.string().nullable(),
    saml_entity_id: z.string().nullable(),
    saml_certificate: z.string().nullable().meta({ description: 'The newest accepted IdP certificate (PEM).' }),
    saml_certificate_issuer: z.string().nullable(),
    saml_certificate_subject: z.string().nullable(),
    saml_certificate_not_valid_before: z.string().nullable(),
    saml_certificate_not_valid_after: z.string().nullable(),
    saml_sp_certificate: z.string(),
    ...samlOptionsWireSchema.shape,
    saml_field_mapping: z.object({
      email: nullableText,
      first_name: nullableText,
      last_name: nullableText,
      real_name: nullableText,
      identity: nullableText,
      groups: nullableText,
    }),
    saml_variant: z.string().nullable(),
    saml_join_groups: z.boolean(),
    auth_token_max_age_seconds: z.number().int().nullable(),
    auth_token_extend_when_used: z.boolean(),
    auto_join_user_group_id: z.null(),
    scim_enabled: z.boolean(),
    scim_url: z.null(),
    linked_domains: z.array(z.object({ domain_id: z.string(), domain_name: z.string() })),
    vendor: z.enum(samlVendors).meta({ description: 'Extension.' }),
    saml_certificates: z
      .array(
        z.object({
          certificate_id: z.string(),
          subject: z.string(),
          issuer: z.string(),
          not_valid_before: z.string(),
          not_valid_after: z.string(),
        }),
      )
      .meta({ description: 'Extension: every IdP certificate accepted now, for rotation.' }),
    saml_signup_url: z.string().meta({ description: 'Extension.' }),
    saml_account_link_url: z.string().meta({ description: 'Extension.' }),
  })
  .meta({ id: 'AuthenticationMethod', description: 'An identity provider of an organization.' });
export type AuthenticationMethodWire = z.infer<typeof authenticationMethodWireSchema>;
