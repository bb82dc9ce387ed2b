import { OPERATOR_ACTOR_LABEL } from '@/lib/audit/record';
import type { WireAuditEvent } from '@/lib/audit-log/wire';
import { humanUserAgent } from '@/lib/tokens/user-agent';
import { DataTable } from '@/components/ui/table';

type Details = Record<string, unknown>;

/** Done with `npm run admin` on the server host: no user, no address (see lib/audit/record.ts). */
const byOperator = (event: WireAuditEvent) => event.actor_email === null && event.actor === OPERATOR_ACTOR_LABEL;

const show = (value: unknown) => (value === '' || value === null || value === undefined ? '(none)' : typeof value === 'string' ? value : JSON.stringify(value));

/** Old and new values of a change, one line per field: what policy and member changes carry. */
function Changes({ details }: { details: Details }) {
  const old = (details.old ?? {}) as Details;
  const next = (details.new ?? {}) as Details;
  const keys = Object.keys(next);
  if (keys.length === 0) return null;
  return (
    <dl className="mt-1 space-y-0.5 text-xs" aria-label="Changes">
      {keys.map((key) => (
        <div key={key} className="flex flex-wrap gap-1">
          <dt className="font-mono text-slate-500">{key}:</dt>
          <dd>
            <span className="rounded bg-red-50 px-1 font-mono text-red-800 line-through decoration-red-300">{show(old[key])}</span>
            {' → '}
            <span className="rounded bg-emerald-50 px-1 font-mono text-emerald-800">{show(next[key])}</span>
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function AuditTable({ events }: { events: WireAuditEvent[] }) {
  if (events.length === 0) {
    return (
      <div className="rounded-xl border border-dashed border-slate-300 bg-white px-6 py-10 text-center text-sm text-slate-500">
        No events match these filters.
      </div>
    );
  }
  return (
    <DataTable columns={['Time', 'Who', 'Event', <>IP address <span className="block font-normal normal-case tracking-normal">and user agent</span></>, 'Details']} bodyClassName="align-top">
          {events.map((event) => (
            <tr key={event.log_entry_id} data-testid="audit-row">
              <td className="px-4 py-2 whitespace-nowrap">
                {/* Date above time: the column stays narrow and the details keep their room. */}
                <time dateTime={event.create_time} className="block">
                  <span className="block">{event.create_time.slice(0, 10)}</span>
                  <span className="block text-xs text-slate-500">{event.create_time.slice(11, 19)} UTC</span>
                </time>
              </td>
              <td className="max-w-56 px-4 py-2 break-words">
                {byOperator(event) ? (
                  <span className="inline-block rounded bg-amber-50 px-1.5 py-0.5 whitespace-nowrap text-amber-900 ring-1 ring-amber-200" title="Done with npm run admin on the server host">
                    {OPERATOR_ACTOR_LABEL}
                  </span>
                ) : (
                  (event.actor_email ?? <span className="text-slate-400">unknown</span>)
                )}
              </td>
              <td className="px-4 py-2 whitespace-nowrap font-mono text-xs">{event.action_type}</td>
              <td className="max-w-48 px-4 py-2">
                <div className="font-mono text-xs" data-testid="ip">
                  {event.ip ?? <span className="text-slate-400">{byOperator(event) ? 'server host' : 'unknown address'}</span>}
                </div>
                <div className="truncate text-xs text-slate-500" title={event.user_agent ?? undefined} data-testid="user-agent">
                  {humanUserAgent(event.user_agent) ?? 'no user agent'}
                </div>
              </td>
              <td className="min-w-64 px-4 py-2">
                <div>{event.action_description}</div>
                <Changes details={event.details} />
                {Object.keys(event.details).length > 0 ? (
                  <details className="mt-1 text-xs text-slate-500">
                    <summary className="cursor-pointer select-none">All details</summary>
                    <pre className="mt-1 max-w-md overflow-x-auto rounded bg-slate-50 p-2 font-mono text-[11px] text-slate-700">
                      {JSON.stringify(event.details, null, 2)}
                    </pre>
                  </details>
                ) : null}
              </td>
            </tr>
          ))}
    </DataTable>
  );
}
