import { and, eq, gt, isNull, or, sql } from 'drizzle-orm';
import { externalIdentities, passwordCredentials, tokens, totpCredentials } from '@/db/tables';
import { first } from '@/db/async';
import { iso, type Ctx } from '@/lib/context';
import { tokenCondition, type TokenFigures } from './tokens';

// The Overview of a member who is not a super admin: their own ways in, second factor and
// personal tokens. Nothing of anyone else's.

export type PersonalOverview = {
  hasPassword: boolean;
  twoFactor: boolean;
  /** Linked identities by provider: "google", "microsoft", "github", "saml:<authentication_method_id>". */
  linkedProviders: string[];
  tokens: TokenFigures;
};

const sumOf = (condition: ReturnType<typeof tokenCondition>) => sql<number>`coalesce(sum(case when ${condition ?? sql`1 = 1`} then 1 else 0 end), 0)`.mapWith(Number);

export async function personalOverview(ctx: Ctx, userId: string): Promise<PersonalOverview> {
  const password = await first(ctx.db.select({ userId: passwordCredentials.userId }).from(passwordCredentials).where(eq(passwordCredentials.userId, userId)).limit(1));
  const totp = await first(ctx.db.select({ confirmed: totpCredentials.confirmedTime }).from(totpCredentials).where(eq(totpCredentials.userId, userId)).limit(1));
  const linked = await ctx.db.select({ provider: externalIdentities.provider }).from(externalIdentities).where(eq(externalIdentities.userId, userId));
  const figures = (await first(
    ctx.db
      .select({
        all: sumOf(undefined),
        no_expiry: sumOf(tokenCondition('no_expiry', ctx.now)),
        no_ip_allowlist: sumOf(tokenCondition('no_ip_allowlist', ctx.now)),
        unused: sumOf(tokenCondition('unused', ctx.now)),
        expiring: sumOf(tokenCondition('expiring', ctx.now)),
      })
      .from(tokens)
      .where(and(eq(tokens.userId, userId), eq(tokens.kind, 'personal'), or(isNull(tokens.expiryTime), gt(tokens.expiryTime, iso(ctx.now)))))
      .limit(1),
  ))!;
  return {
    hasPassword: password !== undefined,
    twoFactor: totp?.confirmed != null,
    linkedProviders: [...new Set(linked.map((l) => l.provider))].sort(),
    tokens: figures,
  };
}
