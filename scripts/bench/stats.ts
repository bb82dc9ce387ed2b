// The arithmetic of `npm run bench`: what a set of interleaved rounds says, and when a target
// counts as met. Kept apart from the measuring so that it can be tested without a server.

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * A figure measured once per round: its median, and the range in which the median lies with 95%
 * confidence (see medianInterval): with five rounds or fewer, the lowest and highest round.
 */
export type Spread = { median: number; low: number; high: number; rounds: number; confidence: number };

export function spread(values: readonly number[]): Spread {
  const { low, high, confidence } = medianInterval(values);
  return { median: median(values), low, high, rounds: values.length, confidence };
}

/** P(X ≤ k) for X ~ Binomial(n, 1/2). */
function binomialHalfCdf(n: number, k: number): number {
  let term = 0.5 ** n; // P(X = 0)
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    sum += term;
    term *= (n - i) / (i + 1);
  }
  return sum;
}

/**
 * A distribution-free confidence interval of the median, from the rounds' order statistics: the
 * median lies between the k-th lowest and the k-th highest round unless at least n − k + 1
 * rounds fall on one side of it, which, each round landing above or below with even odds, has
 * probability 2·P(Binomial(n, ½) ≤ k − 1). Takes the largest k that keeps that under 5%. Five
 * rounds or fewer never reach 95% (min–max covers 1 − 2/2ⁿ: 94% for five), so they give min–max
 * and say how sure it is. Unlike min–max, the interval does not widen as rounds are added.
 */
export function medianInterval(values: readonly number[]): { low: number; high: number; confidence: number } {
  if (values.length === 0) throw new Error('interval of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const coverage = (k: number) => 1 - 2 * binomialHalfCdf(n, k - 1);
  let k = 1;
  while (k + 1 <= Math.ceil(n / 2) && coverage(k + 1) >= 0.95) k += 1;
  return { low: sorted[k - 1]!, high: sorted[n - k]!, confidence: Math.round(coverage(k) * 1000) / 1000 };
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
 * A target of the form "at least `target`" is met when the low end of the spread reaches it, not
 * the median alone: so that the verdict does not flip between two runs (issue 18).
 */
export function meets(figure: Spread, target: number): boolean {
  return figure.low >= target;
}

/** A target of the form "at most `target`" (p99 ÷ p50): met when the spread's high end stays within it. */
export function meetsAtMost(figure: Spread, target: number): boolean {
  return figure.high <= target;
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

/**
 * For names that compare in pairs (A₁ B₁ A₂ B₂ …, each B against its A): every pair measured
 * back to back, A first in even rounds and B first in odd ones (A B, B A, A B, …), so that the
 * two of a pair are always neighbours in time and neither is always the one that runs second.
 */
export function pairedOrder<T>(names: readonly T[], round: number): T[] {
  if (names.length % 2) throw new Error('pairedOrder needs pairs');
  const order: T[] = [];
  for (let i = 0; i < names.length; i += 2) order.push(...(round % 2 ? [names[i + 1]!, names[i]!] : [names[i]!, names[i + 1]!]));
  return order;
}

/** Two decimals, for ratios in the table and the JSON. */
export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** "0.97 (0.95–0.99)": a spread's median and its interval. */
export function formatSpread(figure: Spread, digits = 2): string {
  const f = (v: number) => v.toFixed(digits);
  return `${f(figure.median)} (${f(figure.low)}–${f(figure.high)})`;
}
