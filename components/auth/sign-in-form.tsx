'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { signInSchema } from '@/lib/auth/schema';
import { OTP_REQUIRED_MESSAGE } from '@/lib/auth/two-factor-schema';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';

export function SignInForm({ returnTo, notice }: { returnTo: string; notice?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  // Set once sign-in has said that this account needs a two-factor code.
  const [needsCode, setNeedsCode] = useState(false);
  const form = useForm<z.input<typeof signInSchema>, unknown, z.output<typeof signInSchema>>({
    resolver: zodResolver(signInSchema),
    defaultValues: { email: '', password: '' },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async ({ email, password, otp }) => {
    setError(null);
    // Email and password go again with the code: nothing of the first attempt is kept anywhere.
    const result = await signIn('credentials', { email, password, ...(otp ? { otp } : {}), redirect: false });
    if (!result || result.error) {
      if (result?.error === OTP_REQUIRED_MESSAGE) {
        setNeedsCode(true);
        return;
      }
      setError(result?.error && result.error !== 'CredentialsSignin' ? result.error : 'Sign-in failed. Try again.');
      if (needsCode) form.setValue('otp', '');
      return;
    }
    // A return to an API route (the SAML account link URL) is a full page load, not a console page.
    if (returnTo.startsWith('/v1/')) {
      window.location.assign(returnTo);
      return;
    }
    router.replace(returnTo);
    router.refresh();
  });

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      {notice ? <Alert tone="info">{notice}</Alert> : null}
      {error ? <Alert>{error}</Alert> : null}
      <Field label="Email" type="email" autoComplete="username" error={errors.email?.message} {...form.register('email')} />
      <Field
        label="Password"
        type="password"
        autoComplete="current-password"
        error={errors.password?.message}
        {...form.register('password')}
      />
      {needsCode ? (
        <>
          <Alert tone="info">
            Two-factor authentication is on for this account. Enter the code from your authenticator app, or one of your recovery codes.
          </Alert>
          <Field
            label="Authentication code"
            autoComplete="one-time-code"
            autoFocus
            placeholder="123456"
            error={errors.otp?.message}
            {...form.register('otp')}
          />
        </>
      ) : null}
      <Button type="submit" className="w-full" disabled={isSubmitting}>
        {isSubmitting ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
