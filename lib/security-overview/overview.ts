import type { Organization } from '@/db/schema';
import { assertSuperAdmin, type MembershipWithOrg } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { policyOf } from '@/lib/policy/policy';
import { activityOf, type Activity } from './activity';
import { matchesCoverageFilter, memberCoverage, summarizeCoverage, type Coverage, type CoverageFilter, type CoverageOptions, type MemberCoverage } from './coverage';
import { identityFigures, type IdentityFigures } from './identity';
import { recommend, type Recommendation } from './recommendations';
import { listOverviewTokens, tokenFigures, type OverviewToken, type TokenFilter, type Tokens } from './tokens';

// The security overview of an organization (issue 20): its figures and what to fix next, for
// its super admins (the Overview page and GET /v1/organization/{id}/security-overview).

export type SecurityOverview = {
  organizationId: string;
  generatedTime: Date;
  coverage: Coverage;
  activity: Activity;
  tokens: Tokens;
  identity: IdentityFigures;
  recommendations: Recommendation[];
};

export async function computeSecurityOverview(ctx: Ctx, organization: Organization, options: CoverageOptions = {}): Promise<SecurityOverview> {
  // Independent reads: on PostgreSQL each takes a pooled connection of its own and they run at
  // once; on SQLite they queue on the one connection, as any statements do.
  const [members, activity, tokens, identity] = await Promise.all([
    memberCoverage(ctx, organization, options),
    activityOf(ctx, organization.id),
    tokenFigures(ctx, organization.id),
    identityFigures(ctx, organization.id),
  ]);
  const coverage = summarizeCoverage(members);
  const recommendations = recommend({ policy: policyOf(organization), coverage, tokens, identity });
  return { organizationId: organization.id, generatedTime: ctx.now, coverage, activity, tokens, identity, recommendations };
}

/** The overview as a super admin reads it; 403 for anyone else. */
export async function readSecurityOverview({ ctx, membership, options }: { ctx: Ctx; membership: MembershipWithOrg | null; options?: CoverageOptions }): Promise<SecurityOverview> {
  assertSuperAdmin(membership);
  return await computeSecurityOverview(ctx, membership.organization, options);
}

/** The members a coverage figure counts, by email: the page that explains the figure lists them. */
export async function listMembersByCoverage({ ctx, membership, filter, options }: { ctx: Ctx; membership: MembershipWithOrg | null; filter: CoverageFilter; options?: CoverageOptions }): Promise<MemberCoverage[]> {
  assertSuperAdmin(membership);
  return (await memberCoverage(ctx, membership.organization, options))
    .filter((member) => matchesCoverageFilter(member, filter))
    .sort((a, b) => a.email.localeCompare(b.email));
}

/** The tokens a token figure counts (at most `limit`, oldest first). */
export async function listTokensByFigure({ ctx, membership, filter, kind, limit }: { ctx: Ctx; membership: MembershipWithOrg | null; filter: TokenFilter; kind?: OverviewToken['kind']; limit?: number }): Promise<OverviewToken[]> {
  assertSuperAdmin(membership);
  return await listOverviewTokens(ctx, membership.organization.id, filter, { limit, kind });
}
