import { getAsyncDb, transaction, type AsyncDb, type TransactionOptions } from '@/db/async';

/** What every lib/ function runs against: the database and the time it is "now". */
export type Ctx = { db: AsyncDb; now: Date };

/** The live context for a request: the process-wide database and the wall clock. */
export function liveCtx(): Ctx {
  return { db: getAsyncDb(), now: new Date() };
}

export function iso(date: Date): string {
  // Second precision, as the Aiven API writes times: "2026-11-23T07:20:00Z".
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Runs `work` in one database transaction (db/async.ts transaction()), handing it a copy of `ctx`
 * (or of a call holding one) whose db is the transaction's. Everything inside must use that copy:
 * on PostgreSQL, the outer ctx.db is another pooled connection, outside the transaction.
 * `options.lock` queues the transactions of one name (db/async.ts TransactionOptions).
 */
export function inTransaction<C extends Ctx | { ctx: Ctx }, T>(holder: C, work: (holder: C) => Promise<T>, options?: TransactionOptions): Promise<T> {
  const outer = 'db' in holder ? holder.db : holder.ctx.db;
  return transaction(outer, (tx) => work('db' in holder ? { ...holder, db: tx } : { ...holder, ctx: { ...holder.ctx, db: tx } }), options);
}

/**
 * The lock (db/async.ts TransactionOptions) of changes to one organization's policy and members:
 * each of those reads what the others write (the policy row; the super admins the
 * last-super-admin guard counts), so many at once queue instead of aborting each other.
 */
export function organizationLock(organizationId: string): TransactionOptions {
  return { lock: `organization:${organizationId}` };
}
