import type { Metadata } from 'next';
import { requireConsole } from '@/app/_lib/session';
import { RequestVerificationButton } from '@/components/profile/email-verification';
import { LinkedMethods } from '@/components/profile/linked-methods';
import { ChangePasswordForm } from '@/components/profile/change-password-form';
import { TwoFactorPanel } from '@/components/two-factor/two-factor-panel';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { Time } from '@/components/ui/time';
import { PageHeader } from '@/components/ui/page-header';
import { twoFactorEnrollmentError, twoFactorStatus } from '@/lib/two-factor/status';
import { liveCtx } from '@/lib/context';
import { listLinkedMethods } from '@/lib/sign-in/identities';
import { configuredOAuthProviders, isOAuthProvider, OAUTH_PROVIDER_LABELS } from '@/lib/sign-in/oauth-config';
import { oauthFailureMessage, unsealMessage } from '@/lib/sign-in/oauth-failure';
import { passwordAllowedFor, passwordNotAllowedMessage, RECENT_SIGN_IN_MS } from '@/lib/passwords/change';
import { SIGN_OUT_PATH } from '@/lib/http/areas';
import { smtpSettings } from '@/lib/mail/smtp';
import { isEmailProven } from '@/lib/model/proven';

export const metadata: Metadata = { title: 'Authentication · Portcullis' };

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

/** What the provider callback of a link said, from the query it redirected here with. */
function linkMessages(params: Record<string, string | undefined>) {
  const notice = isOAuthProvider(params.linked) ? `Your ${OAUTH_PROVIDER_LABELS[params.linked]} account is linked: you can sign in with it.` : null;
  let error: string | null = null;
  if (params.link_error) error = unsealMessage(process.env.NEXTAUTH_SECRET ?? '', params.link_error) ?? 'Linking was refused.';
  else if (params.link_failed) error = oauthFailureMessage(params.link_failed, params.provider);
  return { notice, error };
}

export default async function AuthenticationPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  // The one page a session held back by a two-factor policy may open: it enrolls here.
  const { principal, pendingTwoFactor } = await requireConsole(true, true);
  const ctx = liveCtx();
  const status = await twoFactorStatus(ctx, principal.user.id);
  const methods = await listLinkedMethods(ctx, principal.user.id);
  const hasPassword = methods.some((m) => m.kind === 'password');
  const linkedProviders = new Set(methods.map((m) => (m.kind === 'identity' ? m.provider : m.method)));
  const linkable = configuredOAuthProviders(process.env).filter((p) => !linkedProviders.has(p));
  const { notice, error } = linkMessages(await searchParams);
  const required = principal.memberships.some((m) => m.organization.twoFactorRequired);
  const { email, emailVerifiedTime } = principal.user;
  const proven = isEmailProven(principal.user);
  // A user without a password may set one only where it is allowed, from a recent sign-in.
  const passwordAllowed = passwordAllowedFor(principal.memberships);
  const recentSignIn = Date.now() - Date.parse(principal.token.createTime) <= RECENT_SIGN_IN_MS;

  return (
    <div className="max-w-3xl space-y-6">
      <PageHeader title="Authentication">How you sign in to Portcullis, and the second factor that protects your password.</PageHeader>

      {pendingTwoFactor ? <Alert>{twoFactorEnrollmentError(pendingTwoFactor, 'console').message}</Alert> : null}

      <Card aria-labelledby="email-address-heading" role="region">
        <div className="flex items-center justify-between border-b border-slate-200 px-6 py-3">
          <h2 id="email-address-heading" className="font-medium">
            Email address
          </h2>
          <span data-testid="email-proven-state">
            <Badge on={proven}>{proven ? 'Proven' : 'Not proven'}</Badge>
          </span>
        </div>
        <div className="space-y-3 px-6 py-5 text-sm">
          <p>
            <span className="font-medium" data-testid="account-email">
              {email}
            </span>
            {proven ? (
              <span className="text-slate-600">
                {' '}
                — proven since <Time value={emailVerifiedTime} />.
              </span>
            ) : null}
          </p>
          {proven ? null : (
            <>
              <p className="text-slate-600">
                Nobody has shown yet that this address is yours, so Google, Microsoft, GitHub and single sign-on with the same address
                are not linked to this account automatically. Prove it by opening a link that we mail to it while you are signed in
                here.
              </p>
              {smtpSettings() ? (
                <RequestVerificationButton email={email} />
              ) : (
                <p className="text-slate-600" data-testid="verification-needs-mail">
                  Verifying your address needs mail, and this server cannot send any (SMTP is not configured): ask an administrator.
                </p>
              )}
            </>
          )}
        </div>
      </Card>

      <Card>
        <h2 className="border-b border-slate-200 px-6 py-3 font-medium">Sign-in methods</h2>
        <LinkedMethods methods={methods} linkable={linkable} twoFactorOn={status.enabled} notice={notice} initialError={error} />
      </Card>

      <Card aria-labelledby="password-heading" role="region">
        <h2 id="password-heading" className="border-b border-slate-200 px-6 py-3 font-medium">
          {hasPassword ? 'Change password' : 'Set a password'}
        </h2>
        <div className="space-y-3 px-6 py-5 text-sm">
          {hasPassword ? (
            <>
              <p className="text-slate-600">
                A new password signs you out everywhere else: every other console and <code>avn</code> sign-in ends. This session stays.
              </p>
              <ChangePasswordForm hasPassword />
            </>
          ) : !passwordAllowed ? (
            <p className="text-slate-600" data-testid="password-not-allowed">
              You sign in without a password. {passwordNotAllowedMessage(principal.memberships, 'set one')}
            </p>
          ) : !recentSignIn ? (
            <div className="space-y-3" data-testid="password-needs-recent-sign-in">
              <p className="text-slate-600">
                You sign in without a password. To set one, sign in again first: setting a password needs a sign-in made less than 10
                minutes ago, so that nobody who finds your console open can add a way in.
              </p>
              <form method="post" action={SIGN_OUT_PATH}>
                <button type="submit" className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium hover:bg-slate-50">
                  Sign out to sign in again
                </button>
              </form>
            </div>
          ) : (
            <>
              <p className="text-slate-600">
                You sign in without a password. You may set one to sign in with your email address too; every other sign-in then ends.
              </p>
              <ChangePasswordForm hasPassword={false} />
            </>
          )}
        </div>
      </Card>

      <Card>
        <div className="flex items-center justify-between border-b border-slate-200 px-6 py-3">
          <h2 className="font-medium">Two-factor authentication</h2>
          <span data-testid="two-factor-state">
            <Badge on={status.enabled}>{status.enabled ? 'On' : 'Off'}</Badge>
          </span>
        </div>
        <div className="px-6 py-5 text-sm">
          {hasPassword || status.enabled ? (
            <TwoFactorPanel
              status={status}
              account={principal.user.email}
              requiredByOrganization={required}
              continueTo={pendingTwoFactor ? '/' : null}
            />
          ) : (
            // A user who signs in only through providers has no password for a code to protect:
            // the provider's own second factor applies.
            <p className="text-slate-600">
              Two-factor authentication here protects password sign-ins, and you have no password: you sign in through a linked
              account, whose own two-factor settings apply.
            </p>
          )}
        </div>
      </Card>
    </div>
  );
}
