'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { TwoFactorStatus } from '@/lib/two-factor/status';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Time } from '@/components/ui/time';
import { DisableTwoFactorDialog } from './dialog';
import { EnrollForm } from './form';
import { RecoveryCodes } from './recovery-codes';

/**
 * The body of Profile → Authentication's two-factor card. A client component, so that the
 * recovery codes stay on screen while the page refreshes around them after enrollment.
 * `continueTo`: where a session that its organization's policy held back goes once enrolled.
 */
export function TwoFactorPanel({
  status,
  account,
  requiredByOrganization,
  continueTo,
}: {
  status: TwoFactorStatus;
  account: string;
  requiredByOrganization: boolean;
  continueTo: string | null;
}) {
  const router = useRouter();
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  // Kept from the first render: after enrollment the refreshed page no longer passes it.
  const [continueAfter] = useState(continueTo);

  const enrolled = (codes: string[]) => {
    setRecoveryCodes(codes);
    router.refresh();
  };
  const done = () => {
    setRecoveryCodes(null);
    // A full load, not router.push: while enrollment was pending, the client router may have
    // cached the proxy's redirects of other pages to this one.
    if (continueAfter) window.location.assign(continueAfter);
  };

  if (recoveryCodes) {
    return (
      <section aria-labelledby="recovery-heading" className="space-y-4">
        <h3 id="recovery-heading" className="font-medium">
          Two-factor authentication is on. Save your recovery codes
        </h3>
        <Alert>
          These codes are shown only once. Each one signs you in once if you lose your authenticator app. Keep them somewhere safe,
          apart from your password.
        </Alert>
        <RecoveryCodes codes={recoveryCodes} />
        <div>
          <Button type="button" onClick={done}>
            {continueAfter ? 'I have saved them, continue' : 'I have saved them'}
          </Button>
        </div>
      </section>
    );
  }

  if (!status.enabled) return <EnrollForm account={account} onEnrolled={enrolled} />;

  return (
    <div className="space-y-4">
      <dl className="grid grid-cols-[10rem_1fr] gap-y-2">
        <dt className="text-slate-500">Authenticator app</dt>
        <dd>
          Added <Time value={status.since} />
        </dd>
        <dt className="text-slate-500">Recovery codes</dt>
        <dd data-testid="recovery-codes-left">{status.recoveryCodesLeft} of 10 left</dd>
      </dl>
      <p className="text-slate-600">
        Password sign-ins ask for a code from your authenticator app. If you lose it, sign in with a recovery code.
      </p>
      {requiredByOrganization ? (
        <p className="text-slate-600">
          Your organization requires it: turning it off holds your password sign-ins back until you set up an authenticator again.
        </p>
      ) : null}
      <DisableTwoFactorDialog />
    </div>
  );
}
