import { and, eq, inArray } from 'drizzle-orm';
import { memberships, passwordCredentials, tokens, users, type Organization } from '@/db/schema';
import type { Ctx } from '@/lib/context';
import { allowlistOf } from '@/lib/net/cidr';
import { identityProviderOrganization } from '@/lib/saml/owner';
import { methodAllowed, samlMethodIdOf, tokenRefusal, type Policy } from './policy';

export type PolicyImpact = {
  /** Members who could sign in before and have no allowed method of their own after. */
  membersLosingSignIn: { userId: string; email: string }[];
  sessionsStopping: number;
  personalTokensStopping: number;
  /** Application tokens are only affected by the IP allowlist. */
  applicationTokensStopping: number;
};

/** The sign-in methods a user has set up. Third-party and SAML links join this list as they come. */
function methodsOf(hasPassword: boolean): string[] {
  return hasPassword ? ['password'] : [];
}

/**
 * What changing the organization's policy from `before` to `after` does, for the page to show
 * before saving. Tokens count when they are accepted now and would be refused after; a token's
 * address is judged by where it was last used (never-used tokens are not counted for the IP).
 */
export function previewImpact(ctx: Ctx, organization: Organization, before: Policy, after: Policy): PolicyImpact {
  const members = ctx.db
    .select({ userId: users.id, email: users.email, managing: users.managingOrganizationId, hasPassword: passwordCredentials.userId })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(passwordCredentials, eq(passwordCredentials.userId, users.id))
    .where(eq(memberships.organizationId, organization.id))
    .all();

  const membersLosingSignIn = members
    .filter((m) => {
      const methods = methodsOf(m.hasPassword !== null);
      return methods.some((x) => methodAllowed(before, x)) && !methods.some((x) => methodAllowed(after, x));
    })
    .map(({ userId, email }) => ({ userId, email }));

  const managed = new Set(members.filter((m) => m.managing === organization.id).map((m) => m.userId));
  const rows = members.length
    ? ctx.db
        .select({ userId: tokens.userId, kind: tokens.kind, authMethod: tokens.authMethod, lastIp: tokens.lastIp })
        .from(tokens)
        .where(and(inArray(tokens.userId, members.map((m) => m.userId))))
        .all()
    : [];
  // The owner of each identity provider that sessions were made through, looked up once each.
  const idpOwners = new Map<string, string | null>();
  const idpOrganizationOf = (authMethod: string) => {
    const methodId = samlMethodIdOf(authMethod);
    if (!methodId) return undefined;
    if (!idpOwners.has(methodId)) idpOwners.set(methodId, identityProviderOrganization(ctx, methodId));
    return idpOwners.get(methodId);
  };
  const accepts = (policy: Policy, token: (typeof rows)[number]) =>
    (token.lastIp === null || allowlistOf(policy.ipAllowlist).admits(token.lastIp)) &&
    tokenRefusal(policy, token, {
      managedByThisOrganization: managed.has(token.userId),
      organizationId: organization.id,
      idpOrganizationId: idpOrganizationOf(token.authMethod),
    }) === null;

  const counts = { session: 0, personal: 0, application: 0 };
  for (const token of rows) if (accepts(before, token) && !accepts(after, token)) counts[token.kind] += 1;
  return {
    membersLosingSignIn,
    sessionsStopping: counts.session,
    personalTokensStopping: counts.personal,
    applicationTokensStopping: counts.application,
  };
}
