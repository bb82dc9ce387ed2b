'use client';

import { requestEmailVerificationAction } from '@/app/(console)/profile/authentication/actions';
import { confirmEmailVerificationAction } from '@/app/(console)/verify-email/[secret]/actions';
import { useAction } from '@/components/forms/use-action';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

/** Profile → Authentication: asks for the mail with the verification link. */
export function RequestVerificationButton({ email }: { email: string }) {
  const { run, pending, message } = useAction();
  return (
    <div className="space-y-3">
      {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      <Button
        type="button"
        variant="secondary"
        disabled={pending}
        onClick={() =>
          run(() => requestEmailVerificationAction({}), {
            refresh: false,
            onSuccess: () => `We mailed a verification link to ${email}. Open it while signed in as ${email} and press Verify; it works once, within an hour.`,
          })
        }
      >
        {pending ? 'Sending…' : 'Email me a verification link'}
      </Button>
    </div>
  );
}

/** /verify-email/<secret>: the POST that proves the address (the page's GET proves nothing). */
export function ConfirmVerificationButton({ secret, email }: { secret: string; email: string }) {
  const { run, pending, error } = useAction();
  return (
    <div className="space-y-3">
      {error ? <Alert>{error}</Alert> : null}
      <Button
        type="button"
        disabled={pending}
        onClick={() => run(() => confirmEmailVerificationAction({ code: secret }))}
      >
        {`Verify ${email}`}
      </Button>
    </div>
  );
}
