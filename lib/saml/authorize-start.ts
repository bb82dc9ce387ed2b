import { recordUserAudit } from '@/lib/audit/record';
import { gate } from '@/lib/auth/gate';
import { optionalPrincipal } from '@/lib/auth/optional-session';
import { pendingTwoFactorEnrollment, twoFactorEnrollmentError } from '@/lib/two-factor/status';
import type { MembershipWithOrg, Principal, RequestMeta } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { crossSiteRefusal, type HeaderReader } from '@/lib/http/same-origin';
import { canTest } from './acs';
import { SamlError } from './errors';
import { certificatesOf } from '@/lib/identity-providers/manage';
import type { SamlPurpose } from '@/lib/identity-providers/schema';
import { assertUsable, linkRefusal, type MethodWithOrganization } from './start';

// Who may start an SP-initiated flow that spends the browser's session: "link" ties an IdP
// identity to the signed-in user's account, "test" is the admin's trace. Both run only from a
// same-origin POST (lib/http/same-origin.ts, checked by the route before this), by a session the
// full gate admits and that two-factor enrollment does not hold back. "signin" and "signup" use
// no session, but a browser whose session is held back may not trade it for an SSO one.

/** The refusal of a session that waits for two-factor enrollment, in the SSO routes' words. */
function enrollmentRefusal(requiring: readonly MembershipWithOrg[]): SamlError {
  const { message } = twoFactorEnrollmentError(requiring, 'console');
  return new SamlError(
    'two_factor_enrollment_required',
    `${message} Until then this session cannot start single sign-on or link an identity provider: set up an authenticator under Profile → Authentication, or sign out first.`,
  );
}

export type StartAuthorization = { principal: Principal };

/** Who the session cookie belongs to, if anyone: for the audit of a refusal, never for a decision. */
async function sessionHolder(ctx: Ctx, cookieToken: string | null, meta: RequestMeta): Promise<Principal | null> {
  return await optionalPrincipal({ ctx, input: { cookieToken, ...meta } });
}

/**
 * Authorizes a "link" or "test" start: a POST made on a page of ours (Origin / Sec-Fetch-Site
 * against our public URL), by a session cookie that the whole gate admits (IP allowlists,
 * policies; the user's own resources for a link, the IdP's organization for a test) and that
 * two-factor enrollment does not hold back, and the purpose's own rule (a link: a member of the
 * IdP's organization; a test: its super admin). Throws AppError 401 when there is no live
 * session (the caller sends the browser to sign in); every refusal is a SamlError, recorded in
 * the audit log.
 */
export async function authorizeSessionStart({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { purpose: 'link' | 'test'; found: MethodWithOrganization; cookieToken: string | null; headers: HeaderReader; baseUrl: string } & RequestMeta;
}): Promise<StartAuthorization> {
  const { purpose, found, cookieToken } = input;
  const meta: RequestMeta = { ip: input.ip, userAgent: input.userAgent };
  const refuse = async (error: SamlError, holder?: Principal | null) => {
    const principal = holder === undefined ? await sessionHolder(ctx, cookieToken, meta) : holder;
    await recordRefusedStart(ctx, { found, purpose, error, principal, meta });
    return error;
  };
  // First, before the cookie is even read: a page of another site may not spend our session.
  const crossSite = crossSiteRefusal(input.headers, input.baseUrl);
  if (crossSite) throw await refuse(new SamlError('cross_site', crossSite));
  if (!cookieToken) throw new AppError('unauthorized', 'Sign in first.');
  let result;
  try {
    result = await gate({
      ctx,
      input: {
        authorization: null,
        cookieToken,
        ...meta,
        scope: purpose === 'link' ? { kind: 'user' } : { kind: 'organization', organizationId: found.organization.id },
      },
    });
  } catch (error) {
    if (error instanceof AppError && error.status === 401) throw error;
    if (error instanceof AppError) {
      // The gate's 404 for a non-member of the IdP's organization, in plain words.
      const message = purpose === 'test' && error.status === 404 ? TEST_ONLY_SUPER_ADMINS : error.message;
      throw await refuse(new SamlError('forbidden', message));
    }
    throw error;
  }
  const { principal, governing } = result;
  const requiring = await pendingTwoFactorEnrollment(ctx, principal, governing);
  if (requiring) throw await refuse(enrollmentRefusal(requiring), principal);
  if (purpose === 'link') {
    const refusal = linkRefusal(principal.memberships, found);
    if (refusal) throw await refuse(new SamlError('link_not_member', refusal), principal);
  } else if (!await canTest(ctx, principal.user.id, found.organization.id)) {
    throw await refuse(new SamlError('forbidden', TEST_ONLY_SUPER_ADMINS), principal);
  }
  return { principal };
}

const TEST_ONLY_SUPER_ADMINS = 'Only super admins of the organization may test its identity providers.';

/**
 * For "signin" and "signup" (which need no session): refuses, and records, when the browser's
 * session cookie is a live session that two-factor enrollment holds back in any organization of
 * its user: it may not be traded for an SSO session, which no enrollment holds back. A dead or
 * missing cookie is no one: the start goes on.
 */
export async function assertNoHeldBackSession({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { purpose: SamlPurpose; found: MethodWithOrganization; cookieToken: string | null } & RequestMeta;
}): Promise<void> {
  const meta: RequestMeta = { ip: input.ip, userAgent: input.userAgent };
  const principal = await sessionHolder(ctx, input.cookieToken, meta);
  if (!principal) return;
  const requiring = await pendingTwoFactorEnrollment(ctx, principal);
  if (!requiring) return;
  const error = enrollmentRefusal(requiring);
  await recordRefusedStart(ctx, { found: input.found, purpose: input.purpose, error, principal, meta });
  throw error;
}

/** What the confirmation page shows: whether the user may link this IdP now, and if not, why. */
export async function linkPreview(ctx: Ctx, principal: Principal, found: MethodWithOrganization): Promise<{ refusal: string | null }> {
  const refusal = linkRefusal(principal.memberships, found);
  if (refusal) return { refusal };
  try {
    assertUsable(found, await certificatesOf(ctx, found.method.id), 'link');
  } catch (error) {
    if (error instanceof SamlError) return { refusal: error.message };
    throw error;
  }
  return { refusal: null };
}

/**
 * Records a refused start in the audit log of the IdP's organization and, when the session is
 * known, of each organization of its user: a link attempt from another site is what an attack
 * on one of them looks like.
 */
export async function recordRefusedStart(
  ctx: Ctx,
  { found, purpose, error, principal, meta }: { found: MethodWithOrganization; purpose: SamlPurpose; error: SamlError; principal: Principal | null; meta: RequestMeta },
): Promise<void> {
  const organizationIds = new Set([found.organization.id, ...(principal?.memberships.map((m) => m.organization.id) ?? [])]);
  await recordUserAudit(ctx, [...organizationIds], {
    event: 'auth.sign_in_failed',
    actorUserId: principal?.user.id ?? null,
    actorEmail: principal?.user.email ?? null,
    ip: meta.ip,
    userAgent: meta.userAgent,
    details: {
      method: 'saml',
      authentication_method_id: found.method.id,
      identity_provider: found.method.name,
      purpose,
      stage: 'start',
      outcome: 'failed',
      reason: error.reason,
      check: error.check,
      message: error.message,
    },
  });
}
