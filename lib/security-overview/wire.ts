import { iso } from '@/lib/context';
import type { SecurityOverview } from './overview';
import type { TokenFigures } from './tokens';
import type { SecurityOverviewWire } from './wire-schema';

// GET /v1/organization/{organization_id}/security-overview: our own object, snake_case like the
// rest of the API. Lists (addresses, certificates, domains) are short; no tokens or members are
// listed, only counted.

const tokenFiguresToWire = (f: TokenFigures) => ({
  total: f.all,
  without_expiry: f.no_expiry,
  without_ip_allowlist: f.no_ip_allowlist,
  unused_90_days: f.unused,
  expiring_within_7_days: f.expiring,
});

export function securityOverviewToWire(overview: SecurityOverview): SecurityOverviewWire {
  const { coverage, activity, tokens, identity } = overview;
  return {
    organization_id: overview.organizationId,
    generated_time: iso(overview.generatedTime),
    sign_in_coverage: {
      members: coverage.members,
      by_strongest_method: {
        sso: coverage.byStrength.sso,
        third_party: coverage.byStrength.third_party,
        password_with_2fa: coverage.byStrength.password_2fa,
        password_only: coverage.byStrength.password_only,
        none: coverage.byStrength.none,
      },
      by_method: { ...coverage.byMethod },
      password_members: coverage.password.members,
      password_members_with_2fa: coverage.password.withTwoFactor,
      managed: coverage.managed,
      unmanaged: coverage.unmanaged,
    },
    activity: {
      since: activity.since,
      sign_ins: {
        total: activity.signIns.total,
        by_method: activity.signIns.byMethod,
        per_day: activity.days.map((d) => ({ day: d.day, total: d.total, by_method: d.byMethod })),
      },
      failed_sign_ins: {
        total: activity.failures.total,
        by_reason: activity.failures.byReason.map((r) => ({ reason: r.reason, count: r.count })),
        top_addresses: activity.topFailureAddresses.map((a) => ({ ip: a.ip, count: a.count })),
      },
    },
    tokens: { personal: tokenFiguresToWire(tokens.personal), application: tokenFiguresToWire(tokens.application) },
    identity_providers: {
      total: identity.providers.total,
      enabled: identity.providers.enabled,
      certificates_expiring: identity.certificates.map((c) => ({
        authentication_method_id: c.methodId,
        authentication_method_name: c.methodName,
        certificate_id: c.certificateId,
        subject: c.subject,
        not_after: c.notAfter,
        expired: c.expired,
      })),
      enabled_never_used: identity.unusedProviders.map((p) => ({ authentication_method_id: p.methodId, authentication_method_name: p.name })),
    },
    domains: {
      total: identity.domains.total,
      verified: identity.domains.verified,
      needing_attention: identity.domains.attention.map((d) => ({
        domain_id: d.domainId,
        domain_name: d.domainName,
        state: d.verified ? 'verified' : 'unverified',
        last_check_failed: d.lastCheckFailed,
      })),
    },
    recommendations: overview.recommendations.map((r) => ({
      id: r.id,
      severity: r.severity,
      title: r.title,
      detail: r.detail,
      action: { label: r.action.label, href: r.action.href },
      ...(r.policyChange ? { policy_change: r.policyChange } : {}),
    })),
  };
}

