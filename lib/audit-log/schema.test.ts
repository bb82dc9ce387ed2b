import { describe, expect, it } from 'vitest';
import { auditFilterSchema, parseTimeBound } from './schema';

describe('parseTimeBound', () => {
  it.each([
    ['2026-03-01', 'start', '2026-03-01T00:00:00Z'],
    ['2026-03-01', 'end', '2026-03-01T23:59:59Z'],
    ['2026-03-01T12:30', 'start', '2026-03-01T12:30:00Z'],
    ['2026-03-01T12:30', 'end', '2026-03-01T12:30:59Z'],
    ['2026-03-01 12:30:15', 'end', '2026-03-01T12:30:15Z'],
    ['2026-03-01T12:30:15.999Z', 'start', '2026-03-01T12:30:15Z'],
    ['2026-03-01T12:30:00+02:00', 'start', '2026-03-01T10:30:00Z'],
    ['2026-03-01T00:30-0130', 'start', '2026-03-01T02:00:00Z'],
    ['2024-02-29', 'start', '2024-02-29T00:00:00Z'],
    [' 2026-03-01t12:30z ', 'start', '2026-03-01T12:30:00Z'],
  ] as const)('%j as %s is %s', (text, bound, expected) => expect(parseTimeBound(text, bound)).toBe(expected));

  it.each(['', 'now', '2026-3-1', '2026-02-29', '2026-13-01', '2026-03-01T25:00', '2026-03-01T12:60', '2026-03-01T12:30+24:00', '1709294400'])(
    '%j is not a time',
    (text) => expect(parseTimeBound(text, 'start')).toBeNull(),
  );
});

describe('auditFilterSchema', () => {
  it('turns empty form fields into "no filter" and normalizes the rest', () => {
    expect(auditFilterSchema.parse({ actor: ' Bob ', event: '', from: '2026-03-01', to: '' })).toEqual({
      actor: 'bob',
      event: undefined,
      from: '2026-03-01T00:00:00Z',
      to: undefined,
    });
  });

  it('puts a reversed range on the "to" field', () => {
    const result = auditFilterSchema.safeParse({ from: '2026-03-01T12:00', to: '2026-03-01T11:59' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['to', 'The end of the time range is before its start'],
    ]);
  });
});
