'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { completeSetupAction } from '@/app/setup/actions';
import { setupSchema } from '@/lib/setup/schema';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';

type Values = z.input<typeof setupSchema>;
const fields = ['organizationName', 'email', 'password'] as const;

export function SetupForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<Values, unknown, z.output<typeof setupSchema>>({
    resolver: zodResolver(setupSchema),
    defaultValues: { organizationName: '', email: '', password: '' },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    const result = await completeSetupAction(values);
    if (!result.ok) {
      setError(result.message);
      for (const name of fields) {
        const message = result.fieldErrors[name]?.[0];
        if (message) form.setError(name, { message });
      }
      return;
    }
    const signedIn = await signIn('credentials', { email: values.email, password: values.password, redirect: false });
    if (signedIn?.ok && !signedIn.error) {
      router.replace('/');
      router.refresh();
    } else {
      router.replace('/signin?setup=done');
    }
  });

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      {error ? <Alert>{error}</Alert> : null}
      <Field label="Organization name" autoComplete="organization" error={errors.organizationName?.message} {...form.register('organizationName')} />
      <Field label="Your email" type="email" autoComplete="username" error={errors.email?.message} {...form.register('email')} />
      <Field
        label="Password"
        type="password"
        autoComplete="new-password"
        hint="At least 12 characters."
        error={errors.password?.message}
        {...form.register('password')}
      />
      <Button type="submit" className="w-full" disabled={isSubmitting}>
        {isSubmitting ? 'Creating…' : 'Create organization'}
      </Button>
    </form>
  );
}
