import { randomBytes } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { type AuthenticationMethod, type Organization } from '@/db/schema';
import { authenticationMethods, organizations, samlRequests } from '@/db/tables';
import type { MembershipWithOrg } from '@/lib/call';
import { type Ctx, inTransaction, iso } from '@/lib/context';
import { SamlError } from './errors';
import { certificatesOf, isConfigured } from '@/lib/identity-providers/manage';
import type { SamlPurpose } from '@/lib/identity-providers/schema';
import { spUrls } from '@/lib/identity-providers/urls';
import { first } from '@/db/async';

// SP-initiated sign-in: record an AuthnRequest ID (the response must name it in InResponseTo, once)
// and send the browser to the IdP with the request (HTTP-Redirect binding, signed when chosen).

/** How long the IdP has to answer a request of ours. */
export const REQUEST_LIFETIME_MS = 10 * 60_000;

export type MethodWithOrganization = { method: AuthenticationMethod; organization: Organization };

/** The identity provider named by a URL's account and method IDs; null if they do not match. */
export async function findMethod(ctx: Ctx, accountId: string, methodId: string): Promise<MethodWithOrganization | null> {
  return (
    await first(
      ctx.db
        .select({ method: authenticationMethods, organization: organizations })
        .from(authenticationMethods)
        .innerJoin(organizations, eq(organizations.id, authenticationMethods.organizationId))
        .where(and(eq(authenticationMethods.id, methodId), eq(organizations.accountId, accountId), eq(authenticationMethods.type, 'saml')))
        .limit(1),
    ) ?? null
  );
}

const SIGNING: Record<string, 'sha1' | 'sha256' | 'sha512'> = { 'rsa-sha1': 'sha1', 'rsa-sha256': 'sha256', 'rsa-sha512': 'sha512' };

/**
 * Whether this IdP may be used now, for this purpose: configured, enabled (the admin's test
 * works before enabling), and SAML allowed by the organization's policy.
 */
export function assertUsable({ method, organization }: MethodWithOrganization, certificates: readonly unknown[], purpose: SamlPurpose): void {
  if (!isConfigured(method, certificates)) {
    throw new SamlError('not_configured', `Identity provider "${method.name}" is not set up yet: its IdP URL, entity ID and certificate are needed.`);
  }
  if (purpose === 'test') return;
  if (!method.enabled) throw new SamlError('disabled', `Identity provider "${method.name}" is disabled.`);
  if (!organization.samlEnabled) {
    throw new SamlError('saml_disabled', `Organization "${organization.name}" does not allow sign-in with SAML single sign-on.`);
  }
}

/**
 * Why this user may not link this IdP, or null. Only an IdP of an organization the user belongs
 * to: another organization's admins hold their IdP's keys, so linking it would let them sign in
 * as the user (and, where "allow other organizations' identity providers" is on, into the user's
 * organizations). Checked on the confirmation page, at the start and again at the ACS.
 */
export function linkRefusal(memberships: readonly MembershipWithOrg[], found: MethodWithOrganization): string | null {
  if (memberships.some((m) => m.organization.id === found.organization.id)) return null;
  return `You can link only identity providers of organizations you belong to: "${found.method.name}" belongs to organization "${found.organization.name}", which you are not a member of.`;
}

/** Records a request and returns the IdP URL to send the browser to. */
export async function startSamlSignIn({
  ctx,
  found,
  purpose,
  userId = null,
  baseUrl,
  returnTo = null,
}: {
  ctx: Ctx;
  found: MethodWithOrganization;
  purpose: SamlPurpose;
  /** The signed-in user, for "link" and "test". */
  userId?: string | null;
  baseUrl: string;
  /** A same-site path to return to after sign-in, sent as RelayState (the IdP hands it back). */
  returnTo?: string | null;
}): Promise<{ redirectUrl: string; requestId: string }> {
  const { method, organization } = found;
  const certificates = await certificatesOf(ctx, method.id);
  assertUsable(found, certificates, purpose);
  const urls = spUrls(baseUrl, organization.accountId, method.id);
  // An NCName, as SAML IDs must be: a letter or underscore first.
  const requestId = `_${randomBytes(20).toString('hex')}`;
  const signing = method.samlAuthnRequestsSignedEnabled;
  const algorithm = SIGNING[method.samlSignatureAlgorithm];
  if (signing && !algorithm) {
    throw new SamlError('not_configured', `Signing requests with ${method.samlSignatureAlgorithm} is not supported; choose rsa-sha256.`);
  }
  const saml = new SAML({
    entryPoint: method.samlIdpUrl!,
    issuer: urls.entityId,
    callbackUrl: urls.acsUrl,
    idpCert: certificates.map((c) => c.pem),
    audience: urls.entityId,
    identifierFormat: null,
    disableRequestedAuthnContext: !method.samlRequestedAuthnContextEnabled,
    generateUniqueId: () => requestId,
    validateInResponseTo: ValidateInResponseTo.never,
    ...(signing ? { privateKey: method.spPrivateKey, signatureAlgorithm: algorithm, digestAlgorithm: method.samlDigestAlgorithm } : {}),
  });
  const redirectUrl = await saml.getAuthorizeUrlAsync(returnTo && returnTo !== '/' ? returnTo : '', undefined, {});
  await inTransaction(ctx, async (ctx) => {
    // Requests nobody answered are of no use once expired.
    await ctx.db.delete(samlRequests).where(and(eq(samlRequests.methodId, method.id), lt(samlRequests.expiryTime, iso(ctx.now))));
    await ctx.db
      .insert(samlRequests)
      .values({
        id: requestId,
        methodId: method.id,
        purpose,
        userId,
        createTime: iso(ctx.now),
        expiryTime: iso(new Date(ctx.now.getTime() + REQUEST_LIFETIME_MS)),
      });
  });
  return { redirectUrl, requestId };
}
