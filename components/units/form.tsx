'use client';

import { createUnitAction } from '@/app/(console)/admin/units/actions';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';

export function CreateUnitForm() {
  const { field, onSubmit, pending, error } = useActionForm(
    () => import('@/lib/organizations/schema').then((m) => m.createUnitActionSchema),
    createUnitAction,
    // The API's rules name the unit's name account_name: it shows beside the field too.
    { defaultValues: { name: '' }, fields: [['name', 'account_name']], message: 'unless-field', reset: true },
  );
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Create unit" className="space-y-4">
      {error ? <Alert>{error}</Alert> : null}
      <div className="flex items-start gap-3">
        <Field label="Unit name" placeholder="Payments" hint="Unique within the organization." className="w-80" {...field('name')} />
        <Button type="submit" className="mt-6" disabled={pending}>
          Create unit
        </Button>
      </div>
    </form>
  );
}
