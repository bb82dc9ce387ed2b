import { describe, expect, it } from 'vitest';
import { formatSpread, median, meets, roundOrder, roundRatios, spread } from './stats';

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
    expect(spread(ratios)).toMatchObject({ low: 0.9, high: 0.9, rounds: 3 });
  });

  it('refuses rounds that do not pair up, and a zero denominator', () => {
    expect(() => roundRatios([1, 2], [1])).toThrow('ratio of 2 rounds to 1');
    expect(() => roundRatios([1], [0])).toThrow('round 1: the denominator is 0');
  });
});

describe('meets', () => {
  it('asks the lowest round, so one lucky round does not carry the verdict', () => {
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
