'use client';

import { addIdentityProviderAction } from '@/app/(console)/admin/identity-providers/actions';
import { SAML_VENDORS, VENDOR_LABELS } from '@/lib/identity-providers/vendors';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { SelectField } from '@/components/ui/select-field';

export function AddIdentityProviderForm() {
  const { form, field, onSubmit, pending, error } = useActionForm(
    () => import('@/lib/identity-providers/schema').then((m) => m.addIdentityProviderSchema),
    addIdentityProviderAction,
    {
      defaultValues: { authentication_method_name: '', vendor: 'okta' },
      fields: ['authentication_method_name'],
      refresh: false,
      onSuccess: (data, { router }) => router.push(`/admin/identity-providers/${data.methodId}`),
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Add identity provider" className="grid gap-4 sm:grid-cols-[14rem_1fr_auto] sm:items-end">
      {error ? <div className="sm:col-span-3"><Alert>{error}</Alert></div> : null}
      <SelectField
        id="idp-vendor"
        label="Vendor"
        options={SAML_VENDORS.map((vendor) => ({ value: vendor, label: VENDOR_LABELS[vendor] }))}
        {...form.register('vendor')}
      />
      <Field label="Name" placeholder="Okta SSO" {...field('authentication_method_name')} />
      <Button type="submit" disabled={pending}>
        Add identity provider
      </Button>
    </form>
  );
}
