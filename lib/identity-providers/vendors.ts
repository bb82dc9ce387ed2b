// The choices of an identity provider's forms (vendors, algorithms, mapped attributes), without
// zod: the Identity providers pages draw their forms with them at once, and schema.ts (which
// re-exports them) comes with zod after the page.

export const SAML_VENDORS = ['okta', 'azure_ad', 'google_workspace', 'auth0', 'onelogin', 'jumpcloud', 'fusionauth', 'custom'] as const;
export type SamlVendorName = (typeof SAML_VENDORS)[number];

export const VENDOR_LABELS: Record<SamlVendorName, string> = {
  okta: 'Okta',
  azure_ad: 'Azure AD (Microsoft Entra ID)',
  google_workspace: 'Google Workspace',
  auth0: 'Auth0',
  onelogin: 'OneLogin',
  jumpcloud: 'JumpCloud',
  fusionauth: 'FusionAuth',
  custom: 'Custom SAML 2.0',
};

export const DIGEST_ALGORITHMS = ['sha1', 'sha256', 'sha384', 'sha512'] as const;
export const SIGNATURE_ALGORITHMS = ['rsa-sha1', 'dsa-sha1', 'rsa-sha256', 'rsa-sha384', 'rsa-sha512'] as const;
export const MAPPED_FIELDS = ['email', 'first_name', 'last_name', 'real_name', 'identity', 'groups'] as const;
export type MappedField = (typeof MAPPED_FIELDS)[number];
