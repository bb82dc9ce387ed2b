'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { addIdentityProviderAction } from '@/app/(console)/admin/identity-providers/actions';
import { addIdentityProviderSchema, SAML_VENDORS, VENDOR_LABELS } from '@/lib/saml/schema';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';

export function AddIdentityProviderForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<z.input<typeof addIdentityProviderSchema>, unknown, z.output<typeof addIdentityProviderSchema>>({
    resolver: zodResolver(addIdentityProviderSchema),
    defaultValues: { authentication_method_name: '', vendor: 'okta' },
  });
  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    const result = await addIdentityProviderAction(values);
    if (!result.ok) {
      setError(result.message);
      const message = result.fieldErrors.authentication_method_name?.[0];
      if (message) form.setError('authentication_method_name', { message });
      return;
    }
    router.push(`/admin/identity-providers/${result.data.methodId}`);
  });
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
      <Field label="Name" placeholder="Okta SSO" error={form.formState.errors.authentication_method_name?.message} {...form.register('authentication_method_name')} />
      <Button type="submit" disabled={form.formState.isSubmitting}>
        Add identity provider
      </Button>
    </form>
  );
}
