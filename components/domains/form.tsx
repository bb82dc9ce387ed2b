'use client';

import { addDomainAction } from '@/app/(console)/admin/domains/actions';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';

export function AddDomainForm() {
  const { form, field, onSubmit, pending, error } = useActionForm(
    () => import('@/lib/domains/schema').then((m) => m.addDomainSchema),
    addDomainAction,
    { defaultValues: { domain_name: '', verification_type: 'dns' }, fields: ['domain_name'], message: 'unless-field', reset: true },
  );
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Add domain" className="space-y-4">
      {error ? <Alert>{error}</Alert> : null}
      <Field
        label="Domain name"
        placeholder="example.com"
        hint="A domain or subdomain your organization owns. International names are stored in their ASCII (xn--) form."
        autoComplete="off"
        {...field('domain_name')}
      />
      <Button type="submit" disabled={pending}>
        Add domain
      </Button>
    </form>
  );
}
