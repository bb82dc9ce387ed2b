import type { Organization, PersonalTokenMode, Token } from '@/db/schema';
import type { ParsedPolicyPatch } from './schema';
import type { PolicyWire } from './wire-schema';

// The authentication policy as plain data, and the decisions it makes. Pure functions: the
// request gate, sign-in, token creation, the lockout guard and the impact preview all ask these.

export type Policy = Pick<
  Organization,
  | 'passwordAuthEnabled'
  | 'twoFactorRequired'
  | 'oauthEnabled'
  | 'oauthGoogleEnabled'
  | 'oauthMicrosoftEnabled'
  | 'oauthGithubEnabled'
  | 'samlEnabled'
  | 'samlAllowExternal'
  | 'personalTokensMode'
  | 'personalTokensRequireAllowedAuthMethod'
  | 'mcpEnabled'
  | 'ipAllowlist'
>;

export function policyOf(organization: Organization): Policy {
  const { passwordAuthEnabled, twoFactorRequired, oauthEnabled, oauthGoogleEnabled, oauthMicrosoftEnabled, oauthGithubEnabled } =
    organization;
  const { samlEnabled, samlAllowExternal, personalTokensMode, personalTokensRequireAllowedAuthMethod, mcpEnabled, ipAllowlist } =
    organization;
  return {
    passwordAuthEnabled,
    twoFactorRequired,
    oauthEnabled,
    oauthGoogleEnabled,
    oauthMicrosoftEnabled,
    oauthGithubEnabled,
    samlEnabled,
    samlAllowExternal,
    personalTokensMode,
    personalTokensRequireAllowedAuthMethod,
    mcpEnabled,
    ipAllowlist,
  };
}

/** The policy after a PATCH: given fields replace, absent ones stay. */
export function applyPatch(policy: Policy, patch: ParsedPolicyPatch): Policy {
  let personalTokensMode: PersonalTokenMode = patch.personal_tokens_mode ?? policy.personalTokensMode;
  if (patch.personal_tokens_mode === undefined && patch.personal_tokens_enabled !== undefined) {
    // Upstream's boolean: true enables; false keeps a "disabled" mode already chosen, and
    // otherwise disables personal tokens for all.
    personalTokensMode = patch.personal_tokens_enabled ? 'enabled' : policy.personalTokensMode === 'enabled' ? 'disabled' : policy.personalTokensMode;
  }
  return {
    passwordAuthEnabled: patch.password_auth_enabled ?? policy.passwordAuthEnabled,
    twoFactorRequired: patch.two_factor_required ?? policy.twoFactorRequired,
    oauthEnabled: patch.oauth_enabled ?? policy.oauthEnabled,
    oauthGoogleEnabled: patch.oauth_google_enabled ?? policy.oauthGoogleEnabled,
    oauthMicrosoftEnabled: patch.oauth_microsoft_enabled ?? policy.oauthMicrosoftEnabled,
    oauthGithubEnabled: patch.oauth_github_enabled ?? policy.oauthGithubEnabled,
    samlEnabled: patch.saml_enabled ?? policy.samlEnabled,
    samlAllowExternal: patch.saml_allow_external ?? policy.samlAllowExternal,
    personalTokensMode,
    personalTokensRequireAllowedAuthMethod:
      patch.personal_tokens_require_allowed_auth_method ?? policy.personalTokensRequireAllowedAuthMethod,
    mcpEnabled: patch.mcp_enabled ?? policy.mcpEnabled,
    ipAllowlist: patch.ip_allowlist ?? policy.ipAllowlist,
  };
}

/** The policy object of the API (upstream fields first, then our extensions). */
export function policyToWire(policy: Policy): PolicyWire {
  return {
    password_auth_enabled: policy.passwordAuthEnabled,
    two_factor_required: policy.twoFactorRequired,
    oauth_enabled: policy.oauthEnabled,
    saml_enabled: policy.samlEnabled,
    saml_allow_external: policy.samlAllowExternal,
    personal_tokens_enabled: policy.personalTokensMode !== 'disabled',
    personal_tokens_require_allowed_auth_method: policy.personalTokensRequireAllowedAuthMethod,
    mcp_enabled: policy.mcpEnabled,
    // Extensions.
    oauth_google_enabled: policy.oauthGoogleEnabled,
    oauth_microsoft_enabled: policy.oauthMicrosoftEnabled,
    oauth_github_enabled: policy.oauthGithubEnabled,
    personal_tokens_mode: policy.personalTokensMode,
    ip_allowlist: policy.ipAllowlist,
  };
}

export const SIGN_IN_METHODS = ['password', 'google', 'microsoft', 'github', 'saml'] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

/** The third-party sign-in providers' names as people write them: the one list every page and message uses. */
export const THIRD_PARTY_LABELS = { google: 'Google', microsoft: 'Microsoft', github: 'GitHub' } as const;

export const METHOD_LABELS: Record<SignInMethod, string> = {
  password: 'password',
  ...THIRD_PARTY_LABELS,
  saml: 'SAML single sign-on',
};

/**
 * Where a method is judged: the organization whose policy it is, and for a session made through
 * an identity provider ("saml:<authentication_method_id>") the organization that owns that
 * provider (null when the provider is gone).
 */
export type MethodContext = { organizationId?: string; idpOrganizationId?: string | null };

