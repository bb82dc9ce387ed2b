'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { acceptInvitationAction, signUpAndAcceptAction } from '@/app/invite/[secret]/actions';
import { acceptWithSignUpSchema } from '@/lib/invitations/schema';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';

export function AcceptButton({ secret, organizationName }: { secret: string; organizationName: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div className="space-y-3">
      {error ? <Alert>{error}</Alert> : null}
      <Button
        type="button"
        className="w-full"
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const result = await acceptInvitationAction(secret);
            if (!result.ok) return setError(result.message);
            router.replace('/');
            router.refresh();
          })
        }
      >
        Join {organizationName}
      </Button>
    </div>
  );
}

export function SignUpAndAcceptForm({ secret, email }: { secret: string; email: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<z.input<typeof acceptWithSignUpSchema>, unknown, z.output<typeof acceptWithSignUpSchema>>({
    resolver: zodResolver(acceptWithSignUpSchema),
    defaultValues: { real_name: '', password: '' },
  });
  const { errors, isSubmitting } = form.formState;
  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    const result = await signUpAndAcceptAction(secret, values);
    if (!result.ok) {
      setError(result.message);
      if (result.fieldErrors.password) form.setError('password', { message: result.fieldErrors.password[0] });
      return;
    }
    const signedIn = await signIn('credentials', { email, password: values.password, redirect: false });
    router.replace(signedIn?.ok && !signedIn.error ? '/' : '/signin');
    router.refresh();
  });
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Create your account">
      {error ? <Alert>{error}</Alert> : null}
      <Field label="Email" value={email} readOnly disabled />
      <Field label="Your name" autoComplete="name" error={errors.real_name?.message} {...form.register('real_name')} />
      <Field
        label="Choose a password"
        type="password"
        autoComplete="new-password"
        hint="At least 12 characters."
        error={errors.password?.message}
        {...form.register('password')}
      />
      <Button type="submit" className="w-full" disabled={isSubmitting}>
        {isSubmitting ? 'Creating your account…' : 'Create account and join'}
      </Button>
    </form>
  );
}
