'use client';

import { useState } from 'react';
import { importMetadataAction, inspectCertificateAction, saveConnectionAction } from '@/app/(console)/admin/identity-providers/actions';
import { useAction } from '@/components/forms/use-action';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Time } from '@/components/ui/time';
import { CertificateInput, TextOrFile } from './pem-input';

type Inspected = { subject: string; issuer: string; notBefore: string; notAfter: string };

/** "Complete setup": the IdP's SSO URL, entity ID and certificate, typed or imported from its metadata. */
export function ConnectionForm({ methodId, initial }: { methodId: string; initial: { saml_idp_url: string; saml_entity_id: string; saml_certificate: string } }) {
  const [inspected, setInspected] = useState<Inspected | null>(null);
  const [metadata, setMetadata] = useState('');
  const metadataImport = useAction();
  const { form, field, onSubmit, errors, pending, error, notice, setMessage } = useActionForm(
    () => import('@/lib/identity-providers/schema').then((m) => m.idpConnectionSchema),
    (values) => saveConnectionAction({ ...values, method_id: methodId }),
    { defaultValues: initial, fields: ['saml_idp_url', 'saml_entity_id', 'saml_certificate'], onSuccess: () => 'Saved.' },
  );
  const certificate = form.watch('saml_certificate');

  const inspect = async (pem: string) => {
    setInspected(null);
    if (!pem.trim()) return;
    const result = await inspectCertificateAction({ saml_certificate: pem });
    if (result.ok) {
      form.clearErrors('saml_certificate');
      setInspected(result.data);
    } else {
      form.setError('saml_certificate', { message: result.fieldErrors.saml_certificate?.[0] ?? result.message });
    }
  };
  const setCertificate = (pem: string) => {
    form.setValue('saml_certificate', pem, { shouldDirty: true });
    void inspect(pem);
  };
  const importMetadata = () =>
    metadataImport.run(() => importMetadataAction({ metadata_xml: metadata }), {
      fields: ['metadata_xml'],
      refresh: false,
      onSuccess: (data) => {
        form.setValue('saml_idp_url', data.saml_idp_url, { shouldDirty: true });
        form.setValue('saml_entity_id', data.saml_entity_id, { shouldDirty: true });
        setCertificate(data.saml_certificate);
        setMessage({
          tone: 'info',
          text: `Filled in from the metadata${data.more > 0 ? ` (it lists ${data.more + 1} certificates: add the others under Certificates after saving)` : ''}. Check the values, then save.`,
        });
      },
    });

  return (
    <div className="space-y-6">
      <details className="rounded-md border border-slate-200 p-4">
        <summary className="cursor-pointer text-sm font-medium">Import the IdP&apos;s metadata XML</summary>
        <div className="mt-3 space-y-3">
          <TextOrFile
            label="Metadata XML"
            value={metadata}
            onChange={setMetadata}
            error={metadataImport.error ?? undefined}
            accept=".xml,text/xml,application/xml,application/samlmetadata+xml"
            fileLabel="or choose the metadata file:"
            placeholder='<md:EntityDescriptor entityID="…">'
          />
          <Button type="button" variant="secondary" disabled={metadataImport.pending || !metadata.trim()} onClick={importMetadata}>
            Import metadata
          </Button>
        </div>
      </details>
      <form onSubmit={onSubmit} noValidate aria-label="Identity provider connection" className="space-y-4">
        {error ? <Alert>{error}</Alert> : null}
        {notice ? <Alert tone="info">{notice}</Alert> : null}
        <Field label="IdP SSO URL" placeholder="https://company.okta.com/app/…/sso/saml" {...field('saml_idp_url')} />
        <Field label="IdP entity ID" placeholder="http://www.okta.com/…" {...field('saml_entity_id')} />
        <CertificateInput label="IdP certificate (PEM)" value={certificate} onChange={setCertificate} error={errors.saml_certificate?.message} rows={5} />
        {inspected ? (
          <dl className="grid grid-cols-[8rem_1fr] gap-x-3 gap-y-1 rounded-md bg-slate-50 p-3 text-xs" aria-label="Certificate details">
            <dt className="text-slate-500">Subject</dt>
            <dd>{inspected.subject}</dd>
            <dt className="text-slate-500">Issuer</dt>
            <dd>{inspected.issuer}</dd>
            <dt className="text-slate-500">Valid</dt>
            <dd>
              <Time value={inspected.notBefore} /> to <Time value={inspected.notAfter} />
            </dd>
          </dl>
        ) : null}
        <p className="text-xs text-slate-500">Saving replaces the certificates with this one. To rotate without downtime, add the new certificate under Certificates instead.</p>
        <Button type="submit" disabled={pending}>
          Save connection
        </Button>
      </form>
    </div>
  );
}
