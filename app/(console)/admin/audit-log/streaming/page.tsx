import type { Metadata } from 'next';
import Link from 'next/link';
import { requireSuperAdmin } from '@/app/_lib/admin';
import { DestinationActions } from '@/components/audit-stream/destination-actions';
import { CreateDestinationForm } from '@/components/audit-stream/form';
import { PageHeader } from '@/components/ui/page-header';
import { Time } from '@/components/ui/time';
import { listDestinations } from '@/lib/audit-stream/destinations';

export const metadata: Metadata = { title: 'Audit log streaming · Portcullis' };

export default async function AuditStreamingPage() {
  const session = await requireSuperAdmin();
  const destinations = await listDestinations(session);
  return (
    <div className="max-w-6xl space-y-6">
      <PageHeader title="Audit log streaming">
        Sends every new event of {session.membership.organization.name} as it happens, in order: to a webhook (signed with
        HMAC-SHA256) or a syslog server (RFC 5424 over TCP or TLS). <Link href="/admin/audit-log">Back to the audit log</Link>
      </PageHeader>
      <section aria-labelledby="add-heading" className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
        <h2 id="add-heading" className="font-medium">
          Add a destination
        </h2>
        <CreateDestinationForm />
      </section>
      <section aria-labelledby="destinations-heading" className="space-y-4">
        <h2 id="destinations-heading" className="font-medium">
          Destinations <span className="text-sm font-normal text-slate-500">({destinations.length})</span>
        </h2>
        {destinations.length === 0 ? <p className="text-sm text-slate-500">No destinations yet.</p> : null}
        {destinations.map((d) => (
          <article key={d.id} aria-label={`Destination ${d.name}`} className="space-y-3 rounded-xl border border-slate-200 bg-white p-4 shadow-sm">
            <div className="flex flex-wrap items-baseline justify-between gap-2">
              <h3 className="font-medium">{d.name}</h3>
              <span className="text-sm text-slate-500">{d.enabled ? 'Enabled' : 'Disabled'}</span>
            </div>
            <dl className="grid grid-cols-[10rem_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className="text-slate-500">Kind</dt>
              <dd>{d.kind === 'syslog' ? 'Syslog (RFC 5424)' : 'Webhook'}</dd>
              <dt className="text-slate-500">URL</dt>
              <dd className="break-all">{d.url}</dd>
              {d.kind === 'webhook' ? (
                <>
                  <dt className="text-slate-500">Secret</dt>
                  <dd>
                    <code>{d.secretHint}</code>
                  </dd>
                </>
              ) : (
                <>
                  <dt className="text-slate-500">CA certificate</dt>
                  <dd>{d.caCertificate ? 'Given' : 'The system’s trusted CAs'}</dd>
                </>
              )}
              <dt className="text-slate-500">Waiting</dt>
              <dd data-testid="stream-pending">{d.pending} events</dd>
            </dl>
            <DestinationActions id={d.id} kind={d.kind} name={d.name} url={d.url} enabled={d.enabled} caCertificate={d.caCertificate} />
            <h4 className="text-sm font-medium">Delivery log</h4>
            {d.deliveries.length === 0 ? (
              <p className="text-sm text-slate-500">Nothing sent yet.</p>
            ) : (
              <table aria-label={`Delivery log of ${d.name}`} className="min-w-full text-left text-sm">
                <thead className="text-xs uppercase text-slate-500">
                  <tr>
                    <th className="py-1 pr-4">Time</th>
                    <th className="py-1 pr-4">Event id</th>
                    <th className="py-1 pr-4">Outcome</th>
                    <th className="py-1 pr-4">Attempt</th>
                    <th className="py-1">Error</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {d.deliveries.map((row) => (
                    <tr key={row.id} data-testid="delivery-row">
                      <td className="py-1 pr-4 whitespace-nowrap">
                        <Time value={row.time} />
                      </td>
                      <td className="py-1 pr-4 font-mono text-xs">{row.eventId}</td>
                      <td className="py-1 pr-4">
                        {row.outcome}
                        {row.status !== null ? ` (HTTP ${row.status})` : ''}
                      </td>
                      <td className="py-1 pr-4">{row.attempt}</td>
                      <td className="py-1 break-all text-red-700">{row.error ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </article>
        ))}
      </section>
    </div>
  );
}
