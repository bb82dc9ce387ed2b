'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { createProjectAction } from '@/app/(console)/projects/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { createProjectActionSchema } from '@/lib/projects/schema';

export function CreateProjectForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<z.input<typeof createProjectActionSchema>, unknown, z.output<typeof createProjectActionSchema>>({
    resolver: zodResolver(createProjectActionSchema),
    defaultValues: { project: '' },
  });
  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    const result = await createProjectAction(values);
    if (!result.ok) {
      if (result.fieldErrors.project) form.setError('project', { message: result.fieldErrors.project[0] });
      else setError(result.message);
      return;
    }
    router.push(`/projects/${result.data.project}`);
  });
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Create project" className="flex items-start gap-3">
      {error ? <Alert>{error}</Alert> : null}
      <Field
        label="Project name"
        placeholder="payments-prod"
        hint="Lowercase letters, digits and dashes. It is the project's key in the API."
        className="w-80"
        error={form.formState.errors.project?.message}
        {...form.register('project')}
      />
      <Button type="submit" className="mt-6" disabled={form.formState.isSubmitting}>
        Create project
      </Button>
    </form>
  );
}
