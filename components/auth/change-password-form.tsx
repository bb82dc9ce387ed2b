'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { changePasswordAction } from '@/app/(console)/profile/authentication/actions';
import type { changePasswordFormSchema } from '@/lib/auth/password-schema';
import { lazyZodResolver } from '@/components/forms/lazy-zod-resolver';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { SwitchField } from '@/components/ui/switch-field';

// Profile → Authentication → Change password. The rules are in lib/auth/password-change.ts; the
// form parses with the same schema (lib/auth/password-schema.ts).

type ChangeInput = z.input<typeof changePasswordFormSchema>;
type ChangeOutput = z.output<typeof changePasswordFormSchema>;
const changeResolver = lazyZodResolver<ChangeInput, ChangeOutput>(() => import('@/lib/auth/password-schema').then((m) => m.changePasswordFormSchema));

/** Profile → Authentication → Change password (or "Set a password" for a user who has none). */
export function ChangePasswordForm({ hasPassword }: { hasPassword: boolean }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const form = useForm<ChangeInput, unknown, ChangeOutput>({
    resolver: changeResolver,
    defaultValues: { currentPassword: '', newPassword: '', confirmPassword: '', revokeTokens: false },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    setDone(null);
    const result = await changePasswordAction(values);
    if (!result.ok) {
      setError(result.message);
      for (const name of ['currentPassword', 'newPassword', 'confirmPassword'] as const) {
        const message = result.fieldErrors[name]?.[0];
        if (message) form.setError(name, { message });
      }
      return;
    }
    const { sessionsEnded, personalTokensRevoked, firstPassword } = result.data;
    const sessions = `${sessionsEnded} other session${sessionsEnded === 1 ? '' : 's'}`;
    setDone(
      `${firstPassword ? 'Your password is set' : 'Your password is changed'}. You are still signed in here; every other sign-in has ended (${sessions} signed out). ` +
        (personalTokensRevoked > 0
          ? `Your personal tokens are revoked (${personalTokensRevoked}).`
          : 'Your personal tokens keep working: revoke them under Profile → Tokens if someone else may have one.'),
    );
    form.reset();
    router.refresh();
  });

  return (
    <form onSubmit={onSubmit} noValidate className="max-w-md space-y-4" aria-label={hasPassword ? 'Change password' : 'Set a password'}>
      {done ? (
        <Alert tone="info">
          <span data-testid="password-changed">{done}</span>
        </Alert>
      ) : null}
      {error ? <Alert>{error}</Alert> : null}
      {hasPassword ? (
        <Field
          label="Current password"
          type="password"
          autoComplete="current-password"
          error={errors.currentPassword?.message}
          {...form.register('currentPassword')}
        />
      ) : null}
      <Field
        label="New password"
        type="password"
        autoComplete="new-password"
        hint="At least 12 characters."
        error={errors.newPassword?.message}
        {...form.register('newPassword')}
      />
      <Field
        label="Confirm new password"
        type="password"
        autoComplete="new-password"
        error={errors.confirmPassword?.message}
        {...form.register('confirmPassword')}
      />
      <SwitchField
        label="Also revoke my tokens"
        description="Personal tokens keep working after a password change unless you tick this. Every other sign-in ends either way."
        {...form.register('revokeTokens')}
      />
      <Button type="submit" disabled={isSubmitting}>
        {isSubmitting ? 'Saving…' : hasPassword ? 'Change password' : 'Set password'}
      </Button>
    </form>
  );
}
