import { and, eq, inArray } from 'drizzle-orm';
import type { Organization } from '@/db/schema';
import { authenticationMethods, externalIdentities, memberships, users } from '@/db/tables';
import type { Ctx } from '@/lib/context';
import { selectMembersWithCredentials } from '@/lib/model/memberships';
import { methodAllowed, policyOf, samlMethodIdOf, THIRD_PARTY_LABELS } from '@/lib/policy/policy';

// Sign-in coverage: how the organization's members get in. A member counts once by their
// strongest way in (single sign-on, then a third-party account, then a password with a second
// factor, then a password alone) and once in each method they have. A way in is one the member
// holds (a password, a linked identity) and the organization's policy allows: a linked Google
// account is no way in where the policy refuses Google, nor on a server without Google.

export const STRENGTHS = ['sso', 'third_party', 'password_2fa', 'password_only', 'none'] as const;
export type Strength = (typeof STRENGTHS)[number];

export const COVERAGE_METHODS = ['saml', 'google', 'microsoft', 'github', 'password'] as const;
export type CoverageMethod = (typeof COVERAGE_METHODS)[number];

export type Coverage = {
  /** Active members who are people (application users sign in with tokens only). */
  members: number;
  /** Each member once, by their strongest way in. */
  byStrength: Record<Strength, number>;
  /** Each method, with every member who has it (a member with several counts in each). */
  byMethod: Record<CoverageMethod, number>;
  /** Members who can sign in with a password, and how many of them have a second factor. */
  password: { members: number; withTwoFactor: number };
  /** Members whose account this organization manages (a verified domain of its holds the address). */
  managed: number;
  unmanaged: number;
};

export type CoverageOptions = {
  /** The third-party providers this server is configured for (configuredOAuthProviders). Default: all three. */
  oauthProviders?: readonly string[];
};

export type MemberCoverage = {
  userId: string;
  email: string;
  managed: boolean;
  methods: CoverageMethod[];
  twoFactor: boolean;
  strength: Strength;
};

const OAUTH = Object.keys(THIRD_PARTY_LABELS);

/**
 * Every active member who is a person, with their ways in. Three queries whatever the number of
 * members: the members with their credentials, their linked identities, and the identity
 * providers those name.
 */
export async function memberCoverage(ctx: Ctx, organization: Organization, { oauthProviders = OAUTH }: CoverageOptions = {}): Promise<MemberCoverage[]> {
  const policy = policyOf(organization);
  const rows = await selectMembersWithCredentials(ctx, { userId: users.id, email: users.email, managingOrganizationId: users.managingOrganizationId })
    .where(and(eq(memberships.organizationId, organization.id), eq(users.isApplicationUser, false), eq(users.state, 'active')));
  const identities = await ctx.db
    .select({ userId: externalIdentities.userId, provider: externalIdentities.provider })
    .from(memberships)
    .innerJoin(externalIdentities, eq(externalIdentities.userId, memberships.userId))
    .where(eq(memberships.organizationId, organization.id));
  const idpIds = [...new Set(identities.map((i) => samlMethodIdOf(i.provider)).filter((id): id is string => id !== null))];
  // An identity provider signs people in while it exists and is enabled; where it belongs to
  // another organization, this organization's policy decides whether that counts (saml_allow_external).
  const idpOwner = new Map(
    idpIds.length
      ? (await ctx.db
          .select({ id: authenticationMethods.id, organizationId: authenticationMethods.organizationId })
          .from(authenticationMethods)
          .where(and(inArray(authenticationMethods.id, idpIds), eq(authenticationMethods.type, 'saml'), eq(authenticationMethods.enabled, true))))
          .map((m) => [m.id, m.organizationId] as const)
      : [],
  );
  const linked = new Map<string, Set<CoverageMethod>>();
  for (const { userId, provider } of identities) {
    const idp = samlMethodIdOf(provider);
    let method: CoverageMethod | null = null;
    if (idp) {
      if (idpOwner.has(idp) && methodAllowed(policy, provider, { organizationId: organization.id, idpOrganizationId: idpOwner.get(idp) })) method = 'saml';
    } else if (OAUTH.includes(provider) && oauthProviders.includes(provider) && methodAllowed(policy, provider)) {
      method = provider as CoverageMethod;
    }
    if (!method) continue;
    let set = linked.get(userId);
    if (!set) linked.set(userId, (set = new Set()));
    set.add(method);
  }
  const passwordAllowed = methodAllowed(policy, 'password');
  return rows.map((row) => {
    const has = linked.get(row.userId) ?? new Set<CoverageMethod>();
    if (row.passwordUserId !== null && passwordAllowed) has.add('password');
    const methods = COVERAGE_METHODS.filter((m) => has.has(m));
    const twoFactor = row.totpConfirmedTime !== null;
    const strength: Strength = has.has('saml')
      ? 'sso'
      : methods.some((m) => m !== 'password')
        ? 'third_party'
        : has.has('password')
          ? twoFactor ? 'password_2fa' : 'password_only'
          : 'none';
    return { userId: row.userId, email: row.email, managed: row.managingOrganizationId === organization.id, methods, twoFactor, strength };
  });
}

export function summarizeCoverage(members: readonly MemberCoverage[]): Coverage {
  const byStrength = Object.fromEntries(STRENGTHS.map((s) => [s, 0])) as Record<Strength, number>;
  const byMethod = Object.fromEntries(COVERAGE_METHODS.map((m) => [m, 0])) as Record<CoverageMethod, number>;
  const password = { members: 0, withTwoFactor: 0 };
  let managed = 0;
  for (const member of members) {
    byStrength[member.strength] += 1;
    for (const method of member.methods) byMethod[method] += 1;
    if (member.methods.includes('password')) {
      password.members += 1;
      if (member.twoFactor) password.withTwoFactor += 1;
    }
    if (member.managed) managed += 1;
  }
  return { members: members.length, byStrength, byMethod, password, managed, unmanaged: members.length - managed };
}

/** Which members a coverage figure counts (the page that explains a figure lists them). */
export const COVERAGE_FILTERS = [...STRENGTHS, ...COVERAGE_METHODS.map((m) => `method:${m}` as const), 'password_with_2fa', 'password_without_2fa', 'managed', 'unmanaged'] as const;
export type CoverageFilter = (typeof COVERAGE_FILTERS)[number];

export function matchesCoverageFilter(member: MemberCoverage, filter: CoverageFilter): boolean {
  if ((STRENGTHS as readonly string[]).includes(filter)) return member.strength === filter;
  if (filter.startsWith('method:')) return member.methods.includes(filter.slice('method:'.length) as CoverageMethod);
  switch (filter) {
    case 'password_with_2fa':
      return member.methods.includes('password') && member.twoFactor;
    case 'password_without_2fa':
      return member.methods.includes('password') && !member.twoFactor;
    case 'managed':
      return member.managed;
    default:
      return !member.managed;
  }
}
