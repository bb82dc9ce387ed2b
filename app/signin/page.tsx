import type { Metadata } from 'next';
import { AuthFrame } from '@/components/auth/brand';
import { SignInForm } from '@/components/auth/sign-in-form';
import { configuredOAuthProviders } from '@/lib/auth/oauth-config';
import { signInPageError } from '@/lib/auth/oauth-failure';
import { safeReturnPath } from '@/lib/http/areas';

export const metadata: Metadata = { title: 'Sign in · Portcullis' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const notice = params.setup === 'done' ? 'Your organization is ready. Sign in with the account you just created.' : undefined;
  // A third-party sign-in that failed or was refused comes back here with what happened.
  const error = signInPageError(params, process.env.NEXTAUTH_SECRET ?? '');
  return (
    <AuthFrame title="Sign in" subtitle="Sign in to your organization's console.">
      <SignInForm
        returnTo={safeReturnPath(params.callbackUrl)}
        notice={notice}
        initialError={error}
        providers={configuredOAuthProviders(process.env)}
      />
    </AuthFrame>
  );
}
