'use client';

import { useState } from 'react';
import { disableTwoFactorAction } from '@/app/(console)/profile/authentication/actions';
import { DialogButtons } from '@/components/forms/confirm-dialog';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';

/** Turns two-factor authentication off, after a current code or a recovery code. */
export function DisableTwoFactorDialog() {
  const [open, setOpen] = useState(false);
  const { form, field, onSubmit, pending, error, setMessage } = useActionForm(
    () => import('@/lib/two-factor/schema').then((m) => m.disableTwoFactorSchema),
    disableTwoFactorAction,
    { defaultValues: { code: '' }, fields: ['code'], message: 'unless-field', onSuccess: () => close() },
  );

  function close() {
    setOpen(false);
    setMessage(null);
    form.reset({ code: '' });
  }

  return (
    <div>
      <Button type="button" variant="secondary" onClick={() => setOpen(true)}>
        Turn off two-factor authentication
      </Button>
      <Dialog open={open} onClose={close} title="Turn off two-factor authentication?">
        <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Turn off two-factor authentication">
          <p className="text-sm text-slate-700">
            Your password alone will sign you in, and your recovery codes stop working. Enter a code from your authenticator app, or a
            recovery code, to confirm.
          </p>
          {error ? <Alert>{error}</Alert> : null}
          <Field label="Authentication code" autoComplete="one-time-code" {...field('code')} />
          <DialogButtons onCancel={close} label={pending ? 'Turning off…' : 'Turn off'} variant="danger" disabled={pending} />
        </form>
      </Dialog>
    </div>
  );
}
