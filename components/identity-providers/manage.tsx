'use client';

import { useState } from 'react';
import {
  addCertificateAction,
  deleteIdentityProviderAction,
  removeCertificateAction,
  setEnabledAction,
} from '@/app/(console)/admin/identity-providers/actions';
import { ConfirmDialog, useConfirm } from '@/components/forms/confirm-dialog';
import { useAction } from '@/components/forms/use-action';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CertificateInput } from './pem-input';

/** Enable or disable, and delete (asks first). */
export function ProviderActions({ methodId, name, enabled, configured }: { methodId: string; name: string; enabled: boolean; configured: boolean }) {
  const confirm = useConfirm();
  const { run, pending, error, router } = useAction();
  const toggle = () => run(() => setEnabledAction({ method_id: methodId, enabled: !enabled }), { refresh: 'always' });
  const remove = () =>
    run(() => deleteIdentityProviderAction({ method_id: methodId }), {
      settled: confirm.close,
      onSuccess: () => router.push('/admin/identity-providers'),
    });
  return (
    <div className="space-y-2">
      {error ? <Alert>{error}</Alert> : null}
      <div className="flex flex-wrap gap-2">
        <Button type="button" variant={enabled ? 'secondary' : 'primary'} disabled={pending || (!enabled && !configured)} onClick={toggle}>
          {enabled ? 'Disable' : 'Enable'}
        </Button>
        <Button type="button" variant="danger" onClick={() => confirm.open(true)}>
          Delete
        </Button>
      </div>
      {!enabled && !configured ? <p className="text-xs text-slate-500">Complete the connection below to enable it.</p> : null}
      <ConfirmDialog confirm={confirm} title={`Delete ${name}?`} confirmLabel="Delete identity provider" onConfirm={remove} pending={pending}>
        People stop signing in through it at once: their sessions through it end, and their accounts&apos; links to it are removed. This cannot be undone.
      </ConfirmDialog>
    </div>
  );
}

export type CertificateRow = { id: string; subject: string; issuer: string; notBefore: string; notAfter: string; status: 'ok' | 'expiring' | 'expired' };

/** The certificates accepted now, each removable; a new one is added beside them (rotation). */
export function Certificates({ methodId, certificates }: { methodId: string; certificates: CertificateRow[] }) {
  const [pem, setPem] = useState('');
  // Adding shows its refusal beside the certificate box; removing, above the list.
  const adding = useAction();
  const removing = useAction();
  const pending = adding.pending || removing.pending;
  const add = () => {
    removing.clear();
    adding.run(() => addCertificateAction({ method_id: methodId, saml_certificate: pem }), {
      fields: ['saml_certificate'],
      onSuccess: () => setPem(''),
    });
  };
  const remove = (certificateId: string) =>
    removing.run(() => removeCertificateAction({ method_id: methodId, certificate_id: certificateId }), { refresh: 'always' });
  const error = removing.error;
  return (
    <div className="space-y-4">
      {error ? <Alert>{error}</Alert> : null}
      {certificates.length === 0 ? (
        <p className="text-sm text-slate-500">No certificate yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-md border border-slate-200">
          {certificates.map((c) => (
            <li key={c.id} className="flex flex-wrap items-start justify-between gap-3 p-3 text-sm" data-testid="certificate-row">
              <div className="space-y-0.5">
                <div className="font-medium">{c.subject}</div>
                <div className="text-xs text-slate-500">Issuer: {c.issuer}</div>
                <div className={`text-xs ${c.status === 'expired' ? 'font-semibold text-red-700' : c.status === 'expiring' ? 'font-semibold text-amber-700' : 'text-slate-600'}`}>
                  Valid {c.notBefore.slice(0, 10)} to {c.notAfter.slice(0, 10)}
                  {c.status === 'expired' ? ' · expired' : c.status === 'expiring' ? ' · expires within 30 days' : ''}
                </div>
              </div>
              <Button type="button" variant="secondary" disabled={pending} onClick={() => remove(c.id)} aria-label={`Remove certificate ${c.subject}`}>
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      <div className="space-y-2">
        <CertificateInput label="Add a certificate" value={pem} onChange={setPem} error={adding.error ?? undefined} rows={4} />
        <p className="text-xs text-slate-500">Responses signed with any listed certificate are accepted: add the IdP&apos;s new certificate before it switches, remove the old one after.</p>
        <Button type="button" variant="secondary" disabled={pending || !pem.trim()} onClick={add}>
          Add certificate
        </Button>
      </div>
    </div>
  );
}
