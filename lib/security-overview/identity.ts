import { X509Certificate } from 'node:crypto';
import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import { authenticationMethods, domains, externalIdentities, samlCertificates } from '@/db/tables';
import { iso, type Ctx } from '@/lib/context';

// Identity providers and domains: the IdP signing certificates that expired or expire within 30
// days, the providers enabled but never used to sign in, and the domains not verified or whose
// last check failed. An organization has a handful of each: these read them all.

export const CERTIFICATE_WARNING_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

export type CertificateFigure = { methodId: string; methodName: string; certificateId: string; subject: string; notAfter: string; expired: boolean };
export type IdentityFigures = {
  providers: { total: number; enabled: number };
  /** Certificates that expired, then those expiring within 30 days, soonest first. */
  certificates: CertificateFigure[];
  /** Enabled providers nobody has signed in through yet. */
  unusedProviders: { methodId: string; name: string }[];
  /** `attention`: the domains not verified, or whose last check failed (a verified one's too). */
  domains: { total: number; verified: number; attention: { domainId: string; domainName: string; verified: boolean; lastCheckFailed: boolean }[] };
};

/**
 * When the certificate stops being valid, read from the certificate itself (node:crypto), not
 * trusted from the stored column; the column is the fallback for a PEM that does not parse.
 */
export function certificateNotAfter(pem: string, stored: string): string {
  try {
    return iso(new Date(new X509Certificate(pem).validTo));
  } catch {
    return stored;
  }
}

export async function identityFigures(ctx: Ctx, organizationId: string): Promise<IdentityFigures> {
  const methods = await ctx.db
    .select({ id: authenticationMethods.id, name: authenticationMethods.name, enabled: authenticationMethods.enabled })
    .from(authenticationMethods)
    .where(and(eq(authenticationMethods.organizationId, organizationId), eq(authenticationMethods.type, 'saml')))
    .orderBy(asc(authenticationMethods.name));
  const certificates = await ctx.db
    .select({ id: samlCertificates.id, methodId: samlCertificates.methodId, pem: samlCertificates.pem, subject: samlCertificates.subject, notAfter: samlCertificates.notAfter })
    .from(samlCertificates)
    .innerJoin(authenticationMethods, eq(authenticationMethods.id, samlCertificates.methodId))
    .where(eq(authenticationMethods.organizationId, organizationId));
  // A provider is used once someone signed in through it: the sign-in stamps the linked identity.
  const used = new Set(
    (await ctx.db
      .selectDistinct({ provider: externalIdentities.provider })
      .from(externalIdentities)
      .innerJoin(authenticationMethods, eq(externalIdentities.provider, sql`'saml:' || ${authenticationMethods.id}`))
      .where(and(eq(authenticationMethods.organizationId, organizationId), isNotNull(externalIdentities.lastUsedTime))))
      .map((row) => row.provider),
  );
  const domainRows = await ctx.db
    .select({ id: domains.id, domainName: domains.domainName, state: domains.state, lastCheckResult: domains.lastCheckResult })
    .from(domains)
    .where(eq(domains.organizationId, organizationId))
    .orderBy(asc(domains.domainName));

  const nameOf = new Map(methods.map((m) => [m.id, m.name]));
  const now = iso(ctx.now);
  const warnFrom = iso(new Date(ctx.now.getTime() + CERTIFICATE_WARNING_DAYS * DAY_MS));
  const certificateFigures = certificates
    .map((c) => ({ methodId: c.methodId, methodName: nameOf.get(c.methodId) ?? c.methodId, certificateId: c.id, subject: c.subject, notAfter: certificateNotAfter(c.pem, c.notAfter) }))
    .filter((c) => c.notAfter <= warnFrom)
    .map((c) => ({ ...c, expired: c.notAfter <= now }))
    .sort((a, b) => a.notAfter.localeCompare(b.notAfter) || a.certificateId.localeCompare(b.certificateId));
  const attention = domainRows
    .map((d) => ({ domainId: d.id, domainName: d.domainName, verified: d.state === 'verified', lastCheckFailed: d.lastCheckResult !== null && d.lastCheckResult.status !== 'verified' }))
    .filter((d) => !d.verified || d.lastCheckFailed);
  return {
    providers: { total: methods.length, enabled: methods.filter((m) => m.enabled).length },
    certificates: certificateFigures,
    unusedProviders: methods.filter((m) => m.enabled && !used.has(`saml:${m.id}`)).map((m) => ({ methodId: m.id, name: m.name })),
    domains: { total: domainRows.length, verified: domainRows.filter((d) => d.state === 'verified').length, attention },
  };
}
