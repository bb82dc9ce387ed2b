import { and, count, desc, eq, ne } from 'drizzle-orm';
import { type Token } from '@/db/schema';
import { tokens, users } from '@/db/tables';
import { audit, type Call, type Principal } from '@/lib/call';
import { type Ctx, inTransaction, iso } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { personalTokenCreationRefusal, policyOf } from '@/lib/policy/policy';
import { createRequestedToken, type CreatedToken } from './create';
import { wideningRefusals, type RequestedLimits } from './narrowing';
import { createTokenSchema, updateTokenSchema } from './schema';
import { assertTokenStillValid } from './resolve';
import { hashToken, looksLikeFullToken } from './token';
import { affectedRows, first, single } from '@/db/async';

// A user's own tokens: personal tokens they create and the session tokens their sign-ins
// created. Every function acts on the caller's tokens only: a prefix of someone else's token
// is "not found", never "forbidden".

/**
 * Refuses (403, naming each wider part) a token wider than the caller's own token, and records the
 * attempt: a token that tries to widen itself is likely a leaked one. Login sessions pass.
 * `recordRefusal` writes the audit event where the caller's audit belongs.
 */
export async function assertWithinCallerToken(
  ctx: Ctx,
  principal: Principal,
  requested: RequestedLimits,
  recordRefusal: (details: Record<string, unknown>) => Promise<void>,
): Promise<void> {
  const refusals = wideningRefusals(principal.token, requested, ctx.now);
  if (refusals.length === 0) return;
  const message = refusals.join('; ');
  // Outside the creating transaction (none has begun): the refusal is kept, nothing else happens.
  await recordRefusal({
    reason: message,
    parent_token_prefix: principal.token.tokenPrefix,
    parent_kind: principal.token.kind,
    requested: {
      scopes: requested.scopes,
      ip_allowlist: requested.ipAllowlist,
      max_age_seconds: requested.maxAgeSeconds,
      extend_when_used: requested.extendWhenUsed,
    },
  });
  throw new AppError('forbidden', message);
}

/**
 * The lock of a user's token creations and mass revocations (db/async.ts TransactionOptions): a
 * script making many tokens at once, or a "revoke every token" in the middle of them, waits its
 * turn rather than abort the others with serialization failures on PostgreSQL (one revocation
 * among 50 concurrent creations ran out of retries without it).
 */
const userTokensLock = (userId: string) => ({ lock: `user-tokens:${userId}` });

/** The limits a parsed create-token input asks for. */
export const requestedLimits = (input: { scopes: string[]; ip_allowlist: string[]; max_age_seconds: number | null; extend_when_used: boolean }): RequestedLimits => ({
  scopes: input.scopes,
  ipAllowlist: input.ip_allowlist,
  maxAgeSeconds: input.max_age_seconds,
  extendWhenUsed: input.extend_when_used,
});

/**
 * Creates a personal token. It carries the sign-in method of the token that created it, so
 * that an organization which stops allowing that method can stop its tokens too.
 */
export async function createPersonalToken(call: Call & { input: unknown }): Promise<CreatedToken> {
  const input = parseInput(createTokenSchema, call.input);
  // Refused when the organization managing the user refuses, or when every organization of
  // the user does (a token no organization accepts is of no use). Otherwise each organization's
  // gate decides whether the token works on its resources.
  const { user, memberships } = call.principal;
  const refusals = memberships.map(({ organization }) => ({
    organization,
    managing: user.managingOrganizationId === organization.id,
    refusal: personalTokenCreationRefusal(policyOf(organization), {
      managedByThisOrganization: user.managingOrganizationId === organization.id,
    }),
  }));
  const blocking = refusals.find((r) => r.managing && r.refusal) ?? (refusals.every((r) => r.refusal) ? refusals[0] : undefined);
  if (blocking?.refusal) throw new AppError('forbidden', `Organization "${blocking.organization.name}" ${blocking.refusal}`);
  // Made with a personal or application token: no wider than it (lib/tokens/narrowing.ts).
  await assertWithinCallerToken(call.ctx, call.principal, requestedLimits(input), (details) => audit(call, 'token.creation_refused', details));
  return await inTransaction(call, async (call) => {
    // A token that asks for a token while it is being revoked must not leave one behind.
    await assertTokenStillValid(call.ctx, call.principal.token);
    const owner = { userId: call.principal.user.id, kind: 'personal', authMethod: call.principal.token.authMethod } as const;
    const created = await createRequestedToken(call.ctx, owner, input);
    await audit(call, 'token.created', {
        token_prefix: created.token.tokenPrefix,
        description: created.token.description,
        max_age_seconds: created.token.maxAgeSeconds,
        extend_when_used: created.token.extendWhenUsed,
        ip_allowlist: created.token.ipAllowlist,
        scopes: created.token.scopes,
      });
    return created;
  }, userTokensLock(call.principal.user.id));
}

