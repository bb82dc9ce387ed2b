'use client';

import { signIn } from '@/components/sign-in/lazy-sign-in';
import { completeSetupAction } from '@/app/setup/actions';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';

export function SetupForm() {
  const { field, onSubmit, pending, error } = useActionForm(
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
      <Field label="Organization name" autoComplete="organization" {...field('organizationName')} />
      <Field label="Your email" type="email" autoComplete="username" {...field('email')} />
      <Field label="Password" type="password" autoComplete="new-password" hint="At least 12 characters." {...field('password')} />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Creating…' : 'Create organization'}
      </Button>
    </form>
  );
}
