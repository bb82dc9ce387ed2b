'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { requestEmailVerificationAction } from '@/app/(console)/profile/authentication/actions';
import { confirmEmailVerificationAction } from '@/app/(console)/verify-email/[secret]/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

/** Profile → Authentication: asks for the mail with the verification link. */
export function RequestVerificationButton({ email }: { email: string }) {
  const [message, setMessage] = useState<{ tone: 'error' | 'info'; text: string } | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div className="space-y-3">
      {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      <Button
        type="button"
        variant="secondary"
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            setMessage(null);
            const result = await requestEmailVerificationAction({});
            if (!result.ok) return setMessage({ tone: 'error', text: result.message });
            setMessage({
              tone: 'info',
              text: `We mailed a verification link to ${email}. Open it while signed in as ${email} and press Verify; it works once, within an hour.`,
            });
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
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  return (
    <div className="space-y-3">
      {error ? <Alert>{error}</Alert> : null}
      <Button
        type="button"
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            setError(null);
            const result = await confirmEmailVerificationAction({ code: secret });
            if (!result.ok) return setError(result.message);
            router.refresh();
          })
        }
      >
        {`Verify ${email}`}
      </Button>
    </div>
  );
}
