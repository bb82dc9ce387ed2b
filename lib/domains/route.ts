import { domainToASCII } from 'node:url';
import { and, asc, eq } from 'drizzle-orm';
import { type AuthenticationMethod } from '@/db/schema';
import { authenticationMethods, domainAuthenticationMethods, domains } from '@/db/tables';
import type { Ctx } from '@/lib/context';
import { first } from '@/db/async';

/**
 * The domain part of an email address, lower-cased and in its ASCII (punycode) form, as
 * domains are stored; null when there is none.
 */
export function emailDomain(email: string): string | null {
  const at = email.lastIndexOf('@');
  if (at < 1 || at === email.length - 1) return null;
  const domain = email.slice(at + 1).trim().toLowerCase().replace(/\.$/, '');
  if (!domain) return null;
  // An international name written in Unicode matches its stored ASCII form; a name that has
  // no ASCII form (invalid) stays as written and matches nothing.
  return domainToASCII(domain) || domain;
}

/**
 * The enabled SAML identity providers that an address's domain is linked to, through a domain
 * verified by the provider's organization: where "Sign in with SSO" by email sends the person.
 * Only the exact domain counts (a user at sub.example.com is not routed by example.com).
 */
export async function identityProvidersForEmail(ctx: Ctx, email: string): Promise<AuthenticationMethod[]> {
  const domain = emailDomain(email);
  if (!domain) return [];
  return (await ctx.db
    .select({ method: authenticationMethods })
    .from(domains)
    .innerJoin(domainAuthenticationMethods, eq(domainAuthenticationMethods.domainId, domains.id))
    .innerJoin(authenticationMethods, eq(authenticationMethods.id, domainAuthenticationMethods.methodId))
    .where(
      and(
        eq(domains.domainName, domain),
        eq(domains.state, 'verified'),
        // Only a provider of the organization that verified the domain may claim its people.
        eq(authenticationMethods.organizationId, domains.organizationId),
        eq(authenticationMethods.enabled, true),
        eq(authenticationMethods.type, 'saml'),
      ),
    )
    .orderBy(asc(authenticationMethods.createTime)))
    .map((row) => row.method);
}

/**
 * The organization that manages an address: the one that verified its domain, or null. New
 * users get it as their managing organization wherever they are created (sign-up, SSO,
 * invitations); verifying a domain sets it on the users already there.
 */
export async function managingOrganizationForEmail(ctx: Ctx, email: string): Promise<string | null> {
  const domain = emailDomain(email);
  if (!domain) return null;
  const row = await first(
    ctx.db
      .select({ organizationId: domains.organizationId })
      .from(domains)
      .where(and(eq(domains.domainName, domain), eq(domains.state, 'verified')))
      .limit(1),
  );
  return row?.organizationId ?? null;
}
