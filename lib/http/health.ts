import { getAsyncDb, ping, type AsyncDb } from '@/db/async';

// GET /healthz for load balancers and monitors: the process answers, and so does its database.

export type Health = { status: 'ok' | 'unavailable'; database: 'ok' | 'unavailable' };

/** 200 with both "ok", or 503 naming the database when it does not answer (or cannot be opened). */
export async function checkHealth(database: () => AsyncDb = getAsyncDb): Promise<{ status: 200 | 503; body: Health }> {
  try {
    await ping(database());
    return { status: 200, body: { status: 'ok', database: 'ok' } };
  } catch {
    return { status: 503, body: { status: 'unavailable', database: 'unavailable' } };
  }
}
