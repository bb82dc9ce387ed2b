import { isConfigured, type MethodView } from './manage';
import { spUrls } from './urls';
import type { AuthenticationMethodWire, SamlOptionsWire } from './wire-schema';

/** The SAML switches and algorithms, as the API and the console's Options form both name them. */
export function samlOptionsToWire(method: MethodView['method']): SamlOptionsWire {
  return {
    saml_idp_login_allowed: method.samlIdpLoginAllowed,
    saml_assertion_signed_enabled: method.samlAssertionSignedEnabled,
    saml_authn_requests_signed_enabled: method.samlAuthnRequestsSignedEnabled,
    saml_requested_authn_context_enabled: method.samlRequestedAuthnContextEnabled,
    saml_digest_algorithm: method.samlDigestAlgorithm,
    saml_signature_algorithm: method.samlSignatureAlgorithm,
  };
}

/**
 * The authentication method object of the API. Upstream has one certificate: its fields show the
 * newest; `saml_certificates` (ours) lists every certificate accepted now, for rotation.
 */
export function methodToWire({ method, certificates, linkedDomains }: MethodView, organization: { id: string; accountId: string }, baseUrl: string): AuthenticationMethodWire {
  const urls = spUrls(baseUrl, organization.accountId, method.id);
  const newest = certificates.at(-1) ?? null;
  return {
    account_id: organization.accountId,
    organization_id: organization.id,
    authentication_method_id: method.id,
    authentication_method_name: method.name,
    authentication_method_type: method.type,
    authentication_method_enabled: method.enabled,
    state: isConfigured(method, certificates) ? 'active' : 'pending_configuration',
    create_time: method.createTime,
    update_time: method.updateTime,
    delete_time: null,
    saml_acs_url: urls.acsUrl,
    saml_metadata_url: urls.metadataUrl,
    saml_idp_url: method.samlIdpUrl,
    saml_entity_id: method.samlEntityId,
    saml_certificate: newest?.pem ?? null,
    saml_certificate_issuer: newest?.issuer ?? null,
    saml_certificate_subject: newest?.subject ?? null,
    saml_certificate_not_valid_before: newest?.notBefore ?? null,
    saml_certificate_not_valid_after: newest?.notAfter ?? null,
    saml_sp_certificate: method.spCertificate,
    ...samlOptionsToWire(method),
    saml_field_mapping: method.samlFieldMapping,
    saml_variant: method.samlVariant,
    saml_join_groups: false,
    auth_token_max_age_seconds: method.authTokenMaxAgeSeconds,
    auth_token_extend_when_used: method.authTokenExtendWhenUsed,
    auto_join_user_group_id: null,
    scim_enabled: false,
    scim_url: null,
    linked_domains: linkedDomains.map((d) => ({ domain_id: d.domainId, domain_name: d.domainName })),
    // Extensions.
    vendor: method.vendor,
    saml_certificates: certificates.map((c) => ({
      certificate_id: c.id,
      subject: c.subject,
      issuer: c.issuer,
      not_valid_before: c.notBefore,
      not_valid_after: c.notAfter,
    })),
    saml_signup_url: urls.signupUrl,
    saml_account_link_url: urls.linkUrl,
  };
}
