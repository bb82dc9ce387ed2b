// When a failed delivery is tried again: exponential backoff from RETRY_BASE_MS, doubling with
// each failure, capped at RETRY_CAP_MS. Events behind a failed one wait too (in order, always).

export const RETRY_BASE_MS = 1_000;
export const RETRY_CAP_MS = 5 * 60_000;

/** The wait after the `failures`-th failure in a row (1 → 1 s, 2 → 2 s, 3 → 4 s, ... at most 5 min). */
export function retryDelayMs(failures: number): number {
  if (failures < 1) return 0;
  // 2^19 s is far past the cap: stop there, so large counts never overflow to Infinity.
  return Math.min(RETRY_BASE_MS * 2 ** Math.min(failures - 1, 19), RETRY_CAP_MS);
}
