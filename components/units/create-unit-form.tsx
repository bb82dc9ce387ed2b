'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { createUnitAction } from '@/app/(console)/admin/units/actions';
import { lazyZodResolver } from '@/components/forms/lazy-zod-resolver';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import type { createUnitActionSchema } from '@/lib/orgs/schema';

type Input = z.input<typeof createUnitActionSchema>;
type Output = z.output<typeof createUnitActionSchema>;
const resolver = lazyZodResolver<Input, Output>(() => import('@/lib/orgs/schema').then((m) => m.createUnitActionSchema));

export function CreateUnitForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<Input, unknown, Output>({ resolver, defaultValues: { name: '' } });
  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    const result = await createUnitAction(values);
    if (!result.ok) {
      const nameError = result.fieldErrors.name?.[0] ?? result.fieldErrors.account_name?.[0];
      if (nameError) form.setError('name', { message: nameError });
      else setError(result.message);
      return;
    }
    form.reset();
    router.refresh();
  });
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Create unit" className="space-y-4">
      {error ? <Alert>{error}</Alert> : null}
      <div className="flex items-start gap-3">
        <Field
          label="Unit name"
          placeholder="Payments"
          hint="Unique within the organization."
          className="w-80"
          error={form.formState.errors.name?.message}
          {...form.register('name')}
        />
        <Button type="submit" className="mt-6" disabled={form.formState.isSubmitting}>
          Create unit
        </Button>
      </div>
    </form>
  );
}
