import { describe, expect, it } from 'vitest';
import type { Ctx } from '@/lib/context';
import { recordAudit, type AuditEventName } from '@/lib/audit/record';
import { addMember, callAs, seedOrganizationWithAdmin } from '@/lib/testing/members';
import { seedOrganization, testCtx } from '@/lib/testing/seed';
import { rejection } from '@/lib/testing/errors';
import { csvField, csvHeader, exportAuditLog } from './export';
import { readAuditLog } from './query';
import { decodeAuditCursor, encodeAuditCursor } from './schema';

async function record(ctx: Ctx, organizationId: string | null, time: string, event: AuditEventName, actorEmail: string | null, details = {}) {
  await recordAudit({ ...ctx, now: new Date(time) }, { event, organizationId, actorEmail, actorUserId: null, ip: '192.0.2.7', userAgent: 'ua', details });
}

async function world() {
  const ctx = testCtx();
  const { organization, admin } = await seedOrganizationWithAdmin(ctx, { adminEmail: 'admin@example.test' });
  const bob = await addMember(ctx, organization.id, { email: 'bob@example.test' });
  const call = await callAs(ctx, admin.id, organization.id);
  return { ctx, organization, admin, bob, call };
}

async function text(download: { chunks: AsyncGenerator<string> }): Promise<string> {
  let out = '';
  for await (const chunk of download.chunks) out += chunk;
  return out;
}

/** A minimal RFC 4180 reader for the tests: fields, quotes doubled, CRLF rows. */
function parseCsv(input: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\r' && input[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
    else field += c;
  }
  return rows;
}

describe('csvField', () => {
  it.each([
    ['plain', '"plain"'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r\nlf', '"cr\r\nlf"'],
    // Formula injection: a leading = + - @ tab or CR is made text with a leading quote.
    ['=HYPERLINK("http://evil.test","x")', '"\'=HYPERLINK(""http://evil.test"",""x"")"'],
    ['+1+2', '"\'+1+2"'],
    ['-2+3', '"\'-2+3"'],
    ['@SUM(A1)', '"\'@SUM(A1)"'],
    ['\t=1', '"\'\t=1"'],
    ['\r=1', '"\'\r=1"'],
    ['a=1', '"a=1"'],
    [null, '""'],
    [42, '"42"'],
    [{ a: 'b,"c"' }, '"{""a"":""b,\\""c\\""""}"'],
  ])('%j → %s', (value, expected) => expect(csvField(value)).toBe(expected));
});

describe('exportAuditLog', () => {
  it('is for super admins of the organization only, and checks the format and filter first', async () => {
    const { ctx, organization, bob, call } = await world();
    const member = await callAs(ctx, bob.id, organization.id);
    expect((await rejection(() => exportAuditLog(member, { format: 'csv' }))).status).toBe(403);
    expect((await rejection(() => exportAuditLog({ ...call, membership: null }, { format: 'csv' }))).status).toBe(403);
    const bad = await rejection(() => exportAuditLog(call, { format: 'xlsx' }));
    expect(bad.status).toBe(400);
    expect(bad.fieldErrors.format).toEqual(['format must be csv or jsonl']);
    const range = await rejection(() => exportAuditLog(call, { format: 'csv', from: '2026-03-02', to: '2026-03-01' }));
    expect(range.fieldErrors.to).toEqual(['The end of the time range is before its start']);
  });

  it('writes every matching event of the organization (all batches), newest first, as CSV that reads back', async () => {
    const { ctx, organization, call } = await world();
    const other = await seedOrganization(ctx);
    // More than one batch of 500, with ties on the second, and a hostile actor and user agent.
    for (let i = 0; i < 620; i++) {
      await record(ctx, organization.id, `2026-02-01T10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60 >> 1).padStart(2, '0')}Z`, 'auth.sign_in', `u${i}@example.test`, { n: i });
    }
    await record(ctx, organization.id, '2026-02-02T00:00:00Z', 'auth.sign_in_failed', '=cmd|"/c calc"!A1,\n@x', { note: 'line\nbreak, "quoted"' });
    await record(ctx, other.id, '2026-02-01T10:00:00Z', 'auth.sign_in', 'spy@example.test');

    const download = await exportAuditLog(call, { format: 'csv', from: '2026-02-01', to: '2026-02-02' });
    expect(download.contentType).toBe('text/csv; charset=utf-8');
    expect(download.filename).toMatch(new RegExp(`^audit-log-${organization.accountId}-2026-03-01T120000Z\\.csv$`));
    const csv = await text(download);
    expect(csv.startsWith(csvHeader())).toBe(true);
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['log_entry_id', 'create_time', 'action_type', 'action_description', 'actor', 'actor_user_id', 'actor_email', 'ip', 'user_agent', 'details']);
    expect(rows).toHaveLength(1 + 621);
    expect(rows[1]!.slice(2, 7)).toEqual(['auth.sign_in_failed', 'Sign-in with unknown method failed: unknown reason', `'=cmd|"/c calc"!A1,\n@x`, '', `'=cmd|"/c calc"!A1,\n@x`]);
    expect(JSON.parse(rows[1]![9]!)).toEqual({ note: 'line\nbreak, "quoted"' });
    // Newest first, and each of the 620 exactly once.
    const ns = rows.slice(2).map((row) => (JSON.parse(row[9]!) as { n: number }).n);
    expect(new Set(ns).size).toBe(620);
    expect(ns.slice(0, 3)).toEqual([619, 618, 617]);
    expect(ns.at(-1)).toBe(0);
    expect(rows.some((row) => row.includes('spy@example.test'))).toBe(false);
  });

  it('writes JSON lines in the API’s fields, filtered as the page is, and records the download', async () => {
    const { ctx, organization, call } = await world();
    await record(ctx, organization.id, '2026-02-01T10:00:00Z', 'auth.sign_in', 'bob@example.test', { n: 1 });
    await record(ctx, organization.id, '2026-02-01T10:00:01Z', 'auth.sign_out', 'bob@example.test', { n: 2 });
    await record(ctx, organization.id, '2026-02-01T10:00:02Z', 'auth.sign_in', 'ann@example.test', { n: 3 });
    const download = await exportAuditLog(call, { format: 'jsonl', actor: 'bob', to: '2026-02-01' });
    expect(download.contentType).toBe('application/x-ndjson; charset=utf-8');
    const lines = (await text(download)).split('\n');
    expect(lines.at(-1)).toBe('');
    const events = lines.slice(0, -1).map((line) => JSON.parse(line) as { action_type: string; details: { n: number }; account_id: string });
    expect(events.map((e) => [e.action_type, e.details.n])).toEqual([['auth.sign_out', 2], ['auth.sign_in', 1]]);
    expect(events[0]!.account_id).toBe(organization.accountId);
    const log = await readAuditLog({ ctx, membership: call.membership, input: { event: 'audit_log.exported' } });
    expect(log.events.map((e) => e.details)).toEqual([{ format: 'jsonl', filter: { actor: 'bob', to: '2026-02-01T23:59:59Z' } }]);
  });
});

