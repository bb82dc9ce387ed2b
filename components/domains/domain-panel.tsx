'use client';

import { useId, useState } from 'react';
import {
  deleteDomainAction,
  linkDomainAction,
  unlinkDomainAction,
  updateDomainAction,
  verifyDomainAction,
} from '@/app/(console)/admin/domains/actions';
import { ConfirmDialog, useConfirm } from '@/components/forms/confirm-dialog';
import { useAction } from '@/components/forms/use-action';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { cn } from '@/components/ui/cn';
import { CopyButton } from '@/components/ui/copy-button';
import { Time } from '@/components/ui/time';
import type { WireDomain } from '@/lib/domains/wire';

export type LinkableMethodRow = { id: string; name: string; enabled: boolean };

type Props = {
  domain: WireDomain;
  /** The name as people write it, when it differs from the stored ASCII form. */
  unicodeName: string | null;
  methods: LinkableMethodRow[];
  managedUsers: number;
};

function StateBadge({ verified }: { verified: boolean }) {
  return (
    <span
      className={cn(
        'inline-block rounded-full px-2 py-0.5 text-xs font-medium',
        verified ? 'bg-emerald-100 text-emerald-800' : 'bg-amber-100 text-amber-800',
      )}
    >
      {verified ? 'Verified' : 'Unverified'}
    </span>
  );
}

function CopyRow({ label, value, copyLabel }: { label: string; value: string; copyLabel: string }) {
  return (
    <div className="flex flex-wrap items-center gap-3 py-2">
      <dt className="w-28 shrink-0 text-sm text-slate-500">{label}</dt>
      <dd className="flex min-w-0 flex-1 items-center gap-3">
        <code className="min-w-0 flex-1 break-all rounded bg-slate-50 px-2 py-1 font-mono text-sm">{value}</code>
        <CopyButton value={value} label={copyLabel} />
      </dd>
    </div>
  );
}

