'use client';

import { signIn } from '@/components/sign-in/lazy-sign-in';
import { useState } from 'react';
import type { OAuthProviderId } from '@/lib/sign-in/oauth-config';
import { THIRD_PARTY_LABELS } from '@/lib/policy/policy';
import { OTP_REQUIRED_MESSAGE } from '@/lib/two-factor/codes';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';

/**
 * next-auth's credentials sign-in, answered as a server action would answer: signed in, a
 * two-factor code needed (the form then asks for it), or refused with the message to show.
 */
async function signInWithPassword({ email, password, otp }: { email: string; password: string; otp?: string }) {
  // Email and password go again with the code: nothing of the first attempt is kept anywhere.
  const result = await signIn('credentials', { email, password, ...(otp ? { otp } : {}), redirect: false });
  if (result && !result.error) return { ok: true as const, data: 'signed-in' as const };
  if (result?.error === OTP_REQUIRED_MESSAGE) return { ok: true as const, data: 'needs-code' as const };
  const message = result?.error && result.error !== 'CredentialsSignin' ? result.error : 'Sign-in failed. Try again.';
  return { ok: false as const, message, fieldErrors: {} };
}

export function SignInForm({
  returnTo,
  notice,
  initialError = null,
  providers = [],
}: {
  returnTo: string;
  notice?: string;
  /** What went wrong in a third-party sign-in that came back here. */
  initialError?: string | null;
  /** The third-party providers configured on this server: one button each. */
  providers?: OAuthProviderId[];
}) {
  const [redirecting, setRedirecting] = useState<OAuthProviderId | null>(null);
  // Set once sign-in has said that this account needs a two-factor code.
  const [needsCode, setNeedsCode] = useState(false);
  const { form, field, onSubmit, pending, error } = useActionForm(
    () => import('@/lib/sign-in/schema').then((m) => m.signInSchema),
    signInWithPassword,
    {
      defaultValues: { email: '', password: '' },
      initialError,
      onError: () => {
        if (needsCode) form.setValue('otp', '');
      },
      onSuccess: (outcome, { router }) => {
        if (outcome === 'needs-code') {
          setNeedsCode(true);
          return false;
        }
        // A return to an API route (the SAML account link URL) is a full page load, not a console page.
        if (returnTo.startsWith('/v1/')) {
          window.location.assign(returnTo);
          return false;
        }
        router.replace(returnTo);
      },
    },
  );

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      {notice ? <Alert tone="info">{notice}</Alert> : null}
      {error ? <Alert>{error}</Alert> : null}
      <Field label="Email" type="email" autoComplete="username" {...field('email')} />
      <Field label="Password" type="password" autoComplete="current-password" {...field('password')} />
      {needsCode ? (
        <>
          <Alert tone="info">
            Two-factor authentication is on for this account. Enter the code from your authenticator app, or one of your recovery codes.
          </Alert>
          <Field label="Authentication code" autoComplete="one-time-code" autoFocus placeholder="123456" {...field('otp')} />
        </>
      ) : null}
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </Button>
      {providers.length > 0 ? (
        <div className="space-y-2 pt-2">
          <p className="flex items-center gap-3 text-xs text-slate-500 before:h-px before:flex-1 before:bg-slate-200 after:h-px after:flex-1 after:bg-slate-200">
            or
          </p>
          {providers.map((provider) => (
            <Button
              key={provider}
              type="button"
              variant="secondary"
              className="w-full"
              disabled={redirecting !== null}
              onClick={() => {
                setRedirecting(provider);
                void signIn(provider, { callbackUrl: returnTo });
              }}
            >
              {redirecting === provider ? `Going to ${THIRD_PARTY_LABELS[provider]}…` : `Continue with ${THIRD_PARTY_LABELS[provider]}`}
            </Button>
          ))}
        </div>
      ) : null}
    </form>
  );
}
