import type { OrganizationUnit } from '@/db/schema';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { apiScopeOf, requiredScope, type ApiScope } from '@/lib/http/routes';
import { allowlistOf } from '@/lib/net/cidr';
import type { MembershipWithOrg, Principal } from '@/lib/call';
import { findUnit } from '@/lib/model/units';
import { policyOf, samlMethodIdOf, tokenRefusal } from '@/lib/policy/policy';
import { findProjectOwner, type ProjectOwner } from '@/lib/model/projects';
import { identityProviderOrganization } from '@/lib/model/identity-providers';
import { resolveToken } from '@/lib/tokens/resolve';
import { scopesPermit } from '@/lib/tokens/scopes';
import { consoleSessionRefusal } from './session';

// The one decision of who is asking and whether they may ask this, for console pages, server
// actions and the /v1 API alike. proxy.ts runs it in front of every request; each page, action
// and handler runs it again, so a route that the proxy's matcher misses is still guarded.


/**
 * What the request touches, which decides whose policies apply:
 * - `organization`: one organization's resources (a /v1/organization/{id} route);
 * - `console`: a console page, governed by the organization the user is working in; pages of
 *   the user's own resources (Profile) are governed as `user` is, and show the current one;
 * - `user`: the caller's own resources (/v1/me, tokens), governed by every organization the
 *   caller belongs to: each organization's allowlist holds for its members wherever they call from;
 * - `project`: /v1/project/{project}/...: a project in an organization is that organization's
 *   resource (its members only, its policy and allowlist); a standalone project is its creator's
 *   own resource, governed as `user` is. A project in an organizational unit has the unit's
 *   organization as its organizationId (lib/projects/manage.ts keeps it so), so it is governed
 *   exactly as the organization's own projects, with no lookup of the unit here.
 * - `account` and `sign-out`: see ApiScope in lib/http/routes.ts, whose table gives each /v1
 *   route its scope.
 */
export type RequestScope = ApiScope | { kind: 'console'; preferredOrganizationId?: string | null; ownResources?: boolean };

export const SIGN_OUT_SCOPE: RequestScope = { kind: 'sign-out' };

export type GateInput = {
  /** The Authorization header, if any. */
  authorization: string | null;
  /** The session cookie's value, if any. */
  cookieToken: string | null;
  ip: string | null;
  userAgent: string | null;
  scope: RequestScope;
  /** For API requests: the method and path, which decide the token scope needed. */
  request?: { method: string; pathname: string };
};

export type GateResult = {
  principal: Principal;
  /** The caller's membership of the organization the request is about (lib/call.ts OrgCall). */
  membership: MembershipWithOrg | null;
  /** For /v1/account/{id} naming an organizational unit: the unit; `organization` is then its organization. */
  unit?: OrganizationUnit | null;
  /** The organizations whose policies govern this request (see RequestScope). */
  governing: MembershipWithOrg[];
};

/** Reads `aivenv1 <token>` or `Bearer <token>`; null without a header, 401 for any other form. */
export function parseAuthorization(header: string | null): string | null {
  if (header === null || header.trim() === '') return null;
  const match = /^(aivenv1|bearer)\s+(\S+)\s*$/i.exec(header.trim());
  if (!match) throw new AppError('unauthorized', 'Authorization header must be "aivenv1 <token>" or "Bearer <token>"');
  return match[2]!;
}

/** Who is asking: the header's token if there is one (API clients), else the session cookie. */
export async function authenticate({ ctx, input }: { ctx: Ctx; input: Omit<GateInput, 'scope'> }): Promise<Principal> {
  const fromHeader = parseAuthorization(input.authorization);
  const token = fromHeader ?? input.cookieToken;
  if (!token) throw new AppError('unauthorized', 'Authentication required: sign in or send an access token');
  const resolved = await resolveToken({
    ctx,
    // The cookie carries login sessions only (lib/auth/session.ts); the header takes every kind.
    input: { token, ip: input.ip, userAgent: input.userAgent, ...(fromHeader === null ? { accept: consoleSessionRefusal } : {}) },
  });
  const samlMethodId = samlMethodIdOf(resolved.token.authMethod);
  return {
    ...resolved,
    // One more lookup, for SSO sessions only: the policy may refuse other organizations' providers.
    ...(samlMethodId ? { idpOrganizationId: await identityProviderOrganization(ctx, samlMethodId) } : {}),
  };
}

/**
 * Throws 403 unless the organization admits this request: its IP allowlist holds the address
 * and its authentication policy accepts the token (see tokenRefusal in lib/policy/policy.ts).
 */
export function assertOrganizationAdmits(membership: MembershipWithOrg, principal: Principal, ip: string | null): void {
  const { organization } = membership;
  if (!allowlistOf(organization.ipAllowlist).admits(ip)) {
    throw new AppError(
      'forbidden',
      `IP address ${ip ?? 'unknown'} is not in the IP allowlist of organization "${organization.name}"`,
    );
  }
  const refusal = tokenRefusal(policyOf(organization), principal.token, {
    organizationId: organization.id,
    idpOrganizationId: principal.idpOrganizationId,
  });
  if (refusal) throw new AppError('forbidden', `Organization "${organization.name}" ${refusal}`);
}

/**
 * The membership the scope points at, after checking the policies that govern it. For a
 * `project` scope, `project` is the project the gate looked up (null: no such project).
 */
