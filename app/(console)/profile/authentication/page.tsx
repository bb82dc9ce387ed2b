import type { Metadata } from 'next';
import { requireConsole } from '@/app/_lib/session';
import { TwoFactorPanel } from '@/components/two-factor/two-factor-panel';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { twoFactorEnrollmentError, twoFactorStatus } from '@/lib/auth/two-factor';
import { liveCtx } from '@/lib/context';
import { userAuthMethods } from '@/lib/users/me';

export const metadata: Metadata = { title: 'Authentication · Portcullis' };

const METHOD_LABELS: Record<string, string> = { password: 'Email and password' };

function Badge({ on, children }: { on: boolean; children: React.ReactNode }) {
  return (
    <span
      className={
        on
          ? 'inline-flex items-center rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800 ring-1 ring-emerald-200'
          : 'inline-flex items-center rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700 ring-1 ring-slate-200'
      }
    >
      {children}
    </span>
  );
}

export default async function AuthenticationPage() {
  // The one page a session held back by a two-factor policy may open: it enrolls here.
  const { principal, pendingTwoFactor } = await requireConsole(true, true);
  const ctx = liveCtx();
  const status = twoFactorStatus(ctx, principal.user.id);
  const methods = userAuthMethods(ctx, principal.user.id);
  const required = principal.memberships.some((m) => m.organization.twoFactorRequired);

  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Authentication</h1>
        <p className="mt-1 text-sm text-slate-600">How you sign in to Portcullis, and the second factor that protects your password.</p>
      </div>

      {pendingTwoFactor ? <Alert>{twoFactorEnrollmentError(pendingTwoFactor, 'console').message}</Alert> : null}

      <Card>
        <h2 className="border-b border-slate-200 px-6 py-3 font-medium">Sign-in methods</h2>
        <ul className="divide-y divide-slate-100" aria-label="Sign-in methods">
          {methods.map((method) => (
            <li key={method} className="flex items-center justify-between px-6 py-3 text-sm">
              <span>{METHOD_LABELS[method] ?? method}</span>
              <Badge on={status.enabled}>{status.enabled ? 'With two-factor authentication' : 'Password only'}</Badge>
            </li>
          ))}
          {methods.length === 0 ? <li className="px-6 py-3 text-sm text-slate-500">No sign-in method of your own.</li> : null}
        </ul>
      </Card>

      <Card>
        <div className="flex items-center justify-between border-b border-slate-200 px-6 py-3">
          <h2 className="font-medium">Two-factor authentication</h2>
          <span data-testid="two-factor-state">
            <Badge on={status.enabled}>{status.enabled ? 'On' : 'Off'}</Badge>
          </span>
        </div>
        <div className="px-6 py-5 text-sm">
          <TwoFactorPanel
            status={status}
            account={principal.user.email}
            requiredByOrganization={required}
            continueTo={pendingTwoFactor ? '/' : null}
          />
        </div>
      </Card>
    </div>
  );
}
