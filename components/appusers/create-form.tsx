'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { createApplicationUserAction } from '@/app/(console)/admin/application-users/actions';
import type { createApplicationUserSchema } from '@/lib/appusers/schema';
import { lazyZodResolver } from '@/components/forms/lazy-zod-resolver';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { SwitchField } from '@/components/ui/switch-field';

const resolver = lazyZodResolver<z.input<typeof createApplicationUserSchema>, z.output<typeof createApplicationUserSchema>>(() => import('@/lib/appusers/schema').then((m) => m.createApplicationUserSchema));


export function CreateApplicationUserForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<z.input<typeof createApplicationUserSchema>, unknown, z.output<typeof createApplicationUserSchema>>({
    resolver: resolver,
    defaultValues: { name: '', is_super_admin: false },
  });
  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    const result = await createApplicationUserAction(values);
    if (!result.ok) {
      setError(result.message);
      if (result.fieldErrors.name) form.setError('name', { message: result.fieldErrors.name[0] });
      return;
    }
    form.reset();
    router.push(`/admin/application-users/${result.data.userId}`);
  });
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Create application user" className="space-y-4">
      {error ? <Alert>{error}</Alert> : null}
      <Field label="Name" placeholder="Terraform" error={form.formState.errors.name?.message} {...form.register('name')} />
      <SwitchField
        label="Super admin"
        description="Its tokens can change the organization's settings, including this page."
        {...form.register('is_super_admin')}
      />
      <Button type="submit" disabled={form.formState.isSubmitting}>
        Create application user
      </Button>
    </form>
  );
}
