import { eq, sql } from 'drizzle-orm';
import { type Token, type User } from '@/db/schema';
import { tokens, users } from '@/db/tables';
import { type Ctx, inTransaction, iso } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { allowlistOf } from '@/lib/net/cidr';
import { preparedPerDb } from '@/lib/prepared';
import { hashesEqual, hashToken } from './token';

/** Last-used fields are written at most this often per token, not on every request. */
export const TOUCH_INTERVAL_MS = 60_000;

const tokenByHash = preparedPerDb((db) =>
  db
    .select({ token: tokens, user: users })
    .from(tokens)
    .innerJoin(users, eq(users.id, tokens.userId))
    .where(eq(tokens.tokenHash, sql.placeholder('hash')))
    .prepare(),
);

export type ResolvedToken = { token: Token; user: User };

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
  const row = (await tokenByHash(ctx.db).execute({ hash }))[0];
  // The lookup is by hash through a unique index; the comparison below is the constant-time
  // check that the row found is really this token's.
  if (!row || !hashesEqual(row.token.tokenHash, hash)) {
    throw new AppError('unauthorized', 'Invalid token: it does not exist or has been revoked');
  }
  const { token, user } = row;
  const refusal = input.accept?.(token);
  if (refusal) throw new AppError('unauthorized', refusal);
  const now = iso(ctx.now);
  if (token.expiryTime !== null && token.expiryTime <= now) {
    throw new AppError('unauthorized', 'Token has expired');
  }
  if (user.tokenValidityBegin !== null && token.createTime < user.tokenValidityBegin) {
    throw new AppError('unauthorized', 'Invalid token: all tokens of this user were expired');
  }
  if (user.state !== 'active') {
    throw new AppError('forbidden', 'This user account is deactivated');
  }
  if (!allowlistOf(token.ipAllowlist).admits(input.ip)) {
    throw new AppError('forbidden', `IP address ${input.ip ?? 'unknown'} is not in this token's IP allowlist`);
  }
  return { token: await touchToken(ctx, token, input), user };
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
  await inTransaction(ctx, async (ctx) => {
    await ctx.db.update(tokens).set(changes).where(eq(tokens.id, token.id));
    await ctx.db.update(users).set({ lastActivityTime: changes.lastUsedTime }).where(eq(users.id, token.userId));
  });
  return { ...token, ...changes };
}
