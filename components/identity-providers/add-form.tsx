'use client';

import { addIdentityProviderAction } from '@/app/(console)/admin/identity-providers/actions';
import { SAML_VENDORS, VENDOR_LABELS } from '@/lib/identity-providers/schema';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';

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
      <div className="space-y-1">
        <label htmlFor="idp-vendor" className="block text-sm font-medium text-slate-700">
          Vendor
        </label>
        <select id="idp-vendor" className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm" {...form.register('vendor')}>
          {SAML_VENDORS.map((vendor) => (
            <option key={vendor} value={vendor}>
              {VENDOR_LABELS[vendor]}
            </option>
          ))}
        </select>
      </div>
      <Field label="Name" placeholder="Okta SSO" {...field('authentication_method_name')} />
      <Button type="submit" disabled={pending}>
        Add identity provider
      </Button>
    </form>
  );
}
