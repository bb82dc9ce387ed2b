import { getDb, type Db } from '@/db/client';

/** What every lib/ function runs against: the database and the time it is "now". */
export type Ctx = { db: Db; now: Date };

/** The live context for a request: the process-wide database and the wall clock. */
export function liveCtx(): Ctx {
  return { db: getDb(), now: new Date() };
}

export function iso(date: Date): string {
  // Second precision, as the Aiven API writes times: "2026-11-23T07:20:00Z".
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
