import { and, eq, gt, lt } from 'drizzle-orm';
import { type AuthenticationMethod, type User } from '@/db/schema';
import { externalIdentities, memberships, samlRequests, samlSeenAssertions, users } from '@/db/tables';
import { recordAudit, recordUserAudit } from '@/lib/audit/record';
import { sessionTokenSettings } from '@/lib/auth/session';
import type { RequestMeta } from '@/lib/call';
import { type Ctx, inTransaction, iso } from '@/lib/context';
import { identityProvidersForEmail, managingOrganizationForEmail } from '@/lib/domains/route';
import { newRowId } from '@/lib/ids';
import { allowlistOf } from '@/lib/net/cidr';
import { insertMembership } from '@/lib/model/organizations';
import { listMemberships } from '@/lib/model/memberships';
import { describeAllowedMethods, methodAllowed, policyOf } from '@/lib/policy/policy';
import { createToken } from '@/lib/tokens/create';
import { insertUser } from '@/lib/model/users';
import { isEmailProven, markEmailProven } from '@/lib/model/proven';
import { countSamlRefusal } from '@/lib/metrics/count';
import { SamlError } from './errors';
import { mapAttributes, type MappedIdentity } from './mapping';
import { certificatesOf } from '@/lib/identity-providers/manage';
import type { SamlPurpose } from '@/lib/identity-providers/schema';
import { assertUsable, findMethod, linkRefusal, type MethodWithOrganization } from './start';
import { spUrls } from '@/lib/identity-providers/urls';
import { decodeSamlResponse, validatePostedResponse, type DecodedResponse, type ValidatedAssertion } from './validate';
import { affectedRows, first } from '@/db/async';

// The Assertion Consumer Service: a SAML response comes in, a session (or a refusal with its
// reason, or the admin's test trace) goes out. Every outcome is audited.

/** What the test page (and a failure page in test mode) shows: a built-in SAML trace. */
export type SamlTrace = {
  methodName: string;
  purpose: SamlPurpose | 'idp_initiated';
  decoded: DecodedResponse | null;
  verified: ValidatedAssertion | null;
  mapped: MappedIdentity | null;
  failure: { reason: string; check: string; message: string } | null;
};

export type AcsOutcome =
  | { kind: 'session'; user: User; fullToken: string; maxAgeSeconds: number; purpose: SamlPurpose | 'idp_initiated'; methodName: string }
  | { kind: 'test'; trace: SamlTrace }
  | { kind: 'failed'; error: SamlError; trace: SamlTrace | null };

type RequestRow = typeof samlRequests.$inferSelect;

/** Takes the request a response answers, once: it is gone whatever the outcome. */
async function takeRequest(ctx: Ctx, methodId: string, inResponseTo: string | null): Promise<RequestRow | null> {
  if (!inResponseTo) return null;
  return await inTransaction(ctx, async (ctx) => {
    const row = await first(
      ctx.db
        .select()
        .from(samlRequests)
        .where(and(eq(samlRequests.id, inResponseTo), eq(samlRequests.methodId, methodId), gt(samlRequests.expiryTime, iso(ctx.now))))
        .limit(1),
    );
    if (row) await ctx.db.delete(samlRequests).where(eq(samlRequests.id, row.id));
    return row ?? null;
  });
}

/** Remembers the assertion ID until it expires; throws if it was seen before (a replay). */
async function rememberAssertion(ctx: Ctx, methodId: string, assertion: ValidatedAssertion): Promise<void> {
  await ctx.db.delete(samlSeenAssertions).where(and(eq(samlSeenAssertions.methodId, methodId), lt(samlSeenAssertions.expiryTime, iso(ctx.now))));
  const inserted = await ctx.db
    .insert(samlSeenAssertions)
    .values({ methodId, assertionId: assertion.assertionId, expiryTime: iso(assertion.replayUntil) })
    .onConflictDoNothing();
  if (affectedRows(inserted) === 0) {
    throw new SamlError('replay', `This assertion (ID ${assertion.assertionId}) was already used: each SAML response signs in once.`);
  }
}

