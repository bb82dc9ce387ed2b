'use client';

import { signIn } from 'next-auth/react';
import { completeSetupAction } from '@/app/setup/actions';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';

export function SetupForm() {
  const { form, onSubmit, errors, pending, error } = useActionForm(
    () => import('@/lib/setup/schema').then((m) => m.setupSchema),
    completeSetupAction,
    {
      defaultValues: { organizationName: '', email: '', password: '' },
      fields: ['organizationName', 'email', 'password'],
      refresh: false,
      onSuccess: async (_, { values, router }) => {
        const signedIn = await signIn('credentials', { email: values.email, password: values.password, redirect: false });
        if (signedIn?.ok && !signedIn.error) {
          router.replace('/');
          router.refresh();
        } else {
          router.replace('/signin?setup=done');
        }
      },
    },
  );

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
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Creating…' : 'Create organization'}
      </Button>
    </form>
  );
}
