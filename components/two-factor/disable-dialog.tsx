'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { disableTwoFactorAction } from '@/app/(console)/profile/authentication/actions';
import type { disableTwoFactorSchema } from '@/lib/auth/two-factor-schema';
import { lazyZodResolver } from '@/components/forms/lazy-zod-resolver';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';

const resolver = lazyZodResolver<z.input<typeof disableTwoFactorSchema>, z.output<typeof disableTwoFactorSchema>>(() => import('@/lib/auth/two-factor-schema').then((m) => m.disableTwoFactorSchema));


type Input = z.input<typeof disableTwoFactorSchema>;
type Output = z.output<typeof disableTwoFactorSchema>;

/** Turns two-factor authentication off, after a current code or a recovery code. */
export function DisableTwoFactorDialog() {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const form = useForm<Input, unknown, Output>({ resolver: resolver, defaultValues: { code: '' } });
  const { errors, isSubmitting } = form.formState;

  const close = () => {
    setOpen(false);
    setError(null);
    form.reset({ code: '' });
  };

  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    const result = await disableTwoFactorAction(values);
    if (!result.ok) {
      if (result.fieldErrors.code) form.setError('code', { message: result.fieldErrors.code[0] });
      else setError(result.message);
      return;
    }
    close();
    router.refresh();
  });

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
          <Field label="Authentication code" autoComplete="one-time-code" error={errors.code?.message} {...form.register('code')} />
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" variant="danger" disabled={isSubmitting}>
              {isSubmitting ? 'Turning off…' : 'Turn off'}
            </Button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}
