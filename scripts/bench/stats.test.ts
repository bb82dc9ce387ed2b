import { describe, expect, it } from 'vitest';
import { formatSpread, median, medianInterval, meets, meetsAtMost, pairedOrder, roundOrder, roundRatios, spread } from './stats';

describe('median', () => {
  it.each([
    [[3], 3],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[5, 5, 1], 5],
  ])('of %j is %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('refuses no values rather than answering NaN', () => {
    expect(() => median([])).toThrow('median of no values');
  });
});

describe('roundRatios and spread', () => {
  it('divides round by round, not median by median', () => {
    // Round 2 was a noisy moment for both: per round, the ratio stays 0.9.
    const ratios = roundRatios([90, 45, 90], [100, 50, 100]);
    expect(ratios.map((r) => r.toFixed(2))).toEqual(['0.90', '0.90', '0.90']);
    expect(spread(ratios)).toMatchObject({ low: 0.9, high: 0.9, rounds: 3, confidence: 0.75 });
  });

  it('refuses rounds that do not pair up, and a zero denominator', () => {
    expect(() => roundRatios([1, 2], [1])).toThrow('ratio of 2 rounds to 1');
    expect(() => roundRatios([1], [0])).toThrow('round 1: the denominator is 0');
  });
});

describe('meetsAtMost', () => {
  it('is met only when the high end stays within the bound', () => {
    expect(meetsAtMost(spread([1.4, 1.9, 1.6]), 2)).toBe(true);
    expect(meetsAtMost(spread([1.4, 2.1, 1.6]), 2)).toBe(false);
    expect(meetsAtMost(spread([2]), 2)).toBe(true);
  });
});

describe('meets', () => {
  it('asks the low end of the interval, so one lucky round does not carry the verdict', () => {
    expect(meets(spread([0.97, 0.99, 0.96]), 0.95)).toBe(true);
    expect(meets(spread([0.99, 0.99, 0.94]), 0.95)).toBe(false);
    expect(meets(spread([0.95]), 0.95)).toBe(true);
  });
});

describe('roundOrder', () => {
  it('starts each round one later, so every name takes every place', () => {
    const names = ['a', 'b', 'c'];
    expect([0, 1, 2, 3].map((r) => roundOrder(names, r).join(''))).toEqual(['abc', 'bca', 'cab', 'abc']);
  });

  it('handles one name and none', () => {
    expect(roundOrder(['a'], 5)).toEqual(['a']);
    expect(roundOrder([], 2)).toEqual([]);
  });
});

it('formatSpread shows the median and the range', () => {
  expect(formatSpread(spread([0.951, 0.97, 0.99]))).toBe('0.97 (0.95–0.99)');
});

describe('medianInterval', () => {
  it('is min–max for five rounds or fewer, with how sure that is', () => {
    expect(medianInterval([3, 1, 2, 5, 4])).toEqual({ low: 1, high: 5, confidence: 0.938 });
    expect(medianInterval([2, 1])).toEqual({ low: 1, high: 2, confidence: 0.5 });
    expect(medianInterval([7])).toEqual({ low: 7, high: 7, confidence: 0 });
  });

  it('leaves out the extreme rounds once there are enough of them to stay 95% sure', () => {
    // Six rounds: 1 − 2·(1/64) = 0.969 for min–max; the next pair in would be 0.781.
    expect(medianInterval([1, 2, 3, 4, 5, 6])).toMatchObject({ low: 1, high: 6, confidence: 0.969 });
    // Nine rounds: the 2nd lowest to the 2nd highest covers 1 − 2·(10/512) = 0.961.
    expect(medianInterval([9, 1, 8, 2, 7, 3, 6, 4, 5])).toEqual({ low: 2, high: 8, confidence: 0.961 });
    // 24 rounds: the 7th to the 18th (the textbook table's interval for n = 24).
    const values = Array.from({ length: 24 }, (_, i) => i + 1);
    expect(medianInterval(values)).toMatchObject({ low: 7, high: 18 });
    expect(medianInterval(values).confidence).toBeGreaterThanOrEqual(0.95);
  });

  it('does not widen as rounds are added, unlike min–max', () => {
    const noisy = (n: number) => Array.from({ length: n }, (_, i) => 1 + ((i * 7919) % 21) / 100 - 0.1);
    const width = (n: number) => {
      const { low, high } = medianInterval(noisy(n));
      return high - low;
    };
    expect(width(40)).toBeLessThan(width(10));
  });

  it('refuses no values', () => {
    expect(() => medianInterval([])).toThrow('interval of no values');
  });
});

describe('pairedOrder', () => {
  it('keeps each pair side by side and swaps who goes first every round', () => {
    const names = ['a1', 'b1', 'a2', 'b2'];
    expect(pairedOrder(names, 0)).toEqual(['a1', 'b1', 'a2', 'b2']);
    expect(pairedOrder(names, 1)).toEqual(['b1', 'a1', 'b2', 'a2']);
    expect(pairedOrder(names, 2)).toEqual(['a1', 'b1', 'a2', 'b2']);
  });

  it('refuses an odd number of names', () => {
    expect(() => pairedOrder(['a', 'b', 'c'], 0)).toThrow('pairedOrder needs pairs');
  });
});
