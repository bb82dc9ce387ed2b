import { z } from 'zod';

// The filters of the audit log, shared by the Admin → Audit log form, its page and
// GET /v1/account/{account_id}/events. Zod only: the browser's filter form imports this file.

export const AUDIT_PAGE_SIZE = 50;
export const MAX_AUDIT_LIMIT = 1000;
export const DEFAULT_AUDIT_LIMIT = 100;

// "2026-03-01", "2026-03-01T12:30" (what <input type="datetime-local"> sends), with seconds,
// fractions, and "Z" or an offset. Without a zone the time is UTC, as the console shows times.
const TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A time bound as the stored ISO form ("2026-03-01T12:30:00Z"), or null if the text is not a
 * real time. An end bound given without seconds (or without a time) covers the whole minute
 * (or day) it names: "to 12:30" includes 12:30:45.
 */
export function parseTimeBound(text: string, bound: 'start' | 'end'): string | null {
  const match = TIME_PATTERN.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h, mi, s, zone] = match;
  const end = bound === 'end';
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h ?? (end ? 23 : 0)), Number(mi ?? (end ? 59 : 0)), Number(s ?? (end ? 59 : 0))] as const;
  const utc = Date.UTC(...parts);
  const check = new Date(utc);
  // Date.UTC rolls 2026-02-31 over into March: a date that does not round-trip does not exist.
  if (
    check.getUTCFullYear() !== parts[0] ||
    check.getUTCMonth() !== parts[1] ||
    check.getUTCDate() !== parts[2] ||
    check.getUTCHours() !== parts[3] ||
    check.getUTCMinutes() !== parts[4] ||
    check.getUTCSeconds() !== parts[5]
  ) {
    return null;
  }
  let offsetMinutes = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2));
    if (hours > 23 || minutes > 59) return null;
    offsetMinutes = sign * (hours * 60 + minutes);
  }
  return new Date(utc - offsetMinutes * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An optional text field of a filter: "" (an empty form field) means "not given". */
const blankToUndefined = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

const timeBoundSchema = (bound: 'start' | 'end', field: string) =>
  z
    .string({ error: `${field} must be a date or time` })
    .trim()
    .max(40, { error: 'Not a date or time' })
    .optional()
    .transform((value, ctx) => {
      if (!value) return undefined;
      const parsed = parseTimeBound(value, bound);
      if (parsed === null) {
        ctx.addIssue({ code: 'custom', message: `Not a date or time: ${value} (use 2026-03-01 or 2026-03-01T12:30)` });
        return z.NEVER;
      }
      return parsed;
    });

const filterFields = {
  /** Part of the email address of who did it, any case. */
  actor: z
    .string({ error: 'actor must be text' })
    .trim()
    .max(254, { error: 'Use at most 254 characters' })
    .optional()
    .transform((value) => blankToUndefined(value?.toLowerCase())),
  event: z
    .string({ error: 'event must be text' })
    .trim()
    .max(64, { error: 'Not an event name' })
    .regex(/^[a-z0-9_.]*$/, { error: 'Not an event name' })
    .optional()
    .transform(blankToUndefined),
  /** The client address the event came from, exactly as the log shows it. */
  ip: z
    .string({ error: 'ip must be text' })
    .trim()
    .max(45, { error: 'Not an IP address' })
    .regex(/^[0-9a-fA-F:.]*$/, { error: 'Not an IP address' })
    .optional()
    .transform((value) => blankToUndefined(value?.toLowerCase())),
  from: timeBoundSchema('start', 'from'),
  to: timeBoundSchema('end', 'to'),
};

const rangeInOrder = {
  check: (filter: { from?: string; to?: string }) => !(filter.from && filter.to && filter.from > filter.to),
  params: { error: 'The end of the time range is before its start', path: ['to'] },
};

/** The filters of the page's form: who, which event, from which address, when. */
export const auditFilterSchema = z.object(filterFields).refine(rangeInOrder.check, rangeInOrder.params);
export type AuditFilterInput = z.input<typeof auditFilterSchema>;
export type AuditFilter = z.output<typeof auditFilterSchema>;

/** Where a page of the log (newest first) ended: the last event's time and id. */
export type AuditCursor = { time: string; id: number };

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * The opaque `cursor` of GET /v1/account/{account_id}/events: base64url of `{"t":time,"i":id}`.
 * Opaque to callers (they pass back what `next_cursor` said), but not a secret: it only says
 * where to continue, and the query is still limited to the caller's organization.
 */
export function encodeAuditCursor(cursor: AuditCursor): string {
  // btoa, not Buffer: this file is also loaded in the browser (the filter form). The JSON is ASCII.
  return btoa(JSON.stringify({ t: cursor.time, i: cursor.id })).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The cursor a caller sent, or null if it is not one that encodeAuditCursor made. */
export function decodeAuditCursor(text: string): AuditCursor | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(text)) return null;
  let value: unknown;
  try {
    value = JSON.parse(atob(text.replace(/-/g, '+').replace(/_/g, '/')));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { t, i } = value as { t?: unknown; i?: unknown };
  if (typeof t !== 'string' || !CURSOR_TIME.test(t) || typeof i !== 'number' || !Number.isSafeInteger(i) || i < 0) return null;
  return { time: t, id: i };
}

const cursorField = z
  .string({ error: 'cursor must be text' })
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '') return undefined;
    const cursor = decodeAuditCursor(value);
    if (!cursor) {
      ctx.addIssue({ code: 'custom', message: 'Not a cursor of this log (pass back next_cursor as it was sent)' });
      return z.NEVER;
    }
    return cursor;
  });

/**
 * The API's query: the filters plus paging. Query values arrive as text; unknown parameters are
 * ignored (the Go client appends ?limit=999).
 */
export const auditQuerySchema = z
  .object({
    ...filterFields,
    limit: z.coerce
      .number({ error: 'limit must be a number' })
      .int({ error: 'limit must be a whole number' })
      .min(1, { error: 'limit must be at least 1' })
      .max(MAX_AUDIT_LIMIT, { error: `limit must be at most ${MAX_AUDIT_LIMIT}` })
      .default(DEFAULT_AUDIT_LIMIT),
    offset: z.coerce
      .number({ error: 'offset must be a number' })
      .int({ error: 'offset must be a whole number' })
      .min(0, { error: 'offset must be 0 or more' })
      .default(0),
    /**
     * Where the previous page ended (its `next_cursor`): keyset paging on (time, id), stable
     * while events are added, where an offset would shift. Not together with an offset.
     */
    cursor: cursorField,
  })
  .refine(rangeInOrder.check, rangeInOrder.params)
  .refine((query) => !(query.cursor && query.offset > 0), { error: 'Use either cursor or offset, not both', path: ['offset'] });
export type AuditQueryInput = z.input<typeof auditQuerySchema>;
export type AuditQuery = z.output<typeof auditQuerySchema>;