/** "saml:am123" → "am123"; null for every other method. */
export function samlMethodIdOf(method: string): string | null {
  return method.startsWith('saml:') && method.length > 5 ? method.slice(5) : null;
}

/** The policy's name for a method: "saml:<id>" is judged as "saml". */
const baseMethod = (method: string) => (samlMethodIdOf(method) ? 'saml' : method);

/**
 * A sign-in method as people read it: "Google", "password", and for a sign-in through an
 * identity provider "SSO: <its name>" (its id when the name is not known, e.g. once deleted).
 */
export function signInMethodLabel(method: string, identityProviderNames: Record<string, string> = {}): string {
  const methodId = samlMethodIdOf(method);
  if (methodId) return `SSO: ${identityProviderNames[methodId] ?? methodId}`;
  return METHOD_LABELS[method as SignInMethod] ?? method;
}

/**
 * Whether the policy lets people sign in with a method. Unknown methods are never allowed.
 * A sign-in through a particular identity provider ("saml:<id>") also needs, while the policy
 * refuses other organizations' providers, the provider to belong to this organization: without
 * the context to tell, it is refused.
 */
export function methodAllowed(policy: Policy, method: string, where: MethodContext = {}): boolean {
  if (samlMethodIdOf(method)) {
    if (!policy.samlEnabled) return false;
    if (policy.samlAllowExternal) return true;
    return where.organizationId !== undefined && !!where.idpOrganizationId && where.idpOrganizationId === where.organizationId;
  }
  switch (method) {
    case 'password':
      return policy.passwordAuthEnabled;
    case 'google':
      return policy.oauthEnabled && policy.oauthGoogleEnabled;
    case 'microsoft':
      return policy.oauthEnabled && policy.oauthMicrosoftEnabled;
    case 'github':
      return policy.oauthEnabled && policy.oauthGithubEnabled;
    case 'saml':
      return policy.samlEnabled;
    default:
      return false;
  }
}

export function allowedMethods(policy: Policy): SignInMethod[] {
  return SIGN_IN_METHODS.filter((method) => methodAllowed(policy, method));
}

/** "Allowed methods: Google, SAML single sign-on." or "No sign-in method is allowed." */
export function describeAllowedMethods(policy: Policy): string {
  const allowed = allowedMethods(policy);
  return allowed.length ? `Allowed methods: ${allowed.map((m) => METHOD_LABELS[m]).join(', ')}.` : 'No sign-in method is allowed.';
}

/** A method's name for people: "saml:<id>" reads as SAML single sign-on. */
export const methodLabel = (method: string): string => METHOD_LABELS[baseMethod(method) as SignInMethod] ?? method;

/** Why a session through another organization's identity provider is refused, or null. */
function externalIdpRefusal(policy: Policy, method: string, where: MethodContext): string | null {
  if (!samlMethodIdOf(method) || !policy.samlEnabled || methodAllowed(policy, method, where)) return null;
  return `does not allow sign-in through identity providers of other organizations. ${describeAllowedMethods(policy)}`;
}

/**
 * Why the policy refuses a token for the organization's resources, or null if it does not.
 * - Application tokens: never refused here (only IP allowlists apply to them).
 * - Login sessions: the method they were created with must be allowed, always: a sign-in
 *   method the organization does not allow never opens its resources.
 * - Personal tokens: refused in both "disabled" modes, whoever owns them. "Disabled for managed
 *   users" differs from "disabled for all" only in who may create one (see
 *   personalTokenCreationRefusal): a user the organization does not manage may make personal
 *   tokens for their other organizations, but no personal token reaches this one's resources
 *   (seed 000: "they still can't use them to access your organization"). Whether the owner is
 *   managed is deliberately not an input here. With method enforcement on, their method must be
 *   allowed.
 */
export function tokenRefusal(policy: Policy, token: Pick<Token, 'kind' | 'authMethod'>, where: MethodContext = {}): string | null {
  switch (token.kind) {
    case 'application':
      return null;
    case 'session':
      if (methodAllowed(policy, token.authMethod, where)) return null;
      return (
        externalIdpRefusal(policy, token.authMethod, where) ??
        `does not allow sign-in with ${methodLabel(token.authMethod)}. ${describeAllowedMethods(policy)}`
      );
    case 'personal':
      if (policy.personalTokensMode === 'disabled') return 'does not allow personal tokens; use an application user';
      if (policy.personalTokensMode === 'disabled_for_managed') return PERSONAL_TOKENS_FOR_ELSEWHERE_ONLY;
      if (policy.personalTokensRequireAllowedAuthMethod && !methodAllowed(policy, token.authMethod, where)) {
        return `only accepts tokens created after signing in with an allowed method, and this one was created with ${methodLabel(token.authMethod)}. ${describeAllowedMethods(policy)}`;
      }
      return null;
  }
}

/** The refusal of every personal token under "disabled for managed users". */
export const PERSONAL_TOKENS_FOR_ELSEWHERE_ONLY =
  'does not accept personal tokens: only users it does not manage may create them, for use with other organizations; use an application user';

/** Why the policy refuses creating a personal token, or null. */
export function personalTokenCreationRefusal(policy: Policy, { managedByThisOrganization }: { managedByThisOrganization: boolean }) {
  if (policy.personalTokensMode === 'disabled') return 'does not allow personal tokens; use an application user';
  if (policy.personalTokensMode === 'disabled_for_managed' && managedByThisOrganization) {
    return 'does not allow its managed users to create personal tokens';
  }
  return null;
}
