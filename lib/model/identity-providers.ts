import { eq, inArray } from 'drizzle-orm';
import { authenticationMethods } from '@/db/tables';
import type { Ctx } from '@/lib/context';
import { first } from '@/db/async';

/** The organization that owns an identity provider, or null when there is no such provider. */
export async function identityProviderOrganization(ctx: Ctx, methodId: string): Promise<string | null> {
  return (
    (await first(
      ctx.db
        .select({ organizationId: authenticationMethods.organizationId })
        .from(authenticationMethods)
        .where(eq(authenticationMethods.id, methodId))
        .limit(1),
    ))?.organizationId ?? null
  );
}

/**
 * The names of the identity providers that sign-in methods ("saml:<id>") name, by id: for
 * showing "SSO: Okta" where a token records "saml:am…". Other methods are skipped.
 */
export async function identityProviderNames(ctx: Ctx, methods: readonly string[]): Promise<Record<string, string>> {
  const ids = [...new Set(methods.filter((m) => m.startsWith('saml:')).map((m) => m.slice('saml:'.length)))];
  if (ids.length === 0) return {};
  const rows = await ctx.db
    .select({ id: authenticationMethods.id, name: authenticationMethods.name })
    .from(authenticationMethods)
    .where(inArray(authenticationMethods.id, ids));
  return Object.fromEntries(rows.map((row) => [row.id, row.name]));
}
