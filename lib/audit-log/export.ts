import { z } from 'zod';
import { audit, assertSuperAdmin, type OrgCall } from '@/lib/call';
import { parseInput } from '@/lib/errors';
import { allAuditEvents } from './query';
import { auditFilterSchema } from './schema';
import { auditEventToWire, type WireAuditEvent } from './wire';

// Admin → Audit log → "Download CSV" / "Download JSON lines": the whole filtered view (every
// page, not just the one shown), streamed in batches so that a long log is never held in memory.
// The rows are the API's event fields (lib/audit-log/wire.ts), so a download and
// GET /v1/account/{account_id}/events say the same things under the same names.

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The download's query: the page's filters plus the format. */
export const auditExportSchema = auditFilterSchema.and(
  z.object({ format: z.enum(EXPORT_FORMATS, { error: 'format must be csv or jsonl' }) }),
);

/** The columns of the CSV, in order: the API's field names. */
export const CSV_COLUMNS = [
  'log_entry_id',
  'create_time',
  'action_type',
  'action_description',
  'actor',
  'actor_user_id',
  'actor_email',
  'ip',
  'user_agent',
  'details',
] as const satisfies readonly (keyof WireAuditEvent)[];

/**
 * One CSV field (RFC 4180), safe to open in a spreadsheet. A value that starts with `=`, `+`,
 * `-`, `@`, a tab or a carriage return would be read as a formula by Excel, LibreOffice and
 * Google Sheets (CSV injection: an actor address or user agent is text anyone can choose), so it
 * gets a leading `'`, which those programs show as text. Every field is quoted, with inner quotes
 * doubled, so commas and line breaks stay inside their field.
 */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

export function csvRow(event: WireAuditEvent): string {
  return `${CSV_COLUMNS.map((column) => csvField(event[column])).join(',')}\r\n`;
}

/** One line of JSON lines: the event as the API sends it. JSON.stringify escapes line breaks. */
export function jsonLine(event: WireAuditEvent): string {
  return `${JSON.stringify(event)}\n`;
}

export type AuditExport = {
  filename: string;
  contentType: string;
  /** The file's text, piece by piece: read it to the end once. */
  chunks: AsyncGenerator<string>;
};

/**
 * The download of the organization's audit log, filtered as the page is. Super admins only;
 * a bad filter or format is a 400 before anything is read. The download itself is recorded
 * (audit_log.exported, with the filter), since the log names people, addresses and clients.
 */
export async function exportAuditLog(call: OrgCall, input: unknown): Promise<AuditExport> {
  const { membership, ctx } = call;
  assertSuperAdmin(membership);
  const { format, ...filter } = parseInput(auditExportSchema, input);
  await audit(call, 'audit_log.exported', { format, filter }, membership.organization.id);
  const organization = membership.organization;
  const stamp = ctx.now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '');
  async function* chunks(): AsyncGenerator<string> {
    if (format === 'csv') yield csvHeader();
    // Rows are gathered into chunks of a batch, not written one by one.
    let buffer = '';
    let n = 0;
    for await (const event of allAuditEvents(ctx, organization.id, filter)) {
      const wire = auditEventToWire(event, organization);
      buffer += format === 'csv' ? csvRow(wire) : jsonLine(wire);
      if (++n % 200 === 0) {
        yield buffer;
        buffer = '';
      }
    }
    if (buffer) yield buffer;
  }
  return {
    filename: `audit-log-${organization.accountId}-${stamp}.${format === 'csv' ? 'csv' : 'jsonl'}`,
    contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
    chunks: chunks(),
  };
}
