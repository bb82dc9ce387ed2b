import { and, asc, eq, isNull, lte, or, sql } from 'drizzle-orm';
import { type Token, type User } from '@/db/schema';
import { memberships, organizations, tokens, users } from '@/db/tables';
import type { MembershipWithOrg } from '@/lib/call';
import { type Ctx, iso } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { countTokenLookup, type TokenLookupOutcome } from '@/lib/metrics/count';
import { allowlistOf } from '@/lib/net/cidr';
import { preparedPerDb } from '@/lib/prepared';
import { hashesEqual, hashToken } from './token';
import { first } from '@/db/async';

/** Last-used fields are written at most this often per token, not on every request. */
export const TOUCH_INTERVAL_MS = 60_000;

// The token, its user and the user's memberships in one statement: the gate runs this on every
// request (twice: proxy and handler), and on PostgreSQL each statement is a round trip. One row
// per membership (or one, with no organization, for a user without any), oldest first, as
// listMemberships orders them; read in one snapshot, so the memberships are the token's user's
// as of the same moment as the token.
const tokenByHash = preparedPerDb((db) =>
  db
    .select({ token: tokens, user: users, organization: organizations, isSuperAdmin: memberships.isSuperAdmin, joinTime: memberships.joinTime })
    .from(tokens)
    .innerJoin(users, eq(users.id, tokens.userId))
    .leftJoin(memberships, eq(memberships.userId, users.id))
    .leftJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(tokens.tokenHash, sql.placeholder('hash')))
    .orderBy(asc(memberships.joinTime), asc(organizations.name))
    .prepare(),
);

/** A usable token, its user and the organizations the user belongs to (oldest membership first). */
export type ResolvedToken = { token: Token; user: User; memberships: MembershipWithOrg[] };

export type ResolveTokenInput = {
  token: string;
  ip: string | null;
  userAgent: string | null;
  /**
   * Where only some kinds of token may be used (the session cookie): a 401 message for a token
   * refused here, or null. Checked before anything else about the token, so a refused token is
   * neither touched nor extended, and the answer says nothing of its expiry or allowlist.
   */
  accept?: (token: Token) => string | null;
};

/**
 * Finds the token's row and user and checks that the token may be used now, from this address.
 * Throws 401 for an unknown, expired or invalidated token and 403 for an address outside the
 * token's own allowlist. Records the use (throttled) and slides the expiry of
 * extend-when-used tokens.
 */
export async function resolveToken({ ctx, input }: { ctx: Ctx; input: ResolveTokenInput }): Promise<ResolvedToken> {
  const hash = hashToken(input.token);
  const rows = await tokenByHash(ctx.db).execute({ hash });
  const row = rows[0];
  // The lookup is by hash through a unique index; the comparison below is the constant-time
  // check that the row found is really this token's.
  if (!row || !hashesEqual(row.token.tokenHash, hash)) {
    throw refused('unknown', new AppError('unauthorized', 'Invalid token: it does not exist or has been revoked'));
  }
  const { token, user } = row;
  const refusal = input.accept?.(token);
  if (refusal) throw refused('not_accepted', new AppError('unauthorized', refusal));
  const now = iso(ctx.now);
  if (token.expiryTime !== null && token.expiryTime <= now) {
    throw refused('expired', new AppError('unauthorized', 'Token has expired'));
  }
  if (user.tokenValidityBegin !== null && token.createTime < user.tokenValidityBegin) {
    throw refused('invalidated', new AppError('unauthorized', 'Invalid token: all tokens of this user were expired'));
  }
  if (user.state !== 'active') {
    throw refused('deactivated', new AppError('forbidden', 'This user account is deactivated'));
  }
  if (!allowlistOf(token.ipAllowlist).admits(input.ip)) {
    throw refused('ip_not_allowed', new AppError('forbidden', `IP address ${input.ip ?? 'unknown'} is not in this token's IP allowlist`));
  }
  countTokenLookup('valid');
  const memberOf = rows.flatMap(({ organization, isSuperAdmin, joinTime }) =>
    organization && isSuperAdmin !== null && joinTime !== null ? [{ organization, isSuperAdmin, joinTime }] : [],
  );
  return { token: await touchToken(ctx, token, input), user, memberships: memberOf };
}

/** Counts a refused lookup for the metrics (by why) and hands back the error to throw. */
function refused(outcome: TokenLookupOutcome, error: AppError): AppError {
  countTokenLookup(outcome);
  return error;
}

/**
 * Throws as resolveToken would if the token the gate resolved for this request was revoked (401)
 * or its user deactivated (403) since. Call it inside the transaction of a write that the token
 * authorizes and that a revocation must not miss: the gate checked the token before the
 * transaction began, and a "revoke every token" that committed in between (on this instance or
 * another) would not find what the write then makes. Read inside the transaction, the check and
 * the write are one step: on SQLite the transactions run one after the other; on PostgreSQL
 * SERIALIZABLE aborts one of the two (this read of the token, the revocation's delete of it and
 * the write the revocation's delete would have ended) and the retry sees the other's outcome.
 */
export async function assertTokenStillValid(ctx: Ctx, token: Pick<Token, 'id'>): Promise<void> {
  const row = await first(
    ctx.db.select({ state: users.state }).from(tokens).innerJoin(users, eq(users.id, tokens.userId)).where(eq(tokens.id, token.id)).limit(1),
  );
  if (!row) throw new AppError('unauthorized', 'Invalid token: it does not exist or has been revoked');
  if (row.state !== 'active') throw new AppError('forbidden', 'This user account is deactivated');
}

async function touchToken(ctx: Ctx, token: Token, input: ResolveTokenInput): Promise<Token> {
  const last = token.lastUsedTime ? Date.parse(token.lastUsedTime) : 0;
  if (ctx.now.getTime() - last < TOUCH_INTERVAL_MS) return token;
  const changes: Partial<Token> = {
    lastUsedTime: iso(ctx.now),
    lastIp: input.ip,
    lastUserAgent: input.userAgent ? input.userAgent.slice(0, 512) : null,
  };
  if (token.extendWhenUsed && token.maxAgeSeconds !== null) {
    changes.expiryTime = iso(new Date(ctx.now.getTime() + token.maxAgeSeconds * 1000));
  }
  // Not in a transaction: a burst of requests with one token (a page's parallel fetches, spread
  // over several instances) all reach this at once, and as SERIALIZABLE transactions on
  // PostgreSQL each would abort the others with "concurrent update" until the retries ran out,
  // failing the requests. One statement at a time, the first one writes and the others find the
  // token touched already (the condition is checked again after waiting for the row), so the
  // last-used fields and a slid expiry move forward once, and never fail a request.
  const touched = await ctx.db
    .update(tokens)
    .set(changes)
    .where(and(eq(tokens.id, token.id), or(isNull(tokens.lastUsedTime), lte(tokens.lastUsedTime, iso(new Date(ctx.now.getTime() - TOUCH_INTERVAL_MS))))))
    .returning({ id: tokens.id });
  if (touched.length > 0) await ctx.db.update(users).set({ lastActivityTime: changes.lastUsedTime }).where(eq(users.id, token.userId));
  return { ...token, ...changes };
}
