import { z } from 'zod';
import { COVERAGE_METHODS } from './coverage';
import { RECOMMENDATION_IDS } from './recommendations';

// The security overview's schema (GET /v1/organization/{organization_id}/security-overview, ours):
// securityOverviewToWire (wire.ts) is typed against it; the OpenAPI document uses it.

const count = z.number().int();

const tokenFiguresWireSchema = z
  .object({ total: count, without_expiry: count, without_ip_allowlist: count, unused_90_days: count, expiring_within_7_days: count })
  .meta({ id: 'SecurityOverviewTokenFigures', description: 'Tokens that still work: all, and those without expiry, without an IP allowlist, unused for 90 days, expiring within 7 days.' });

const byMethod = z.record(z.string(), count).meta({ description: 'Sign-ins by method (password, saml, google, microsoft, github).' });

export const securityOverviewWireSchema = z
  .object({
    organization_id: z.string(),
    generated_time: z.string(),
    sign_in_coverage: z.object({
      members: count,
      by_strongest_method: z
        .object({ sso: count, third_party: count, password_with_2fa: count, password_only: count, none: count })
        .meta({ description: 'Each member counted once, by the strongest way in that they hold and the policy allows.' }),
      by_method: z.object(Object.fromEntries(COVERAGE_METHODS.map((m) => [m, count])) as Record<(typeof COVERAGE_METHODS)[number], typeof count>).meta({
        description: 'Members per way in; a member with several counts in each.',
      }),
      password_members: count,
      password_members_with_2fa: count,
      managed: count,
      unmanaged: count,
    }),
    activity: z.object({
      since: z.string().meta({ description: 'The first day counted (30 days).' }),
      sign_ins: z.object({ total: count, by_method: byMethod, per_day: z.array(z.object({ day: z.string(), total: count, by_method: byMethod })) }),
      failed_sign_ins: z.object({
        total: count,
        by_reason: z.array(z.object({ reason: z.string(), count })),
        top_addresses: z.array(z.object({ ip: z.string(), count })),
      }),
    }),
    tokens: z.object({ personal: tokenFiguresWireSchema, application: tokenFiguresWireSchema }),
    identity_providers: z.object({
      total: count,
      enabled: count,
      certificates_expiring: z.array(
        z.object({
          authentication_method_id: z.string(),
          authentication_method_name: z.string(),
          certificate_id: z.string(),
          subject: z.string(),
          not_after: z.string(),
          expired: z.boolean(),
        }),
      ),
      enabled_never_used: z.array(z.object({ authentication_method_id: z.string(), authentication_method_name: z.string() })),
    }),
    domains: z.object({
      total: count,
      verified: count,
      needing_attention: z.array(
        z.object({ domain_id: z.string(), domain_name: z.string(), state: z.enum(['verified', 'unverified']), last_check_failed: z.boolean() }),
      ),
    }),
    recommendations: z.array(
      z.object({
        id: z.enum(RECOMMENDATION_IDS),
        severity: z.enum(['high', 'medium', 'low']),
        title: z.string(),
        detail: z.string(),
        action: z.object({ label: z.string(), href: z.string() }),
        policy_change: z.record(z.string(), z.unknown()).optional().meta({ description: 'The policy change that fixes it, as PATCH .../config/authentication takes it.' }),
      }),
    ),
  })
  .meta({ id: 'SecurityOverview' });
export type SecurityOverviewWire = z.infer<typeof securityOverviewWireSchema>;