const providerOf = (method: Pick<AuthenticationMethod, 'id'>) => `saml:${method.id}`;

async function identityOf(ctx: Ctx, method: AuthenticationMethod, subject: string) {
  return await first(
    ctx.db
      .select({ identity: externalIdentities, user: users })
      .from(externalIdentities)
      .innerJoin(users, eq(users.id, externalIdentities.userId))
      .where(and(eq(externalIdentities.provider, providerOf(method)), eq(externalIdentities.subject, subject)))
      .limit(1),
  );
}

async function linkIdentity(ctx: Ctx, method: AuthenticationMethod, userId: string, mapped: MappedIdentity) {
  await ctx.db
    .insert(externalIdentities)
    .values({ id: newRowId(), userId, provider: providerOf(method), subject: mapped.subject, email: mapped.email, createTime: iso(ctx.now), lastUsedTime: iso(ctx.now) });
}

/**
 * A new account tied to this IdP, member of its organization, managed by whoever verified the
 * domain. Callers create only for addresses on a domain this IdP's organization verified, so
 * its address is proven: the organization vouches for the people on its own domain.
 */
async function createSsoUser(ctx: Ctx, found: MethodWithOrganization, mapped: MappedIdentity & { email: string }, meta: RequestMeta): Promise<User> {
  const user = await insertUser(ctx, { email: mapped.email, realName: mapped.realName });
  const managing = await managingOrganizationForEmail(ctx, mapped.email);
  if (managing) await ctx.db.update(users).set({ managingOrganizationId: managing }).where(eq(users.id, user.id));
  await insertMembership(ctx, { organizationId: found.organization.id, userId: user.id, isSuperAdmin: false });
  await linkIdentity(ctx, found.method, user.id, mapped);
  if (managing === found.organization.id) {
    await markEmailProven(ctx, { userId: user.id, email: mapped.email, how: 'sso_verified_domain', meta, details: { authentication_method_id: found.method.id } });
  }
  return (await first(ctx.db.select().from(users).where(eq(users.id, user.id)).limit(1)))!;
}

const userByEmail = (ctx: Ctx, email: string) => first(ctx.db.select().from(users).where(eq(users.email, email)).limit(1));

