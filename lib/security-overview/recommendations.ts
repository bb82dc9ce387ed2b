import type { Policy } from '@/lib/policy/policy';
import type { Coverage } from './coverage';
import type { IdentityFigures } from './identity';
import type { Tokens } from './tokens';

// The checklist: what to fix next, most urgent first, each with where it is fixed. Computed from
// the figures and the policy only, so that the API and the page say the same thing.

export const RECOMMENDATION_IDS = [
  'replace_expired_certificates',
  'require_two_factor',
  'revoke_unused_tokens',
  'expire_tokens',
  'restrict_ip_allowlist',
  'renew_expiring_certificates',
  'fix_domains',
  'review_unused_providers',
  'give_members_a_way_in',
] as const;
export type RecommendationId = (typeof RECOMMENDATION_IDS)[number];

export type Recommendation = {
  id: RecommendationId;
  severity: 'high' | 'medium' | 'low';
  title: string;
  detail: string;
  /** What fixes it: the action's label and the console page that does it. */
  action: { label: string; href: string };
  /** For a policy change: the change the policy page proposes (and previews) when followed. */
  policyChange?: Record<string, unknown>;
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function recommend({ policy, coverage, tokens, identity }: { policy: Policy; coverage: Coverage; tokens: Tokens; identity: IdentityFigures }): Recommendation[] {
  const list: Recommendation[] = [];
  const expired = identity.certificates.filter((c) => c.expired);
  const expiring = identity.certificates.filter((c) => !c.expired);
  const providerHref = (methodId: string) => `/admin/identity-providers/${encodeURIComponent(methodId)}`;

  if (expired.length) {
    list.push({
      id: 'replace_expired_certificates',
      severity: 'high',
      title: `Replace ${plural(expired.length, 'expired certificate')}`,
      detail: `${[...new Set(expired.map((c) => c.methodName))].join(', ')}: sign-ins through an identity provider fail once its certificate has expired.`,
      action: { label: 'Open the identity provider', href: providerHref(expired[0]!.methodId) },
    });
  }
  const passwordAlone = coverage.byStrength.password_only;
  if (policy.passwordAuthEnabled && !policy.twoFactorRequired && passwordAlone > 0) {
    list.push({
      id: 'require_two_factor',
      severity: 'high',
      title: 'Require 2FA',
      detail: `${plural(passwordAlone, 'member signs', 'members sign')} in with a password alone.`,
      action: { label: 'Require two-factor authentication', href: '/admin/authentication-policy?propose=two_factor_required' },
      policyChange: { two_factor_required: true },
    });
  }
  const unused = tokens.personal.unused + tokens.application.unused;
  if (unused > 0) {
    list.push({
      id: 'revoke_unused_tokens',
      severity: 'medium',
      title: `Revoke ${plural(unused, 'unused token')}`,
      detail: `${plural(unused, 'token has', 'tokens have')} not been used for 90 days.`,
      action: { label: 'Revoke unused tokens…', href: '/admin/security/tokens?filter=unused' },
    });
  }
  const neverExpire = tokens.personal.no_expiry + tokens.application.no_expiry;
  if (neverExpire > 0) {
    list.push({
      id: 'expire_tokens',
      severity: 'medium',
      title: `${plural(neverExpire, 'token never expires', 'tokens never expire')}`,
      detail: 'A token without an expiry works until someone revokes it, leaked or not.',
      action: { label: 'Review the tokens', href: '/admin/security/tokens?filter=no_expiry' },
    });
  }
  if (policy.ipAllowlist.length === 0) {
    list.push({
      id: 'restrict_ip_allowlist',
      severity: 'medium',
      title: 'Restrict the API to your networks',
      detail: 'The organization has no IP allowlist: its members and tokens are accepted from any address.',
      action: { label: 'Set an IP allowlist', href: '/admin/authentication-policy#ip-allowlist' },
    });
  }
  if (expiring.length) {
    list.push({
      id: 'renew_expiring_certificates',
      severity: 'medium',
      title: `Renew ${plural(expiring.length, 'certificate')} expiring within 30 days`,
      detail: `${[...new Set(expiring.map((c) => c.methodName))].join(', ')}: add the new certificate before the old one expires.`,
      action: { label: 'Open the identity provider', href: providerHref(expiring[0]!.methodId) },
    });
  }
  if (identity.domains.attention.length) {
    const n = identity.domains.attention.length;
    list.push({
      id: 'fix_domains',
      severity: 'low',
      title: `Verify ${plural(n, 'domain')}`,
      detail: `${identity.domains.attention.map((d) => d.domainName).join(', ')}: not verified, or the last check failed.`,
      action: { label: 'Open domains', href: '/admin/domains' },
    });
  }
  if (identity.unusedProviders.length) {
    list.push({
      id: 'review_unused_providers',
      severity: 'low',
      title: `Review ${plural(identity.unusedProviders.length, 'identity provider')} nobody has used`,
      detail: `${identity.unusedProviders.map((p) => p.name).join(', ')}: enabled, but nobody has signed in through it yet.`,
      action: { label: 'Open the identity provider', href: providerHref(identity.unusedProviders[0]!.methodId) },
    });
  }
  if (coverage.byStrength.none > 0) {
    list.push({
      id: 'give_members_a_way_in',
      severity: 'low',
      title: `${plural(coverage.byStrength.none, 'member has', 'members have')} no way to sign in`,
      detail: 'Under the current policy, none of their sign-in methods is allowed.',
      action: { label: 'See who', href: '/admin/security/members?filter=none' },
    });
  }
  return list;
}