/** The user's tokens, newest first; `limit`/`offset` page through long lists. */
export async function listTokens(ctx: Ctx, userId: string, page: { limit?: number; offset?: number } = {}): Promise<Token[]> {
  const query = ctx.db.select().from(tokens).where(eq(tokens.userId, userId)).orderBy(desc(tokens.createTime), desc(tokens.id));
  return page.limit === undefined ? await query : await query.limit(page.limit).offset(page.offset ?? 0);
}

export async function countTokens(ctx: Ctx, userId: string): Promise<number> {
  return (await first(ctx.db.select({ n: count() }).from(tokens).where(eq(tokens.userId, userId)).limit(1)))!.n;
}

/** One of the user's tokens, named by its prefix or by the full token (avn accepts either). */
export async function findOwnToken(ctx: Ctx, userId: string, prefixOrToken: string): Promise<Token> {
  const byFullToken = looksLikeFullToken(prefixOrToken);
  const row = await first(
    ctx.db
      .select()
      .from(tokens)
      .where(
        and(
          eq(tokens.userId, userId),
          byFullToken ? eq(tokens.tokenHash, hashToken(prefixOrToken)) : eq(tokens.tokenPrefix, prefixOrToken),
        ),
      )
      .limit(1),
  );
  if (!row) throw new AppError('not_found', byFullToken ? 'Token not found' : `Token ${prefixOrToken} not found`);
  return row;
}

export async function updateTokenDescription(call: Call & { prefix: string; input: unknown }): Promise<Token> {
  const { description } = parseInput(updateTokenSchema, call.input);
  return await inTransaction(call, async (call) => {
    const token = await findOwnToken(call.ctx, call.principal.user.id, call.prefix);
    const updated = await single(call.ctx.db.update(tokens).set({ description }).where(eq(tokens.id, token.id)).returning());
    await audit(call, 'token.updated', { token_prefix: token.tokenPrefix, old: { description: token.description }, new: { description } });
    return updated;
  });
}

/** Revokes one token. Revoking the token of the request itself signs the caller out. */
export async function revokeToken(call: Call & { prefixOrToken: string }): Promise<Token> {
  return await inTransaction(call, async (call) => {
    const token = await findOwnToken(call.ctx, call.principal.user.id, call.prefixOrToken);
    await call.ctx.db.delete(tokens).where(eq(tokens.id, token.id));
    await audit(call, 'token.revoked', { token_prefix: token.tokenPrefix, kind: token.kind, description: token.description });
    return token;
  });
}

/** "Sign out everywhere else": every token of the user but the one making the request. */
export async function revokeOtherTokens(call: Call): Promise<number> {
  return await inTransaction(call, async (call) => {
    const changes = affectedRows(await call.ctx.db
      .delete(tokens)
      .where(and(eq(tokens.userId, call.principal.user.id), ne(tokens.id, call.principal.token.id))));
    await audit(call, 'token.revoked', { scope: 'all_other_tokens', count: changes, kept: call.principal.token.tokenPrefix });
    return changes;
  }, userTokensLock(call.principal.user.id));
}

/**
 * POST /v1/me/expire_tokens: every token of the user, the current one included, stops working.
 * token_validity_begin records when, as upstream reports it.
 */
export async function expireAllTokens(call: Call): Promise<number> {
  return await inTransaction(call, async (call) => {
    const changes = affectedRows(await call.ctx.db.delete(tokens).where(eq(tokens.userId, call.principal.user.id)));
    await call.ctx.db.update(users).set({ tokenValidityBegin: iso(call.ctx.now) }).where(eq(users.id, call.principal.user.id));
    await audit(call, 'token.revoked', { scope: 'all_tokens', count: changes });
    return changes;
  }, userTokensLock(call.principal.user.id));
}