describe('cursor paging', () => {
  it('walks the log page by page on (time, id), unmoved by events added meanwhile', async () => {
    const { ctx, organization, call } = await world();
    for (let i = 0; i < 25; i++) await record(ctx, organization.id, `2026-02-01T10:00:${String(i >> 2).padStart(2, '0')}Z`, 'auth.sign_in', 'a@example.test', { n: i });
    const read = (input: object) => readAuditLog({ ctx, membership: call.membership, input: { event: 'auth.sign_in', ...input } });
    const seen: number[] = [];
    let page = await read({ limit: '10' });
    expect(page.total).toBe(25);
    for (let round = 0; ; round++) {
      seen.push(...page.events.map((e) => (e.details as { n: number }).n));
      if (!page.nextCursor) break;
      // Newer events (and one in the same second as the cursor, with a higher id) come in between pages.
      await record(ctx, organization.id, '2026-03-01T00:00:00Z', 'auth.sign_in', 'new@example.test', { n: 100 + round });
      await record(ctx, organization.id, page.events.at(-1)!.time, 'auth.sign_in', 'new@example.test', { n: 200 + round });
      page = await read({ limit: 10, cursor: page.nextCursor });
    }
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => 24 - i));
    // A last page that is exactly full has no next cursor: 20 events of a@, 10 a page.
    const exact = { actor: 'a@example.test', to: '2026-02-01T10:00:04', limit: 10 };
    const one = await read(exact);
    const two = await read({ ...exact, cursor: one.nextCursor! });
    expect([one.events.length, two.events.length, two.nextCursor]).toEqual([10, 10, null]);
  });

  it.each([
    ['not base64 !', 'cursor'],
    [btoa('{"t":"2026-01-01T00:00:00Z"}'), 'cursor'],
    [btoa('{"t":"yesterday","i":1}'), 'cursor'],
    [btoa('{"t":"2026-01-01T00:00:00Z","i":-1}'), 'cursor'],
    [btoa('[1,2]'), 'cursor'],
    ['x'.repeat(201), 'cursor'],
  ])('cursor %j is a 400', async (cursor, field) => {
    const { ctx, call } = await world();
    const error = await rejection(() => readAuditLog({ ctx, membership: call.membership, input: { cursor } }));
    expect(error.status).toBe(400);
    expect(error.fieldErrors[field]).toEqual(['Not a cursor of this log (pass back next_cursor as it was sent)']);
  });

  it('refuses a cursor with an offset, and round-trips its own cursors', async () => {
    const { ctx, call } = await world();
    const cursor = encodeAuditCursor({ time: '2026-01-01T00:00:00Z', id: 7 });
    expect(decodeAuditCursor(cursor)).toEqual({ time: '2026-01-01T00:00:00Z', id: 7 });
    const error = await rejection(() => readAuditLog({ ctx, membership: call.membership, input: { cursor, offset: '5' } }));
    expect(error.fieldErrors.offset).toEqual(['Use either cursor or offset, not both']);
  });
});
