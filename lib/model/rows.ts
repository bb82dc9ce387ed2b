import { eq } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable, SQLiteUpdateSetSource } from 'drizzle-orm/sqlite-core';
import { iso, type Ctx } from '@/lib/context';
import { first } from '@/db/async';

/** Changes the row with this id, stamps its update time (now) and returns it as it is after. */
export async function updateRow<T extends SQLiteTable & { id: SQLiteColumn; updateTime: SQLiteColumn }>(
  ctx: Ctx,
  table: T,
  id: string,
  changes: Partial<T['$inferInsert']>,
): Promise<T['$inferSelect']> {
  const values = { ...changes, updateTime: iso(ctx.now) } as SQLiteUpdateSetSource<T>;
  return await first(ctx.db.update(table).set(values).where(eq(table.id, id)).returning()) as T['$inferSelect'];
}
