import { and, eq, lte, or } from 'drizzle-orm';
import { auditStreamLeases } from '@/db/tables';
import { iso, type Ctx } from '@/lib/context';

// Which instance sends a destination's events: the holder of its lease row, until the expiry.
// One statement takes it (insert, or take over a lease that is the caller's own or has run out),
// so two instances asking at once cannot both get it: on SQLite the writes are serialized, on
// PostgreSQL the second upsert waits for the first's row lock and then sees the new holder.

export const LEASE_MS = 60_000;

/** Takes or renews the lease of a destination for `holder`; false when another instance holds it. */
export async function acquireLease(ctx: Ctx, destinationId: string, holder: string, ms: number = LEASE_MS): Promise<boolean> {
  const now = iso(ctx.now);
  const expiryTime = iso(new Date(ctx.now.getTime() + ms));
  const rows = await ctx.db
    .insert(auditStreamLeases)
    .values({ destinationId, holder, expiryTime })
    .onConflictDoUpdate({
      target: auditStreamLeases.destinationId,
      set: { holder, expiryTime },
      setWhere: or(eq(auditStreamLeases.holder, holder), lte(auditStreamLeases.expiryTime, now)),
    })
    .returning({ holder: auditStreamLeases.holder });
  return rows.length === 1 && rows[0]!.holder === holder;
}

/** Gives the lease up (only if still the holder's), so another instance need not wait for the expiry. */
export async function releaseLease(ctx: Ctx, destinationId: string, holder: string): Promise<void> {
  await ctx.db.delete(auditStreamLeases).where(and(eq(auditStreamLeases.destinationId, destinationId), eq(auditStreamLeases.holder, holder)));
}
