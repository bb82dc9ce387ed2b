import { z } from 'zod';
import type { Env } from '@/lib/env';
import { THIRD_PARTY_LABELS } from '@/lib/policy/policy';

// Which third-party sign-in providers this install offers, read from the environment. Plain
// data: app/_lib/auth-options.ts turns it into next-auth providers, the sign-in page into
// buttons. A provider is configured when both its client id and secret are set.

export const OAUTH_PROVIDERS = ['google', 'microsoft', 'github'] as const;
export type OAuthProviderId = (typeof OAUTH_PROVIDERS)[number];

export const OAUTH_PROVIDER_LABELS: Record<OAuthProviderId, string> = THIRD_PARTY_LABELS;

export function isOAuthProvider(value: unknown): value is OAuthProviderId {
  return typeof value === 'string' && (OAUTH_PROVIDERS as readonly string[]).includes(value);
}

type Client = { clientId: string; clientSecret: string };

/** An OpenID Connect provider found through `${issuer}/.well-known/openid-configuration`. */
export type OidcProviderConfig = Client & { id: 'google' | 'microsoft'; issuer: string };

/** GitHub speaks plain OAuth 2.0: fixed endpoints, and a REST API for the profile. */
export type GitHubProviderConfig = Client & { id: 'github'; authorizationUrl: string; tokenUrl: string; apiUrl: string };

export type OAuthProviderConfig = OidcProviderConfig | GitHubProviderConfig;

export const DEFAULT_GOOGLE_ISSUER = 'https://accounts.google.com';
export const DEFAULT_MICROSOFT_TENANT = 'organizations';
export const DEFAULT_GITHUB = {
  authorizationUrl: 'https://github.com/login/oauth/authorize',
  tokenUrl: 'https://github.com/login/oauth/access_token',
  apiUrl: 'https://api.github.com',
};

const url = z
  .string()
  .trim()
  .url()
  .refine((value) => /^https?:\/\//i.test(value), 'must be an http or https URL')
  .transform((value) => value.replace(/\/+$/, ''));
const tenant = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9.-]+$/, 'must be a tenant id, a domain, or common / organizations / consumers');

/**
 * Entra ID's issuer for a tenant. For the multi-tenant values ("common", "organizations",
 * "consumers") the discovery document names `https://login.microsoftonline.com/{tenantid}/v2.0`
 * and openid-client checks each ID token's `iss` against it with the token's own `tid`.
 */
export function microsoftIssuer(tenantId: string): string {
  return `https://login.microsoftonline.com/${tenantId}/v2.0`;
}

function client(env: Env, prefix: string): Client | null {
  const clientId = env[`${prefix}_CLIENT_ID`]?.trim();
  const clientSecret = env[`${prefix}_CLIENT_SECRET`]?.trim();
  if (!clientId && !clientSecret) return null;
  if (!clientId || !clientSecret) {
    throw new Error(`${prefix}_CLIENT_ID and ${prefix}_CLIENT_SECRET must be set together`);
  }
  return { clientId, clientSecret };
}

function parse<T>(schema: z.ZodType<T>, name: string, value: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`${name} ${result.error.issues[0]?.message ?? 'is invalid'}: ${value}`);
  return result.data;
}

/**
 * The configured providers, in button order. Throws on a half-set or malformed configuration:
 * a typo must not silently turn a sign-in method off (or point it somewhere else).
 */
export function oauthProvidersFromEnv(env: Env): OAuthProviderConfig[] {
  const providers: OAuthProviderConfig[] = [];
  const google = client(env, 'GOOGLE');
  if (google) {
    const issuer = env.GOOGLE_ISSUER ? parse(url, 'GOOGLE_ISSUER', env.GOOGLE_ISSUER) : DEFAULT_GOOGLE_ISSUER;
    providers.push({ id: 'google', ...google, issuer });
  }
  const microsoft = client(env, 'MICROSOFT');
  if (microsoft) {
    const issuer = env.MICROSOFT_ISSUER
      ? parse(url, 'MICROSOFT_ISSUER', env.MICROSOFT_ISSUER)
      : microsoftIssuer(parse(tenant, 'MICROSOFT_TENANT_ID', env.MICROSOFT_TENANT_ID || DEFAULT_MICROSOFT_TENANT));
    providers.push({ id: 'microsoft', ...microsoft, issuer });
  }
  const github = client(env, 'GITHUB');
  if (github) {
    providers.push({
      id: 'github',
      ...github,
      authorizationUrl: env.GITHUB_AUTHORIZATION_URL ? parse(url, 'GITHUB_AUTHORIZATION_URL', env.GITHUB_AUTHORIZATION_URL) : DEFAULT_GITHUB.authorizationUrl,
      tokenUrl: env.GITHUB_TOKEN_URL ? parse(url, 'GITHUB_TOKEN_URL', env.GITHUB_TOKEN_URL) : DEFAULT_GITHUB.tokenUrl,
      apiUrl: env.GITHUB_API_URL ? parse(url, 'GITHUB_API_URL', env.GITHUB_API_URL) : DEFAULT_GITHUB.apiUrl,
    });
  }
  return providers;
}

/** The ids of the configured providers, for buttons; never throws (a bad configuration shows none). */
export function configuredOAuthProviders(env: Env): OAuthProviderId[] {
  try {
    return oauthProvidersFromEnv(env).map((p) => p.id);
  } catch {
    return [];
  }
}

/** How a brand-new person may be created by a third-party sign-in (OAUTH_SIGN_UP). */
export type OAuthSignUpMode = 'invited' | 'open';

export function oauthSignUpMode(env: Env): OAuthSignUpMode {
  return env.OAUTH_SIGN_UP?.trim().toLowerCase() === 'open' ? 'open' : 'invited';
}