export function authorizeScope(
  principal: Principal,
  scope: RequestScope,
  ip: string | null,
  project: ProjectOwner | null = null,
  unit: OrganizationUnit | null = null,
): MembershipWithOrg | null {
  switch (scope.kind) {
    // The one exception to the organizations' checks: signing out works whatever the policy or
    // IP allowlist says, so that a person refused by them can still end their session. It is safe
    // because a sign-out only revokes the token it was made with: it reads and changes nothing
    // else, and whoever holds a token may always give it up (the token itself was checked above).
    case 'sign-out':
      return null;
    case 'project':
      return authorizeProject(principal, scope.projectName, project, ip);
    case 'user':
      for (const membership of principal.memberships) assertOrganizationAdmits(membership, principal, ip);
      return null;
    case 'organization': {
      const membership = principal.memberships.find((m) => m.organization.id === scope.organizationId);
      return admittedMember(principal, membership, ip, `Organization ${scope.organizationId} not found`);
    }
    case 'account': {
      const membership =
        principal.memberships.find((m) => m.organization.accountId === scope.accountId) ??
        (unit?.id === scope.accountId ? authorizeUnit(principal, scope, unit, ip) : undefined);
      return admittedMember(principal, membership, ip, `Account ${scope.accountId} not found`);
    }
    case 'console': {
      const membership =
        principal.memberships.find((m) => m.organization.id === scope.preferredOrganizationId) ??
        principal.memberships[0] ??
        null;
      const governing = scope.ownResources ? principal.memberships : membership ? [membership] : [];
      for (const m of governing) assertOrganizationAdmits(m, principal, ip);
      return membership;
    }
  }
}

/**
 * The caller's membership of the organization a request names, once that organization's policy
 * and allowlist admit the caller. Not a member and no such thing answer alike (404 `notFound`):
 * ids and names of other tenants are not probed.
 */
function admittedMember(principal: Principal, membership: MembershipWithOrg | undefined, ip: string | null, notFound: string): MembershipWithOrg {
  if (!membership) throw new AppError('not_found', notFound);
  assertOrganizationAdmits(membership, principal, ip);
  return membership;
}

/**
 * The membership of a unit's organization, or undefined when the caller is not its member (the
 * caller then gets the same 404 as for an id nobody has: other tenants' units are not probed).
 * Only /v1/account/{id} itself takes a unit; for a member, a deeper path says why it refuses.
 */
function authorizeUnit(
  principal: Principal,
  scope: { accountId: string; unit?: boolean },
  unit: OrganizationUnit,
  ip: string | null,
): MembershipWithOrg | undefined {
  const membership = principal.memberships.find((m) => m.organization.id === unit.organizationId);
  if (!membership) return undefined;
  assertOrganizationAdmits(membership, principal, ip);
  if (!scope.unit) {
    throw new AppError(
      'not_found',
      `Account ${scope.accountId} is an organizational unit of "${membership.organization.name}": its identity providers, policy and audit log are its organization's (account ${membership.organization.accountId})`,
    );
  }
  return membership;
}

/**
 * A project's membership after its checks: a project in an organization answers only that
 * organization's members, under its policy and allowlist (null is never returned for it); a
 * standalone project answers only its creator, under every organization of theirs (returns null).
 * Anyone else gets the same 404 as for a project that does not exist: names are not probed.
 */
export function authorizeProject(principal: Principal, name: string, project: ProjectOwner | null, ip: string | null): MembershipWithOrg | null {
  const notFound = `Project ${name} not found`;
  if (!project) throw new AppError('not_found', notFound);
  if (project.organizationId === null) {
    if (project.createdByUserId !== principal.user.id) throw new AppError('not_found', notFound);
    for (const membership of principal.memberships) assertOrganizationAdmits(membership, principal, ip);
    return null;
  }
  const membership = principal.memberships.find((m) => m.organization.id === project.organizationId);
  return admittedMember(principal, membership, ip, notFound);
}

/** Authenticates the request and authorizes its scope: the whole gate in one call. */
export async function gate({ ctx, input }: { ctx: Ctx; input: GateInput }): Promise<GateResult> {
  const principal = await authenticate({ ctx, input });
  if (input.request) assertScopesPermit(principal.token.scopes, input.request);
  const { scope } = input;
  const project = scope.kind === 'project' ? await findProjectOwner(ctx, scope.projectName) : null;
  // Only an account id that is none of the caller's organizations costs the unit lookup.
  const unit =
    scope.kind === 'account' && !principal.memberships.some((m) => m.organization.accountId === scope.accountId)
      ? await findUnit(ctx, scope.accountId)
      : null;
  const membership = authorizeScope(principal, scope, input.ip, project, unit);
  return { principal, membership, unit, governing: governingMemberships(principal, scope, membership) };
}

/** The memberships whose policies govern a request of this scope: the ones authorizeScope checked. */
export function governingMemberships(principal: Principal, scope: RequestScope, membership: MembershipWithOrg | null): MembershipWithOrg[] {
  if (scope.kind === 'user' || (scope.kind === 'console' && scope.ownResources)) return principal.memberships;
  // A standalone project is its creator's own resource.
  if (scope.kind === 'project' && membership === null) return principal.memberships;
  return membership ? [membership] : [];
}

/** Throws 403 unless the token's scopes cover the request (an empty list covers everything). */
export function assertScopesPermit(scopes: readonly string[], { method, pathname }: { method: string; pathname: string }): void {
  const required = requiredScope(method, pathname);
  if (!scopesPermit(scopes, required)) {
    throw new AppError(
      'forbidden',
      `This token's scopes (${scopes.join(', ')}) do not allow ${required!.access} access to ${required!.area}`,
    );
  }
}

/** The scope of a /v1 path, as the route table (lib/http/routes.ts) declares it. */
export function scopeOfApiPath(pathname: string, method = 'GET'): RequestScope {
  return apiScopeOf(pathname, method);
}