/** Who this sign-in is for, by purpose; creates or links the account where the purpose says so. */
async function resolveUser(
  ctx: Ctx,
  found: MethodWithOrganization,
  mapped: MappedIdentity,
  purpose: SamlPurpose | 'idp_initiated',
  request: RequestRow | null,
  meta: RequestMeta,
): Promise<{ user: User; event?: 'identity_provider.account_linked' | 'identity_provider.user_created' }> {
  const { method } = found;
  const existing = await identityOf(ctx, method, mapped.subject);
  if (purpose === 'link') {
    const userId = request?.userId;
    if (!userId) throw new SamlError('link_requires_sign_in', 'Sign in to Portcullis first, then open the account link URL again.');
    if (existing && existing.user.id !== userId) {
      throw new SamlError('already_linked', `This ${method.name} identity (${mapped.subject}) is already linked to another Portcullis account.`);
    }
    const user = await first(ctx.db.select().from(users).where(eq(users.id, userId)).limit(1));
    if (!user) throw new SamlError('link_requires_sign_in', 'The account that asked for the link no longer exists.');
    // Only an IdP of an organization the user belongs to (lib/saml/authorize-start.ts): checked
    // when the link started, and again now, since the user may have left it meanwhile.
    const notMember = linkRefusal(await listMemberships(ctx, user.id), found);
    if (notMember) throw new SamlError('link_not_member', notMember);
    if (existing) return { user };
    await linkIdentity(ctx, method, user.id, mapped);
    return { user, event: 'identity_provider.account_linked' };
  }
  if (existing) {
    await ctx.db.update(externalIdentities).set({ lastUsedTime: iso(ctx.now), email: mapped.email }).where(eq(externalIdentities.id, existing.identity.id));
    return { user: existing.user };
  }
  if (!mapped.email) {
    throw new SamlError('no_email', 'The assertion carries no email address: map the email attribute (or send the address as NameID).');
  }
  const email = mapped.email;
  const sameEmail = await userByEmail(ctx, email);
  // The address's domain is verified by this IdP's organization and linked to this IdP: its
  // people are this organization's, so they are linked (or created) on first sign-in.
  const routed = (await identityProvidersForEmail(ctx, email)).some((m) => m.id === method.id) && await managingOrganizationForEmail(ctx, email) === found.organization.id;
  if (purpose === 'signup') {
    // Any organization can add an IdP that asserts any address: it creates accounts only for
    // addresses on a domain its own organization verified, never one for somebody else's address.
    if (await managingOrganizationForEmail(ctx, email) !== found.organization.id) {
      throw new SamlError(
        'domain_not_verified',
        `${method.name} can create accounts only for addresses on a domain that organization "${found.organization.name}" has verified, and ${email} is not on one. Sign in to Portcullis another way, then use the account link URL to add ${method.name}.`,
      );
    }
    if (sameEmail) {
      throw new SamlError('account_exists', `An account for ${email} already exists: sign in with it, then use the account link URL to add ${method.name}.`);
    }
    return { user: await createSsoUser(ctx, found, { ...mapped, email }, meta), event: 'identity_provider.user_created' };
  }
  if (routed) {
    if (sameEmail) {
      // Only into an account whose address its owner proved: whoever made an unproven account
      // for this address may still hold its password (pre-account hijacking).
      if (!isEmailProven(sameEmail)) {
        throw new SamlError(
          'email_not_proven',
          `The Portcullis account for ${email} has not proven that it owns the address, so ${method.name} is not linked to it automatically. Sign in another way, then link ${method.name} from Profile → Authentication or with the account link URL.`,
        );
      }
      await linkIdentity(ctx, method, sameEmail.id, mapped);
      return { user: sameEmail, event: 'identity_provider.account_linked' };
    }
    return { user: await createSsoUser(ctx, found, { ...mapped, email }, meta), event: 'identity_provider.user_created' };
  }
  throw new SamlError(
    'not_linked',
    `No Portcullis account is linked to this ${method.name} identity (${mapped.subject}). Use the signup URL to create one, or sign in and use the account link URL.`,
  );
}

/** The policy: some organization of the user must let this IdP in, from this address. */
async function assertPolicyAdmits(ctx: Ctx, user: User, found: MethodWithOrganization, ip: string | null): Promise<void> {
  if (user.state !== 'active') throw new SamlError('deactivated', 'This user account is deactivated.');
  const all = await listMemberships(ctx, user.id);
  if (all.length === 0) return;
  const method = `saml:${found.method.id}`;
  const allowing = all.filter((m) =>
    methodAllowed(policyOf(m.organization), method, { organizationId: m.organization.id, idpOrganizationId: found.organization.id }),
  );
  if (allowing.length === 0) {
    const [firstOrg] = all;
    const external = all.every((m) => m.organization.id !== found.organization.id);
    const why = external
      ? `Your organizations do not allow sign-in through identity providers of other organizations, such as "${found.organization.name}".`
      : `Organization "${firstOrg!.organization.name}" does not allow sign-in with SAML single sign-on.`;
    throw new SamlError('method_not_allowed', `${why} ${describeAllowedMethods(policyOf(firstOrg!.organization))}`);
  }
  if (!allowing.some((m) => allowlistOf(m.organization.ipAllowlist).admits(ip))) {
    throw new SamlError('ip_not_allowed', `IP address ${ip ?? 'unknown'} is not in your organization's IP allowlist.`);
  }
}

