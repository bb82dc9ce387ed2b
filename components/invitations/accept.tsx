'use client';

import { signIn } from '@/components/sign-in/lazy-sign-in';
import { acceptInvitationAction, signUpAndAcceptAction } from '@/app/invite/[secret]/actions';
import { useAction } from '@/components/forms/use-action';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';

export function AcceptButton({ secret, organizationName }: { secret: string; organizationName: string }) {
  const { run, pending, error, router } = useAction();
  return (
    <div className="space-y-3">
      {error ? <Alert>{error}</Alert> : null}
      <Button
        type="button"
        className="w-full"
        disabled={pending}
        onClick={() => run(() => acceptInvitationAction(secret), { onSuccess: () => router.replace('/') })}
      >
        Join {organizationName}
      </Button>
    </div>
  );
}

export function SignUpAndAcceptForm({ secret, email }: { secret: string; email: string }) {
  const { field, onSubmit, pending, error } = useActionForm(
    () => import('@/lib/invitations/schema').then((m) => m.acceptWithSignUpSchema),
    (values) => signUpAndAcceptAction(secret, values),
    {
      defaultValues: { real_name: '', password: '' },
      fields: ['password'],
      onSuccess: async (_, { values, router }) => {
        const signedIn = await signIn('credentials', { email, password: values.password, redirect: false });
        router.replace(signedIn?.ok && !signedIn.error ? '/' : '/signin');
      },
    },
  );
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Create your account">
      {error ? <Alert>{error}</Alert> : null}
      <Field label="Email" value={email} readOnly disabled />
      <Field label="Your name" autoComplete="name" {...field('real_name')} />
      <Field label="Choose a password" type="password" autoComplete="new-password" hint="At least 12 characters." {...field('password')} />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Creating your account…' : 'Create account and join'}
      </Button>
    </form>
  );
}