export function DomainPanel({ domain, unicodeName, methods, managedUsers }: Props) {
  const headingId = useId();
  const { run, pending, error } = useAction();
  const [verifying, setVerifying] = useState(false);
  const confirm = useConfirm();
  const [chosen, setChosen] = useState('');
  const verified = domain.state === 'verified';
  const linked = methods.filter((m) => domain.linked_authentication_method_ids.includes(m.id));
  const unlinked = methods.filter((m) => !domain.linked_authentication_method_ids.includes(m.id));
  const last = domain.last_check_result;

  const verify = () => {
    setVerifying(true);
    run(() => verifyDomainAction({ domain_id: domain.domain_id }), { onSuccess: () => setVerifying(false) });
  };

  const remove = () => run(() => deleteDomainAction({ domain_id: domain.domain_id }), { onSuccess: confirm.close });

  return (
    <Card className="p-6">
      <section aria-labelledby={headingId} className="space-y-5">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div className="flex flex-wrap items-center gap-3">
            <h2 id={headingId} className="text-lg font-semibold">
              {domain.domain_name}
            </h2>
            {unicodeName ? <span className="text-sm text-slate-500">({unicodeName})</span> : null}
            <StateBadge verified={verified} />
          </div>
          <Button type="button" variant="danger" onClick={() => confirm.open(true)}>
            Remove domain
          </Button>
        </div>
        {error ? <Alert>{error}</Alert> : null}

        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-700">Verify with</legend>
          <div className="flex flex-wrap gap-4 text-sm">
            {(
              [
                ['dns', 'DNS TXT record'],
                ['http', 'HTTP file'],
              ] as const
            ).map(([value, label]) => (
              <label key={value} className="inline-flex items-center gap-2">
                <input
                  type="radio"
                  name={`verification-type-${domain.domain_id}`}
                  value={value}
                  checked={domain.verification_type === value}
                  disabled={pending}
                  onChange={() => run(() => updateDomainAction({ domain_id: domain.domain_id, verification_type: value }))}
                />
                {label}
              </label>
            ))}
          </div>
        </fieldset>

        {domain.verification_type === 'dns' ? (
          <div>
            <p className="text-sm text-slate-700">
              Publish this TXT record in the domain&apos;s DNS, then verify. DNS changes can take a while (up to 72 hours) to be
              seen everywhere. Keep the record: checking again without it makes the domain unverified.
            </p>
            <dl className="mt-2 divide-y divide-slate-100" role="group" aria-label={`TXT record for ${domain.domain_name}`}>
              <CopyRow label="Type" value="TXT" copyLabel="Copy type" />
              <CopyRow label="Name" value={domain.challenge_record_name} copyLabel="Copy name" />
              <CopyRow label="Value" value={domain.challenge_record_value} copyLabel="Copy value" />
            </dl>
            <p className="mt-1 text-xs text-slate-500">
              Cannot edit DNS? Choose &ldquo;HTTP file&rdquo; above to serve a file on the domain&apos;s web server instead.
            </p>
          </div>
        ) : (
          <div>
            <p className="text-sm text-slate-700">
              For those who cannot edit DNS: serve a file at this address (HTTPS, status 200, no redirect) whose content is the
              value below, then verify.
            </p>
            <dl className="mt-2 divide-y divide-slate-100" role="group" aria-label={`HTTP file for ${domain.domain_name}`}>
              <CopyRow label="URL" value={domain.http_challenge_url} copyLabel="Copy URL" />
              <CopyRow label="Content" value={domain.challenge_record_value} copyLabel="Copy content" />
            </dl>
          </div>
        )}

        <div className="space-y-2">
          <div className="flex flex-wrap items-center gap-3">
            <Button type="button" onClick={verify} disabled={pending}>
              {verifying && pending ? 'Checking…' : verified ? 'Check again' : 'Verify'}
            </Button>
            <span className="text-sm text-slate-600">
              Last check: <Time value={domain.last_check_time} fallback="never" />
            </span>
          </div>
          {last ? (
            <div
              role="status"
              aria-label={`Last check of ${domain.domain_name}`}
              className={cn(
                'rounded-md border px-3 py-2 text-sm',
                last.status === 'verified' ? 'border-emerald-200 bg-emerald-50 text-emerald-900' : 'border-amber-200 bg-amber-50 text-amber-900',
              )}
            >
              <p>{last.message}</p>
              {last.records && last.records.length > 0 ? (
                <ul className="mt-2 list-disc space-y-1 pl-5">
                  {last.records.map((record, i) => (
                    <li key={i}>
                      <code className="break-all font-mono">{record}</code>
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
        </div>

        <div className="space-y-2">
          <h3 className="text-sm font-medium text-slate-700">Identity providers</h3>
          <p className="text-sm text-slate-600">
            People whose address is on this domain sign in with SSO through the identity providers it is linked to.
          </p>
          {linked.length > 0 ? (
            <ul className="divide-y divide-slate-100 rounded-md border border-slate-200">
              {linked.map((method) => (
                <li key={method.id} className="flex items-center justify-between gap-3 px-3 py-2 text-sm">
                  <span>
                    {method.name}
                    {method.enabled ? null : <span className="ml-2 text-xs text-slate-500">(disabled)</span>}
                  </span>
                  <Button
                    type="button"
                    variant="secondary"
                    disabled={pending}
                    aria-label={`Unlink ${method.name}`}
                    onClick={() => run(() => unlinkDomainAction({ domain_id: domain.domain_id, method_id: method.id }))}
                  >
                    Unlink
                  </Button>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-500">Not linked to any identity provider.</p>
          )}
          {!verified ? (
            <p className="text-sm text-slate-500">Verify the domain to link it to an identity provider.</p>
          ) : methods.length === 0 ? (
            <p className="text-sm text-slate-500">This organization has no identity providers yet.</p>
          ) : unlinked.length > 0 ? (
            <div className="flex flex-wrap items-end gap-2">
              <label className="space-y-1 text-sm">
                <span className="block font-medium text-slate-700">Identity provider</span>
                <select
                  className="rounded-md border border-slate-300 bg-white px-2 py-2 text-sm"
                  value={chosen}
                  onChange={(e) => setChosen(e.target.value)}
                >
                  <option value="">Choose…</option>
                  {unlinked.map((method) => (
                    <option key={method.id} value={method.id}>
                      {method.name}
                      {method.enabled ? '' : ' (disabled)'}
                    </option>
                  ))}
                </select>
              </label>
              <Button
                type="button"
                variant="secondary"
                disabled={pending || !chosen}
                onClick={() => run(() => linkDomainAction({ domain_id: domain.domain_id, method_id: chosen }), { onSuccess: () => setChosen('') })}
              >
                Link
              </Button>
            </div>
          ) : null}
        </div>
      </section>

      <ConfirmDialog confirm={confirm} title={`Remove ${domain.domain_name}?`} confirmLabel="Remove" onConfirm={remove} pending={pending}>
        <p>
          {linked.length === 0
            ? 'It is not linked to any identity provider.'
            : `Its links to ${linked.length} identity provider${linked.length === 1 ? '' : 's'} (${linked.map((m) => m.name).join(', ')}) go with it.`}
        </p>
        {verified ? (
          <p>
            {managedUsers === 0
              ? 'Nobody is managed through it.'
              : `${managedUsers} ${managedUsers === 1 ? 'person is' : 'people are'} no longer managed by this organization.`}
          </p>
        ) : null}
      </ConfirmDialog>
    </Card>
  );
}
