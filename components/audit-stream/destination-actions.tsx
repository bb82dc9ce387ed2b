'use client';

import { useState } from 'react';
import {
  deleteDestinationAction,
  rotateDestinationSecretAction,
  sendTestEventAction,
  updateDestinationAction,
} from '@/app/(console)/admin/audit-log/streaming/actions';
import { ConfirmDialog, DialogButtons, useConfirm } from '@/components/forms/confirm-dialog';
import { useAction } from '@/components/forms/use-action';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';

type Props = { id: string; kind: 'webhook' | 'syslog'; name: string; url: string; enabled: boolean; caCertificate: string | null };

/** Send a test event, edit, rotate the secret of, and remove one destination. */
export function DestinationActions({ id, kind, name, url, enabled, caCertificate }: Props) {
  const [editing, setEditing] = useState(false);
  const [values, setValues] = useState({ name, url, enabled });
  const [secret, setSecret] = useState<string | null>(null);
  const confirm = useConfirm();
  const { run, pending, error, notice, clear } = useAction();

  const save = (event: React.FormEvent) => {
    event.preventDefault();
    run(() => updateDestinationAction({ id, kind, caCertificate, ...values }), { onSuccess: () => setEditing(false) });
  };
  const test = () => run(() => sendTestEventAction({ id }), { onSuccess: (data) => (data.ok ? `Test event ${data.eventId}: ${data.message}` : `Test event failed: ${data.message}`) });
  const rotate = () => run(() => rotateDestinationSecretAction({ id }), { onSuccess: (data) => setSecret(data.secret) });
  const remove = () => run(() => deleteDestinationAction({ id }), { onSuccess: () => confirm.close() });

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <Button variant="secondary" className="px-3 py-1" onClick={test} disabled={pending}>
          Send test event
        </Button>
        <Button variant="secondary" className="px-3 py-1" onClick={() => (clear(), setValues({ name, url, enabled }), setEditing(true))}>
          Edit
        </Button>
        {kind === 'webhook' ? (
          <Button variant="secondary" className="px-3 py-1" onClick={rotate} disabled={pending}>
            New secret
          </Button>
        ) : null}
        <Button variant="danger" className="px-3 py-1" onClick={() => (clear(), confirm.open(true))}>
          Remove
        </Button>
      </div>
      {notice ? <Alert tone="info">{notice}</Alert> : null}
      {error && !editing ? <Alert>{error}</Alert> : null}
      {secret ? (
        <div role="status" className="flex items-center gap-2 text-sm">
          New signing secret (shown once): <code className="break-all">{secret}</code> <CopyButton value={secret} />
        </div>
      ) : null}
      <Dialog open={editing} onClose={() => setEditing(false)} title={`Edit ${name}`}>
        <form onSubmit={save} className="space-y-4 text-left" aria-label="Edit webhook">
          {error ? <Alert>{error}</Alert> : null}
          <Field label="Name" value={values.name} onChange={(e) => setValues({ ...values, name: e.target.value })} />
          <Field label={kind === 'syslog' ? 'Syslog server' : 'Webhook URL'} value={values.url} onChange={(e) => setValues({ ...values, url: e.target.value })} />
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={values.enabled} onChange={(e) => setValues({ ...values, enabled: e.target.checked })} /> Enabled
          </label>
          <DialogButtons onCancel={() => setEditing(false)} label="Save" disabled={pending} />
        </form>
      </Dialog>
      <ConfirmDialog confirm={confirm} title={`Remove ${name}?`} confirmLabel="Remove destination" onConfirm={remove} pending={pending} error={error}>
        Events still waiting for it are dropped with it, and so is its delivery log.
      </ConfirmDialog>
    </div>
  );
}
