import { and, asc, eq, gt, inArray, isNotNull, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { currentEngine, memberships, tokens, users } from '@/db/tables';
import { iso, type Ctx } from '@/lib/context';

// Tokens: the personal tokens of the organization's members and the tokens of its application
// users (sessions are left out: they come and go with sign-ins). A token counts while it
// works: expired ones are not counted. Counted by the database in one query.

export const UNUSED_DAYS = 90;
export const EXPIRING_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export const TOKEN_FILTERS = ['all', 'no_expiry', 'no_ip_allowlist', 'unused', 'expiring'] as const;
export type TokenFilter = (typeof TOKEN_FILTERS)[number];

export type TokenFigures = Record<TokenFilter, number>;
export type Tokens = { personal: TokenFigures; application: TokenFigures };

/** The tokens the overview is about: members' personal tokens and application users' tokens, not yet expired. */
function organizationTokens(organizationId: string, now: Date): SQL {
  return and(
    eq(memberships.organizationId, organizationId),
    or(
      and(eq(tokens.kind, 'personal'), eq(users.isApplicationUser, false)),
      and(eq(tokens.kind, 'application'), eq(users.isApplicationUser, true)),
    ),
    or(isNull(tokens.expiryTime), gt(tokens.expiryTime, iso(now))),
  )!;
}

/** The condition of each figure. */
export function tokenCondition(filter: TokenFilter, now: Date): SQL | undefined {
  switch (filter) {
    case 'all':
      return undefined;
    case 'no_expiry':
      return isNull(tokens.expiryTime);
    case 'no_ip_allowlist':
      // An empty JSON list, as each engine stores it (text on SQLite, jsonb on PostgreSQL).
      return currentEngine() === 'postgres' ? sql`jsonb_array_length(${tokens.ipAllowlist}) = 0` : sql`${tokens.ipAllowlist} = '[]'`;
    case 'unused': {
      // Last used more than 90 days ago, or never used and made more than 90 days ago.
      const cutoff = iso(new Date(now.getTime() - UNUSED_DAYS * DAY_MS));
      return or(and(isNotNull(tokens.lastUsedTime), lt(tokens.lastUsedTime, cutoff)), and(isNull(tokens.lastUsedTime), lt(tokens.createTime, cutoff)));
    }
    case 'expiring':
      return and(isNotNull(tokens.expiryTime), gt(tokens.expiryTime, iso(now)), lte(tokens.expiryTime, iso(new Date(now.getTime() + EXPIRING_DAYS * DAY_MS))));
  }
}

const sumOf = (condition: SQL | undefined) => sql<number>`sum(case when ${condition ?? sql`1 = 1`} then 1 else 0 end)`.mapWith(Number);

export async function tokenFigures(ctx: Ctx, organizationId: string): Promise<Tokens> {
  const rows = await ctx.db
    .select({
      kind: tokens.kind,
      all: sumOf(undefined),
      no_expiry: sumOf(tokenCondition('no_expiry', ctx.now)),
      no_ip_allowlist: sumOf(tokenCondition('no_ip_allowlist', ctx.now)),
      unused: sumOf(tokenCondition('unused', ctx.now)),
      expiring: sumOf(tokenCondition('expiring', ctx.now)),
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(tokens, eq(tokens.userId, memberships.userId))
    .where(organizationTokens(organizationId, ctx.now))
    .groupBy(tokens.kind);
  const empty = (): TokenFigures => ({ all: 0, no_expiry: 0, no_ip_allowlist: 0, unused: 0, expiring: 0 });
  const result: Tokens = { personal: empty(), application: empty() };
  for (const { kind, ...figures } of rows) {
    if (kind === 'personal' || kind === 'application') result[kind] = figures;
  }
  return result;
}

export type OverviewToken = {
  id: string;
  userId: string;
  email: string;
  /** The application user's name; '' for a member. */
  name: string;
  isApplicationUser: boolean;
  kind: 'personal' | 'application';
  tokenPrefix: string;
  description: string;
  createTime: string;
  expiryTime: string | null;
  lastUsedTime: string | null;
  ipAllowlist: string[];
};

/** The tokens a figure counts (of one kind, when given), oldest first, at most `limit`. */
export async function listOverviewTokens(
  ctx: Ctx,
  organizationId: string,
  filter: TokenFilter,
  { limit = 500, ids, kind }: { limit?: number; ids?: readonly string[]; kind?: OverviewToken['kind'] } = {},
): Promise<OverviewToken[]> {
  const rows = await ctx.db
    .select({
      id: tokens.id,
      userId: tokens.userId,
      email: users.email,
      name: users.realName,
      isApplicationUser: users.isApplicationUser,
      kind: tokens.kind,
      tokenPrefix: tokens.tokenPrefix,
      description: tokens.description,
      createTime: tokens.createTime,
      expiryTime: tokens.expiryTime,
      lastUsedTime: tokens.lastUsedTime,
      ipAllowlist: tokens.ipAllowlist,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(tokens, eq(tokens.userId, memberships.userId))
    .where(and(organizationTokens(organizationId, ctx.now), tokenCondition(filter, ctx.now), ids ? inArray(tokens.id, [...ids]) : undefined, kind ? eq(tokens.kind, kind) : undefined))
    .orderBy(asc(tokens.createTime), asc(tokens.id))
    .limit(limit);
  return rows.map((row) => ({ ...row, kind: row.kind as OverviewToken['kind'], name: row.isApplicationUser ? row.name : '' }));
}
