import type { Metadata } from 'next';
import { AuthFrame } from '@/components/auth/brand';
import { SignInForm } from '@/components/auth/sign-in-form';
import { safeReturnPath } from '@/lib/http/areas';

export const metadata: Metadata = { title: 'Sign in · Portcullis' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const notice = params.setup === 'done' ? 'Your organization is ready. Sign in with the account you just created.' : undefined;
  return (
    <AuthFrame title="Sign in" subtitle="Sign in to your organization's console.">
      <SignInForm returnTo={safeReturnPath(params.callbackUrl)} notice={notice} />
    </AuthFrame>
  );
}
