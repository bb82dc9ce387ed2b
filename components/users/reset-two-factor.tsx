'use client';

import { useState } from 'react';
import { resetMemberTwoFactorAction } from '@/app/(console)/admin/users/actions';
import { ConfirmDialog, useConfirm } from '@/components/forms/confirm-dialog';
import { useAction } from '@/components/forms/use-action';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

/**
 * The member's page: their 2FA state and "Reset two-factor authentication". Where the reset
 * would be refused (lib/users/member-two-factor.ts: twoFactorResetRefusal) the page says why
 * instead of offering the button; the server checks again either way.
 */
export function ResetTwoFactor({
  userId,
  email,
  enabled,
  pendingSetup,
  requiredHere,
  refusal,
}: {
  userId: string;
  email: string;
  enabled: boolean;
  pendingSetup: boolean;
  requiredHere: boolean;
  refusal: string | null;
}) {
  const confirm = useConfirm();
  const { run, pending, error, notice } = useAction();

  const reset = () =>
    run(() => resetMemberTwoFactorAction({ user_id: userId }), { settled: confirm.close, onSuccess: (data) => data.message });

  const state = enabled
    ? 'On: password sign-ins ask for a code from their authenticator app.'
    : pendingSetup
      ? 'Off: an authenticator setup was started and never confirmed.'
      : 'Off.';
  const policy = requiredHere
    ? 'This organization requires two-factor authentication for password sign-ins.'
    : 'This organization does not require two-factor authentication.';

  return (
    <div className="mt-2 space-y-3 text-sm">
      <p data-testid="two-factor-state">{state}</p>
      <p className="text-slate-600">{policy}</p>
      {notice ? <Alert tone="info">{notice}</Alert> : null}
      {error ? <Alert>{error}</Alert> : null}
      {refusal ? (
        <p className="text-slate-600" data-testid="two-factor-reset-refusal">
          {refusal}
        </p>
      ) : (
        <div>
          <Button type="button" variant="secondary" className="text-red-700" onClick={() => confirm.open(true)}>
            Reset two-factor authentication
          </Button>
        </div>
      )}
      <ConfirmDialog confirm={confirm} title={`Reset two-factor authentication of ${email}?`} confirmLabel="Reset" onConfirm={reset} pending={pending}>
        <p>Their authenticator app and all their recovery codes stop working at once. Their sessions and tokens stay.</p>
        <p>
          {requiredHere
            ? 'This organization requires two-factor authentication: at their next password sign-in they must set up a new authenticator before they can do anything else.'
            : 'This organization does not require two-factor authentication: they can sign in with their password alone until they set up a new authenticator.'}
        </p>
        <p>Whoever signs in next with their password sets up the new authenticator: reset only for the person you have confirmed is asking.</p>
      </ConfirmDialog>
    </div>
  );
}
