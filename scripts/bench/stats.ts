// The arithmetic of `npm run bench`: what a set of interleaved rounds says, and when a target
// counts as met. Kept apart from the measuring so that it can be tested without a server.

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A figure measured once per round: its median and the lowest and highest round. */
export type Spread = { median: number; low: number; high: number; rounds: number };

export function spread(values: readonly number[]): Spread {
  return { median: median(values), low: Math.min(...values), high: Math.max(...values), rounds: values.length };
}

/**
 * Per-round ratios of two figures measured in the same rounds (`numerator[i] / denominator[i]`):
 * both were measured within seconds of each other, so a noisy moment of the machine hurts both
 * and largely cancels, which a ratio of two medians would not do.
 */
export function roundRatios(numerator: readonly number[], denominator: readonly number[]): number[] {
  if (numerator.length !== denominator.length) throw new Error(`ratio of ${numerator.length} rounds to ${denominator.length}`);
  return numerator.map((value, i) => {
    const base = denominator[i]!;
    if (!(base > 0)) throw new Error(`round ${i + 1}: the denominator is ${base}`);
    return value / base;
  });
}

/**
 * A target of the form "at least `target`" is met when the lowest round reaches it, not the
 * median alone: so that the verdict does not flip between two runs (issue 18).
 */
export function meets(figure: Spread, target: number): boolean {
  return figure.low >= target;
}

/**
 * The order in which `names` are measured in round `round` (from 0): each round starts one later
 * (A B C, B C A, C A B, …), so that no name always runs first, right after a quiet pause, or
 * always last, when the machine is warmest.
 */
export function roundOrder<T>(names: readonly T[], round: number): T[] {
  const shift = names.length ? round % names.length : 0;
  return [...names.slice(shift), ...names.slice(0, shift)];
}

/** Two decimals, for ratios in the table and the JSON. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** "0.97 (0.95–0.99)": a spread's median and its range. */
export function formatSpread(figure: Spread, digits = 2): string {
  const f = (v: number) => v.toFixed(digits);
  return `${f(figure.median)} (${f(figure.low)}–${f(figure.high)})`;
}
