// What each provider's answer means for us: the stable subject, the address, and whether the
// provider vouches for the address. Pure functions over the claims or API responses, so the
// rules are tested without any provider.

export type ProviderIdentity = { subject: string; email: string | null; emailVerified: boolean; name: string };

type Claims = Record<string, unknown>;

const str = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim() : null);
const truthy = (value: unknown) => value === true || value === 'true' || value === 1 || value === '1';

/**
 * Google and Microsoft (OpenID Connect ID token claims). The subject is `sub`, never the address.
 * - Google: `email_verified`.
 * - Microsoft Entra ID: its `email` claim is whatever the tenant admin typed and is not verified;
 *   only the optional claim `xms_edov` ("email domain owner verified") vouches for it. A
 *   standard `email_verified: true` is honoured too. `preferred_username` is never used as an
 *   address: it is not verified either.
 */
export function oidcIdentity(provider: 'google' | 'microsoft', claims: Claims): ProviderIdentity {
  const email = str(claims.email)?.toLowerCase() ?? null;
  const emailVerified = provider === 'microsoft' ? truthy(claims.xms_edov) || claims.email_verified === true : truthy(claims.email_verified);
  return { subject: str(claims.sub) ?? '', email, emailVerified: Boolean(email) && emailVerified, name: str(claims.name) ?? '' };
}

export type GitHubUser = { id?: unknown; login?: unknown; name?: unknown; email?: unknown };
export type GitHubEmail = { email?: unknown; primary?: unknown; verified?: unknown };

/**
 * GitHub: the numeric account id is the subject (logins can be renamed). The address is the one
 * /user/emails marks primary and verified; the public profile address says nothing about
 * verification, so without a verified primary the address counts as unverified.
 */
export function githubIdentity(user: GitHubUser, emails: readonly GitHubEmail[] | null): ProviderIdentity {
  const subject = typeof user.id === 'number' || typeof user.id === 'string' ? String(user.id) : '';
  const name = str(user.name) ?? str(user.login) ?? '';
  const primary = (emails ?? []).find((e) => e.primary === true && str(e.email));
  if (primary && primary.verified === true) return { subject, email: str(primary.email)!.toLowerCase(), emailVerified: true, name };
  const fallback = str(primary?.email) ?? str(user.email);
  return { subject, email: fallback?.toLowerCase() ?? null, emailVerified: false, name };
}
