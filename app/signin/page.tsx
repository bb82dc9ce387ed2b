import type { Metadata } from 'next';
import Link from 'next/link';
import { AuthFrame } from '@/components/shell/brand';
import { SignInForm } from '@/components/sign-in/sign-in-form';
import { SsoSignIn } from '@/components/sign-in/sso-form';
import { configuredOAuthProviders } from '@/lib/sign-in/oauth-config';
import { signInPageError } from '@/lib/sign-in/oauth-failure';
import { safeReturnPath } from '@/lib/http/areas';

export const metadata: Metadata = { title: 'Sign in · Portcullis' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const callback = params.callbackUrl ? `?callbackUrl=${encodeURIComponent(safeReturnPath(params.callbackUrl))}` : '';
  const notice = params.setup === 'done' ? 'Your organization is ready. Sign in with the account you just created.' : undefined;
  // A third-party sign-in that failed or was refused comes back here with what happened.
  const error = signInPageError(params, process.env.NEXTAUTH_SECRET ?? '');
  return (
    <AuthFrame
      title="Sign in"
      subtitle={params.sso === '1' ? "Sign in through your organization's identity provider (SSO)." : "Sign in to your organization's console."}
    >
      {params.sso === '1' ? (
        <>
          <SsoSignIn returnTo={safeReturnPath(params.callbackUrl)} />
          <p className="mt-4 border-t border-slate-200 pt-4 text-center text-sm">
            <Link className="text-brand-700 hover:underline" href={`/signin${callback}`}>
              Sign in with a password instead
            </Link>
          </p>
        </>
      ) : (
        <>
          <SignInForm
            returnTo={safeReturnPath(params.callbackUrl)}
            notice={notice}
            initialError={error}
            providers={configuredOAuthProviders(process.env)}
          />
          {/* Links, not buttons: the password form's "Sign in" button stays the only one. */}
          <p className="mt-4 flex justify-between border-t border-slate-200 pt-4 text-sm">
            <Link className="font-medium text-brand-700 hover:underline" href={`/signin?sso=1${callback ? `&${callback.slice(1)}` : ''}`}>
              Sign in with SSO
            </Link>
            <Link className="text-brand-700 hover:underline" href="/forgot-password">
              Forgot password?
            </Link>
          </p>
        </>
      )}
    </AuthFrame>
  );
}
