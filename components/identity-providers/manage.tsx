'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import {
  addCertificateAction,
  deleteIdentityProviderAction,
  removeCertificateAction,
  setEnabledAction,
} from '@/app/(console)/admin/identity-providers/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { TextOrFile } from './pem-input';

/** Enable or disable, and delete (asks first). */
export function ProviderActions({ methodId, name, enabled, configured }: { methodId: string; name: string; enabled: boolean; configured: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [pending, start] = useTransition();
  const toggle = () =>
    start(async () => {
      const result = await setEnabledAction({ method_id: methodId, enabled: !enabled });
      setError(result.ok ? null : result.message);
      router.refresh();
    });
  const remove = () =>
    start(async () => {
      const result = await deleteIdentityProviderAction({ method_id: methodId });
      setConfirming(false);
      if (!result.ok) return setError(result.message);
      router.push('/admin/identity-providers');
      router.refresh();
    });
  return (
    <div className="space-y-2">
      {error ? <Alert>{error}</Alert> : null}
      <div className="flex flex-wrap gap-2">
        <Button type="button" variant={enabled ? 'secondary' : 'primary'} disabled={pending || (!enabled && !configured)} onClick={toggle}>
          {enabled ? 'Disable' : 'Enable'}
        </Button>
        <Button type="button" variant="danger" onClick={() => setConfirming(true)}>
          Delete
        </Button>
      </div>
      {!enabled && !configured ? <p className="text-xs text-slate-500">Complete the connection below to enable it.</p> : null}
      <Dialog open={confirming} onClose={() => setConfirming(false)} title={`Delete ${name}?`}>
        <p className="text-sm text-slate-700">
          People stop signing in through it at once: their sessions through it end, and their accounts&apos; links to it are removed. This cannot be undone.
        </p>
        <div className="mt-6 flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
          <Button type="button" variant="danger" disabled={pending} onClick={remove}>
            Delete identity provider
          </Button>
        </div>
      </Dialog>
    </div>
  );
}

export type CertificateRow = { id: string; subject: string; issuer: string; notBefore: string; notAfter: string; status: 'ok' | 'expiring' | 'expired' };

/** The certificates accepted now, each removable; a new one is added beside them (rotation). */
export function Certificates({ methodId, certificates }: { methodId: string; certificates: CertificateRow[] }) {
  const router = useRouter();
  const [pem, setPem] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pemError, setPemError] = useState<string | undefined>();
  const [pending, start] = useTransition();
  const add = () =>
    start(async () => {
      setError(null);
      setPemError(undefined);
      const result = await addCertificateAction({ method_id: methodId, saml_certificate: pem });
      if (!result.ok) return setPemError(result.fieldErrors.saml_certificate?.[0] ?? result.message);
      setPem('');
      router.refresh();
    });
  const remove = (certificateId: string) =>
    start(async () => {
      const result = await removeCertificateAction({ method_id: methodId, certificate_id: certificateId });
      setError(result.ok ? null : result.message);
      router.refresh();
    });
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
        <TextOrFile
          label="Add a certificate"
          value={pem}
          onChange={setPem}
          error={pemError}
          accept=".pem,.crt,.cer,.cert"
          fileLabel="or upload a .pem, .crt or .cer file:"
          placeholder="-----BEGIN CERTIFICATE-----"
          rows={4}
        />
        <p className="text-xs text-slate-500">Responses signed with any listed certificate are accepted: add the IdP&apos;s new certificate before it switches, remove the old one after.</p>
        <Button type="button" variant="secondary" disabled={pending || !pem.trim()} onClick={add}>
          Add certificate
        </Button>
      </div>
    </div>
  );
}
