'use client';

import { changePasswordAction } from '@/app/(console)/profile/authentication/actions';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { SwitchField } from '@/components/ui/switch-field';

// Profile → Authentication → Change password. The rules are in lib/passwords/change.ts; the
// form parses with the same schema (lib/passwords/schema.ts).

/** Profile → Authentication → Change password (or "Set a password" for a user who has none). */
export function ChangePasswordForm({ hasPassword }: { hasPassword: boolean }) {
  const { form, field, onSubmit, pending, error, notice } = useActionForm(
    () => import('@/lib/passwords/schema').then((m) => m.changePasswordFormSchema),
    changePasswordAction,
    {
      defaultValues: { currentPassword: '', newPassword: '', confirmPassword: '', revokeTokens: false },
      fields: ['currentPassword', 'newPassword', 'confirmPassword'],
      reset: true,
      onSuccess: ({ sessionsEnded, personalTokensRevoked, firstPassword }) => {
        const sessions = `${sessionsEnded} other session${sessionsEnded === 1 ? '' : 's'}`;
        return (
          `${firstPassword ? 'Your password is set' : 'Your password is changed'}. You are still signed in here; every other sign-in has ended (${sessions} signed out). ` +
          (personalTokensRevoked > 0
            ? `Your personal tokens are revoked (${personalTokensRevoked}).`
            : 'Your personal tokens keep working: revoke them under Profile → Tokens if someone else may have one.')
        );
      },
    },
  );

  return (
    <form onSubmit={onSubmit} noValidate className="max-w-md space-y-4" aria-label={hasPassword ? 'Change password' : 'Set a password'}>
      {notice ? (
        <Alert tone="info">
          <span data-testid="password-changed">{notice}</span>
        </Alert>
      ) : null}
      {error ? <Alert>{error}</Alert> : null}
      {hasPassword ? (
        <Field label="Current password" type="password" autoComplete="current-password" {...field('currentPassword')} />
      ) : null}
      <Field label="New password" type="password" autoComplete="new-password" hint="At least 12 characters." {...field('newPassword')} />
      <Field label="Confirm new password" type="password" autoComplete="new-password" {...field('confirmPassword')} />
      <SwitchField
        label="Also revoke my tokens"
        description="Personal tokens keep working after a password change unless you tick this. Every other sign-in ends either way."
        {...form.register('revokeTokens')}
      />
      <Button type="submit" disabled={pending}>
        {pending ? 'Saving…' : hasPassword ? 'Change password' : 'Set password'}
      </Button>
    </form>
  );
}
