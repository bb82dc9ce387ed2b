'use client';

import { createProjectAction } from '@/app/(console)/projects/actions';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';

export function CreateProjectForm() {
  const { field, onSubmit, pending, error } = useActionForm(
    () => import('@/lib/projects/schema').then((m) => m.createProjectActionSchema),
    createProjectAction,
    {
      defaultValues: { project: '' },
      fields: ['project'],
      message: 'unless-field',
      refresh: false,
      onSuccess: (data, { router }) => router.push(`/projects/${data.project}`),
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Create project" className="flex items-start gap-3">
      {error ? <Alert>{error}</Alert> : null}
      <Field
        label="Project name"
        placeholder="payments-prod"
        hint="Lowercase letters, digits and dashes. It is the project's key in the API."
        className="w-80"
        {...field('project')}
      />
      <Button type="submit" className="mt-6" disabled={pending}>
        Create project
      </Button>
    </form>
  );
}
