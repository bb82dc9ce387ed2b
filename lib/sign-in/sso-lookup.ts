import { and, asc, eq, or } from 'drizzle-orm';
import { authenticationMethods, organizations, samlCertificates } from '@/db/tables';
import type { Ctx } from '@/lib/context';
import { emailDomain, identityProvidersForEmail } from '@/lib/domains/route';
import { AppError, parseInput } from '@/lib/errors';
import { ssoLookupSchema } from '@/lib/identity-providers/schema';
import { spUrls } from '@/lib/identity-providers/urls';
import { first } from '@/db/async';

// "Sign in with SSO" on the sign-in page: which identity providers to offer, found by the
// person's email (its verified domain's linked providers) or by organization ID.

export type SsoChoice = { name: string; loginUrl: string };

export async function findSsoProviders({ ctx, input, baseUrl }: { ctx: Ctx; input: unknown; baseUrl: string }): Promise<SsoChoice[]> {
  const parsed = parseInput(ssoLookupSchema, input);
  if ('email' in parsed) {
    const methods = await identityProvidersForEmail(ctx, parsed.email);
    if (methods.length === 0) {
      const domain = emailDomain(parsed.email) ?? parsed.email;
      throw new AppError('not_found', `No single sign-on is set up for ${domain}. Sign in with your password, or ask your organization's admin for its organization ID.`, {
        email: [`No single sign-on is set up for ${domain}.`],
      });
    }
    return await Promise.all(
      methods.map(async (method) => {
        const organization = (await first(ctx.db.select({ accountId: organizations.accountId }).from(organizations).where(eq(organizations.id, method.organizationId)).limit(1)))!;
        return { name: method.name, loginUrl: spUrls(baseUrl, organization.accountId, method.id).loginUrl };
      }),
    );
  }
  const organization = await first(
    ctx.db
      .select()
      .from(organizations)
      .where(or(eq(organizations.id, parsed.organization), eq(organizations.accountId, parsed.organization)))
      .limit(1),
  );
  const methods = organization
    ? await ctx.db
        .selectDistinct({ id: authenticationMethods.id, name: authenticationMethods.name })
        .from(authenticationMethods)
        .innerJoin(samlCertificates, eq(samlCertificates.methodId, authenticationMethods.id))
        .where(and(eq(authenticationMethods.organizationId, organization.id), eq(authenticationMethods.enabled, true), eq(authenticationMethods.type, 'saml')))
        .orderBy(asc(authenticationMethods.name))
    : [];
  if (!organization || methods.length === 0) {
    // The same answer for an unknown organization and one without SSO: IDs are not probed.
    throw new AppError('not_found', 'This organization has no single sign-on set up. Check the organization ID with your admin.', {
      organization: ['No single sign-on for this organization ID.'],
    });
  }
  return methods.map((m) => ({ name: m.name, loginUrl: spUrls(baseUrl, organization.accountId, m.id).loginUrl }));
}
