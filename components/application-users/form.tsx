'use client';

import { createApplicationUserAction } from '@/app/(console)/admin/application-users/actions';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { SwitchField } from '@/components/ui/switch-field';

export function CreateApplicationUserForm() {
  const { form, field, onSubmit, pending, error } = useActionForm(
    () => import('@/lib/application-users/schema').then((m) => m.createApplicationUserSchema),
    createApplicationUserAction,
    {
      defaultValues: { name: '', is_super_admin: false },
      fields: ['name'],
      reset: true,
      refresh: false,
      onSuccess: (data, { router }) => router.push(`/admin/application-users/${data.userId}`),
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Create application user" className="space-y-4">
      {error ? <Alert>{error}</Alert> : null}
      <Field label="Name" placeholder="Terraform" {...field('name')} />
      <SwitchField
        label="Super admin"
        description="Its tokens can change the organization's settings, including this page."
        {...form.register('is_super_admin')}
      />
      <Button type="submit" disabled={pending}>
        Create application user
      </Button>
    </form>
  );
}
