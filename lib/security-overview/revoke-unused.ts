import { inArray } from 'drizzle-orm';
import { tokens } from '@/db/tables';
import { assertSuperAdmin, audit, type OrgCall } from '@/lib/call';
import { inTransaction } from '@/lib/context';
import { parseInput } from '@/lib/errors';
import { MAX_REVOKE_AT_ONCE, revokeUnusedTokensSchema } from './schema';
import { listOverviewTokens, type OverviewToken } from './tokens';

// "Revoke unused tokens…": the super admin sees the list (the preview), confirms, and exactly
// those tokens go that are still unused for 90 days and still belong to this organization's
// members (personal tokens) or application users. A token id of another organization, a
// session, or a token used since the preview is left alone: the list decides nothing by itself.

/** The tokens "Revoke unused tokens…" would revoke, oldest first (at most MAX_REVOKE_AT_ONCE). */
export async function previewUnusedTokens(call: Pick<OrgCall, 'ctx' | 'membership'>): Promise<OverviewToken[]> {
  assertSuperAdmin(call.membership);
  return await listOverviewTokens(call.ctx, call.membership.organization.id, 'unused', { limit: MAX_REVOKE_AT_ONCE });
}

/** Revokes the confirmed tokens that still qualify; one audit event names them all. */
export async function revokeUnusedTokens(call: OrgCall & { input: unknown }): Promise<OverviewToken[]> {
  assertSuperAdmin(call.membership);
  const { token_ids } = parseInput(revokeUnusedTokensSchema, call.input);
  const organizationId = call.membership.organization.id;
  return await inTransaction(call, async (call) => {
    const revoked = await listOverviewTokens(call.ctx, organizationId, 'unused', { ids: [...new Set(token_ids)], limit: MAX_REVOKE_AT_ONCE });
    if (revoked.length === 0) return [];
    await call.ctx.db.delete(tokens).where(inArray(tokens.id, revoked.map((t) => t.id)));
    await audit(call, 'member.unused_tokens_revoked', {
      count: revoked.length,
      tokens: revoked.map((t) => ({
        user_id: t.userId,
        user_email: t.email,
        application_user: t.isApplicationUser,
        token_prefix: t.tokenPrefix,
        kind: t.kind,
        last_used_time: t.lastUsedTime,
      })),
    }, organizationId);
    return revoked;
  });
}
