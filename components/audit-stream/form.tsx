'use client';

import { useState } from 'react';
import { createDestinationAction } from '@/app/(console)/admin/audit-log/streaming/actions';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { Field, FieldFrame } from '@/components/ui/field';
import { SelectField } from '@/components/ui/select-field';
import { SwitchField } from '@/components/ui/switch-field';

const KINDS = [
  { value: 'webhook', label: 'Webhook (HTTPS POST, signed)' },
  { value: 'syslog', label: 'Syslog (RFC 5424 over TCP or TLS)' },
];

/** Admin → Audit log → Streaming: add a webhook or syslog server; a webhook's signing secret is shown here once. */
export function CreateDestinationForm() {
  const [secret, setSecret] = useState<string | null>(null);
  const { field, form, onSubmit, pending, error } = useActionForm(
    () => import('@/lib/audit-stream/schema').then((m) => m.destinationSchema),
    createDestinationAction,
    {
      defaultValues: { kind: 'webhook', name: '', url: '', enabled: true, caCertificate: '' },
      message: 'unless-field',
      reset: true,
      onSuccess: (data, { values }) => setSecret(values.kind === 'webhook' ? data.secret : null),
    },
  );
  const kind = form.watch('kind');
  return (
    <div className="space-y-4">
      {secret ? (
        <div role="status" aria-label="New signing secret" className="space-y-2 rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm">
          <p className="font-medium">Signing secret: copy it now, it is not shown again.</p>
          <div className="flex items-center gap-2">
            <code data-testid="stream-secret" className="break-all rounded bg-white px-2 py-1">
              {secret}
            </code>
            <CopyButton value={secret} />
          </div>
        </div>
      ) : null}
      <form onSubmit={onSubmit} noValidate aria-label="Add destination" className="space-y-4">
        {error ? <Alert>{error}</Alert> : null}
        <div className="flex flex-wrap items-start gap-3">
          <SelectField label="Kind" options={KINDS} className="w-72" {...form.register('kind')} error={form.formState.errors.kind?.message} />
          <Field label="Name" placeholder="SIEM" className="w-60" {...field('name')} />
          <Field
            label={kind === 'syslog' ? 'Syslog server' : 'Webhook URL'}
            placeholder={kind === 'syslog' ? 'syslog+tls://logs.example.com:6514' : 'https://siem.example.com/portcullis'}
            hint={kind === 'syslog' ? 'syslog+tls://host:port; plain syslog:// only to a loopback address.' : 'https; plain http only to a loopback address.'}
            className="w-[28rem]"
            {...field('url')}
          />
        </div>
        {kind === 'syslog' ? (
          <FieldFrame label="CA certificate (PEM, optional)" hint="For syslog+tls: the CA that signed the server's certificate, if the system does not trust it." error={form.formState.errors.caCertificate?.message}>
            {(control) => <textarea {...control} rows={4} className="block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-xs" {...form.register('caCertificate')} />}
          </FieldFrame>
        ) : null}
        <SwitchField label="Enabled" description="Send new events as they happen." {...form.register('enabled')} />
        <Button type="submit" disabled={pending}>
          Add destination
        </Button>
      </form>
    </div>
  );
}
