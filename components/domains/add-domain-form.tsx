'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { addDomainAction } from '@/app/(console)/admin/domains/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { addDomainSchema } from '@/lib/domains/schema';

export function AddDomainForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<z.input<typeof addDomainSchema>, unknown, z.output<typeof addDomainSchema>>({
    resolver: zodResolver(addDomainSchema),
    defaultValues: { domain_name: '', verification_type: 'dns' },
  });
  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    const result = await addDomainAction(values);
    if (!result.ok) {
      const fieldMessage = result.fieldErrors.domain_name?.[0];
      if (fieldMessage) form.setError('domain_name', { message: fieldMessage });
      else setError(result.message);
      return;
    }
    form.reset();
    router.refresh();
  });
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Add domain" className="space-y-4">
      {error ? <Alert>{error}</Alert> : null}
      <Field
        label="Domain name"
        placeholder="example.com"
        hint="A domain or subdomain your organization owns. International names are stored in their ASCII (xn--) form."
        error={form.formState.errors.domain_name?.message}
        autoComplete="off"
        {...form.register('domain_name')}
      />
      <Button type="submit" disabled={form.formState.isSubmitting}>
        Add domain
      </Button>
    </form>
  );
}