type ConsumeInput = Parameters<typeof consume>[0];

/** Handles a POST to the ACS URL. Never throws for the client's mistakes: they come back as `failed`. */
/** A POST to the ACS whose body is no form (or too large): refused before there is a response to check, and counted like the others. */
export function malformedAcsPost(): SamlError {
  const error = new SamlError('malformed', 'Post the SAMLResponse as an HTML form (application/x-www-form-urlencoded).');
  countSamlRefusal(error.reason, 'acs');
  return error;
}

export async function consumeSamlResponse(input: ConsumeInput): Promise<AcsOutcome> {
  const outcome = await consume(input);
  // Every refused response comes back here: the one place that counts them (by reason) for the metrics.
  if (outcome.kind === 'failed') countSamlRefusal(outcome.error.reason, 'acs');
  return outcome;
}

async function consume({
  ctx,
  accountId,
  methodId,
  samlResponse,
  meta,
  baseUrl,
  browserRequestIds = null,
}: {
  ctx: Ctx;
  accountId: string;
  methodId: string;
  samlResponse: unknown;
  meta: RequestMeta;
  baseUrl: string;
  /**
   * The request IDs this browser started (from its cookies), or null where that cannot be known:
   * the binding cookie must cross from the IdP's site, which browsers allow only over https.
   */
  browserRequestIds?: readonly string[] | null;
}): Promise<AcsOutcome> {
  const found = await findMethod(ctx, accountId, methodId);
  if (!found) return { kind: 'failed', error: new SamlError('unknown_method', 'There is no such identity provider.'), trace: null };
  const { method, organization } = found;
  let decoded: DecodedResponse | null = null;
  let purpose: SamlPurpose | 'idp_initiated' = 'idp_initiated';
  let verified: ValidatedAssertion | null = null;
  let mapped: MappedIdentity | null = null;
  let request: RequestRow | null = null;
  const trace = (failure: SamlError | null): SamlTrace => ({
    methodName: method.name,
    purpose,
    decoded,
    verified,
    mapped,
    failure: failure ? { reason: failure.reason, check: failure.check, message: failure.message } : null,
  });
  try {
    const posted = decodeSamlResponse(samlResponse);
    decoded = posted.decoded;
    request = await takeRequest(ctx, method.id, decoded.inResponseTo);
    if (request) purpose = request.purpose;
    // An answer to a request another browser started (login CSRF: someone's own sign-in, or an
    // account link to their account, finished in the victim's browser).
    if (request && browserRequestIds !== null && !browserRequestIds.includes(request.id)) {
      throw new SamlError('in_response_to', 'This sign-in was started in another browser. Start it again here.');
    }
    const certificates = await certificatesOf(ctx, method.id);
    assertUsable(found, certificates, purpose === 'idp_initiated' ? 'signin' : purpose);
    const urls = spUrls(baseUrl, organization.accountId, method.id);
    ({ assertion: verified } = await validatePostedResponse(
      posted,
      {
        method,
        certificates: certificates.map((c) => c.pem),
        entityId: urls.entityId,
        acsUrl: urls.acsUrl,
        requestId: request?.id ?? null,
        requestCreated: request ? new Date(request.createTime) : undefined,
      },
      ctx.now,
    ));
    const assertion = verified;
    mapped = mapAttributes({ nameId: assertion.nameId, attributes: assertion.attributes }, method.samlFieldMapping);
    const identity = mapped;

    if (purpose === 'test') {
      await inTransaction(ctx, async (ctx) => {
        await rememberAssertion(ctx, method.id, assertion);
        await recordAudit(ctx, {
          event: 'identity_provider.test_sign_in',
          organizationId: organization.id,
          actorUserId: request?.userId ?? null,
          ip: meta.ip,
          userAgent: meta.userAgent,
          details: { authentication_method_id: method.id, name: method.name, outcome: 'passed', subject: identity.subject },
        });
      });
      return { kind: 'test', trace: trace(null) };
    }

    const settings = sessionTokenSettings();
    const maxAgeSeconds = method.authTokenMaxAgeSeconds ?? settings.maxAgeSeconds;
    const signIn = await inTransaction(ctx, async (ctx) => {
      await rememberAssertion(ctx, method.id, assertion);
      const { user, event } = await resolveUser(ctx, found, identity, purpose, request, meta);
      await assertPolicyAdmits(ctx, user, found, meta.ip);
      const created = await createToken({
        ctx,
        input: {
          userId: user.id,
          kind: 'session',
          authMethod: `saml:${method.id}`,
          description: `Console sign-in (SSO: ${method.name})`,
          createdManually: false,
          maxAgeSeconds,
          extendWhenUsed: method.authTokenExtendWhenUsed,
        },
      });
      const orgIds = (await listMemberships(ctx, user.id)).map((m) => m.organization.id);
      const audit = { actorUserId: user.id, actorEmail: user.email, ip: meta.ip, userAgent: meta.userAgent };
      const eventDetails = { authentication_method_id: method.id, name: method.name, subject: identity.subject };
      // A link is the user's business and the IdP's: each of the user's organizations and the IdP's see it.
      if (event === 'identity_provider.account_linked') await recordUserAudit(ctx, [...new Set([...orgIds, organization.id])], { ...audit, event, details: eventDetails });
      else if (event) await recordAudit(ctx, { ...audit, organizationId: organization.id, event, details: eventDetails });
      await recordUserAudit(ctx, orgIds, {
        ...audit,
        event: 'auth.sign_in',
        details: {
          method: 'saml',
          authentication_method_id: method.id,
          identity_provider: method.name,
          purpose,
          subject: identity.subject,
          assertion_id: assertion.assertionId,
          token_prefix: created.token.tokenPrefix,
        },
      });
      return { user, fullToken: created.fullToken };
    });
    return { kind: 'session', ...signIn, maxAgeSeconds, purpose, methodName: method.name };
  } catch (error) {
    if (!(error instanceof SamlError)) throw error;
    // Before the signature is checked, who it claims to be is all there is: recorded as claimed,
    // as a failed password sign-in records the address that was typed.
    const claimed = decoded ? mapAttributes({ nameId: decoded.subject ?? '', attributes: decoded.attributes }, method.samlFieldMapping).email : null;
    const email = mapped?.email ?? claimed;
    const actor = email ? await userByEmail(ctx, email) : undefined;
    await recordAudit(ctx, {
      event: purpose === 'test' ? 'identity_provider.test_sign_in' : 'auth.sign_in_failed',
      organizationId: organization.id,
      actorUserId: purpose === 'test' ? (request?.userId ?? null) : (actor?.id ?? null),
      actorEmail: email,
      ip: meta.ip,
      userAgent: meta.userAgent,
      details: {
        method: 'saml',
        authentication_method_id: method.id,
        name: method.name,
        identity_provider: method.name,
        purpose,
        outcome: 'failed',
        reason: error.reason,
        check: error.check,
        message: error.message,
        ...(decoded?.issuer ? { issuer: decoded.issuer } : {}),
        ...(decoded?.subject ? { subject: decoded.subject, verified: verified !== null } : {}),
      },
    });
    return { kind: 'failed', error, trace: trace(error) };
  }
}

/** Who may start a "test" sign-in: super admins of the IdP's organization. */
export async function canTest(ctx: Ctx, userId: string, organizationId: string): Promise<boolean> {
  return !!await first(
    ctx.db
      .select({ ok: memberships.isSuperAdmin })
      .from(memberships)
      .where(and(eq(memberships.userId, userId), eq(memberships.organizationId, organizationId), eq(memberships.isSuperAdmin, true)))
      .limit(1),
  );
}
