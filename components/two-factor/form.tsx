'use client';

import { useState } from 'react';
import { beginTotpAction, confirmTotpAction } from '@/app/(console)/profile/authentication/actions';
import { useAction } from '@/components/forms/use-action';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';

type Setup = { secret: string; qrCode: string };

/** "JBSWY3DPEHPK3PXP…" as "JBSW Y3DP EHPK 3PXP …": easier to type; apps ignore the spaces. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

/**
 * Sets up an authenticator: start (a new secret), scan it and confirm with a code. The
 * recovery codes that confirmation returns go to `onEnrolled`, which shows them.
 */
export function EnrollForm({ account, onEnrolled }: { account: string; onEnrolled: (recoveryCodes: string[]) => void }) {
  const [setup, setSetup] = useState<Setup | null>(null);
  const begin = useAction();
  const { form, field, onSubmit: onConfirm, pending, error: confirmError, setMessage: setConfirmMessage } = useActionForm(
    () => import('@/lib/two-factor/schema').then((m) => m.confirmTotpSchema),
    confirmTotpAction,
    {
      defaultValues: { code: '' },
      fields: ['code'],
      message: 'unless-field',
      refresh: false,
      onError: begin.clear,
      onSuccess: (data) => {
        begin.clear();
        onEnrolled(data.recoveryCodes);
      },
    },
  );
  const starting = begin.pending;
  // One alert for both: starting a setup, or confirming it.
  const error = begin.error ?? confirmError;

  const start = () => {
    setConfirmMessage(null);
    begin.run(() => beginTotpAction({}), {
      refresh: false,
      onSuccess: (data) => {
        form.reset({ code: '' });
        setSetup(data);
      },
    });
  };

  if (!setup) {
    return (
      <div className="space-y-4">
        {error ? <Alert>{error}</Alert> : null}
        <p className="text-slate-600">
          Protect your password with a code from an authenticator app (such as 1Password, Google Authenticator or Microsoft
          Authenticator) each time you sign in with it.
        </p>
        <div>
          <Button type="button" onClick={start} disabled={starting}>
            {starting ? 'Starting…' : 'Set up authenticator app'}
          </Button>
        </div>
      </div>
    );
  }
  return (
    <form onSubmit={onConfirm} noValidate aria-label="Set up authenticator app" className="space-y-5">
      {error ? <Alert>{error}</Alert> : null}
      <ol className="space-y-5">
        <li className="space-y-3">
          <p>
            <span className="font-medium">1. Scan this QR code</span> with your authenticator app.
          </p>
          <div className="flex flex-wrap items-center gap-6">
            {/* A data: URL made on the server; next/image adds nothing for it. */}
            <img
              src={setup.qrCode}
              alt={`QR code for ${account}`}
              width={192}
              height={192}
              className="rounded-md border border-slate-200"
            />
            <div className="min-w-0 flex-1 space-y-1">
              <p className="text-slate-600">Cannot scan it? Enter this key instead:</p>
              <code data-testid="totp-secret" className="block break-all rounded-md bg-slate-100 px-3 py-2 font-mono text-sm tracking-wide">
                {grouped(setup.secret)}
              </code>
              <p className="text-xs text-slate-500">Time-based, 6 digits, every 30 seconds. Account: {account}</p>
            </div>
          </div>
        </li>
        <li className="space-y-3">
          <p>
            <span className="font-medium">2. Enter the code</span> the app shows for Portcullis.
          </p>
          <Field
            label="Authentication code"
            inputMode="numeric"
            autoComplete="one-time-code"
            placeholder="123456"
            className="max-w-48"
            {...field('code')}
          />
        </li>
      </ol>
      <div className="flex gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? 'Checking…' : 'Turn on two-factor authentication'}
        </Button>
        <Button type="button" variant="secondary" onClick={start} disabled={starting}>
          New key
        </Button>
      </div>
    </form>
  );
}
