import type { Metadata } from 'next';
import Link from 'next/link';
import { requireSuperAdmin } from '@/app/_lib/admin';
import { AuditFilterForm, type AuditFilterValues } from '@/components/audit-log/form';
import { AuditTable } from '@/components/audit-log/audit-table';
import { PageHeader } from '@/components/ui/page-header';
import { listAuditEventNames, readAuditLog, type AuditLogPage } from '@/lib/audit-log/query';
import { AUDIT_PAGE_SIZE } from '@/lib/audit-log/schema';
import { auditEventToWire } from '@/lib/audit-log/wire';
import { liveCtx } from '@/lib/context';
import { AppError, type FieldErrors } from '@/lib/errors';

export const metadata: Metadata = { title: 'Audit log · Portcullis' };

type SearchParams = Record<string, string | string[] | undefined>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? '';

export default async function AuditLogPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { membership } = await requireSuperAdmin();
  const ctx = liveCtx();
  const params = await searchParams;
  const filter: AuditFilterValues = { actor: first(params.actor), event: first(params.event), ip: first(params.ip), from: first(params.from), to: first(params.to) };
  const requested = Number(first(params.page) || 1);
  let page = Number.isInteger(requested) && requested > 0 ? requested : 1;

  let log: AuditLogPage | null = null;
  let fieldErrors: FieldErrors = {};
  const read = () => readAuditLog({ ctx, membership, input: { ...filter, limit: AUDIT_PAGE_SIZE, offset: (page - 1) * AUDIT_PAGE_SIZE } });
  try {
    log = await read();
    const pages = Math.max(1, Math.ceil(log.total / AUDIT_PAGE_SIZE));
    // A page past the end (the log got filtered down) shows the last one.
    if (page > pages) {
      page = pages;
      log = await read();
    }
  } catch (error) {
    // A bad filter in the address is shown beside its field, like a bad form entry.
    if (!(error instanceof AppError) || error.status !== 400) throw error;
    fieldErrors = error.fieldErrors;
  }
  const pages = log ? Math.max(1, Math.ceil(log.total / AUDIT_PAGE_SIZE)) : 1;
  const hrefOf = (target: number) => {
    const query = new URLSearchParams(Object.entries(filter).filter(([, value]) => value !== ''));
    if (target > 1) query.set('page', String(target));
    const search = query.toString();
    return search ? `?${search}` : '?';
  };

  // The downloads take the same filters as the page, and every page of them.
  const exportHref = (format: 'csv' | 'jsonl') => {
    const query = new URLSearchParams(Object.entries(filter).filter(([, value]) => value !== ''));
    query.set('format', format);
    return `/admin/audit-log/export?${query.toString()}`;
  };

  return (
    <div className="max-w-7xl space-y-6">
      <PageHeader title="Audit log">
        Who did what in {membership.organization.name}, from where: sign-ins, tokens, member and policy changes. Times are
        UTC.
      </PageHeader>
      <div className="rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
        <AuditFilterForm initial={filter} eventNames={await listAuditEventNames({ ctx, membership })} serverErrors={fieldErrors} />
      </div>
      {log ? (
        <section aria-labelledby="events-heading" className="space-y-3">
          <div className="flex flex-wrap items-center justify-between gap-3">
            <h2 id="events-heading" className="font-medium">
              Events <span className="text-sm font-normal text-slate-500">({log.total})</span>
            </h2>
            <div className="flex gap-3 text-sm">
              {/* Plain links: a route handler streams the file (app/(console)/admin/audit-log/export). */}
              <a href={exportHref('csv')} download className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50">
                Download CSV
              </a>
              <a href={exportHref('jsonl')} download className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50">
                Download JSON lines
              </a>
              <Link href="/admin/audit-log/streaming" className="rounded-md border border-slate-300 px-3 py-1.5 hover:bg-slate-50">
                Streaming
              </Link>
            </div>
          </div>
          <AuditTable events={log.events.map((event) => auditEventToWire(event, membership.organization))} />
          {pages > 1 ? (
            <nav aria-label="Pages" className="flex items-center gap-4 text-sm">
              {page > 1 ? <Link href={hrefOf(page - 1)}>← Newer</Link> : <span className="text-slate-400">← Newer</span>}
              <span>
                Page {page} of {pages}
              </span>
              {page < pages ? <Link href={hrefOf(page + 1)}>Older →</Link> : <span className="text-slate-400">Older →</span>}
            </nav>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
