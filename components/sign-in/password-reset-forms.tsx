'use client';

import Link from 'next/link';
import { useState } from 'react';
import { requestPasswordResetAction } from '@/app/forgot-password/actions';
import { completePasswordResetAction } from '@/app/reset-password/[secret]/actions';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';

// "Forgot password?" and the reset link's page. The rules are in lib/passwords/reset.ts; the
// forms parse with the same schemas (lib/passwords/schema.ts).

/** "Forgot password?": the address in, the same answer out whatever it is. */
export function ForgotPasswordForm() {
  const [answer, setAnswer] = useState<string | null>(null);
  const { field, onSubmit, pending, error } = useActionForm(
    () => import('@/lib/passwords/schema').then((m) => m.requestPasswordResetSchema),
    requestPasswordResetAction,
    { defaultValues: { email: '' }, fields: ['email'], refresh: false, onSuccess: (data) => setAnswer(data.message) },
  );

  if (answer) {
    return (
      <div className="space-y-4">
        <Alert tone="info">
          <span data-testid="reset-requested">{answer}</span>
        </Alert>
        <p className="text-sm text-slate-600">No mail within a few minutes? Check the address and your spam folder, then ask again.</p>
      </div>
    );
  }
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      {error ? <Alert>{error}</Alert> : null}
      <Field label="Email" type="email" autoComplete="username" {...field('email')} />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Sending…' : 'Email me a reset link'}
      </Button>
    </form>
  );
}

/** /reset-password/<secret>: the new password twice; the POST spends the link. */
export function ResetPasswordForm({ secret, email }: { secret: string; email: string }) {
  const [done, setDone] = useState(false);
  const { field, onSubmit, pending, error } = useActionForm(
    () => import('@/lib/passwords/schema').then((m) => m.resetPasswordFormSchema),
    (values) => completePasswordResetAction({ code: secret, ...values }),
    { defaultValues: { newPassword: '', confirmPassword: '' }, fields: ['newPassword', 'confirmPassword'], refresh: false, onSuccess: () => setDone(true) },
  );

  if (done) {
    return (
      <div className="space-y-4">
        <Alert tone="info">
          <span data-testid="password-reset-done">
            The password of {email} is reset, and every sign-in of the account has ended. Sign in with the new password (and your
            authentication code, if two-factor authentication is on).
          </span>
        </Alert>
        <Link className="block text-center text-sm font-medium text-brand-700 hover:underline" href="/signin">
          Sign in
        </Link>
      </div>
    );
  }
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      {error ? <Alert>{error}</Alert> : null}
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <Field label="New password" type="password" autoComplete="new-password" hint="At least 12 characters." {...field('newPassword')} />
      <Field label="Confirm new password" type="password" autoComplete="new-password" {...field('confirmPassword')} />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Saving…' : 'Set new password'}
      </Button>
    </form>
  );
}
