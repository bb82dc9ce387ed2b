import type { Metadata } from 'next';
import Link from 'next/link';
import { AuthFrame } from '@/components/shell/brand';
import { ResetPasswordForm } from '@/components/sign-in/password-reset-forms';
import { Alert } from '@/components/ui/alert';
import { liveCtx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { inspectPasswordReset } from '@/lib/passwords/reset';

// The secret is in this page's address: no Referer carries it to anything the page loads or links.
export const metadata: Metadata = { title: 'Choose a new password · Portcullis', referrer: 'no-referrer' };
export const dynamic = 'force-dynamic';

// Where the reset link lands. The GET only shows whether the link can be used and for which
// account (mail scanners open links); the form's POST sets the password and spends the link.
export default async function ResetPasswordPage({ params }: { params: Promise<{ secret: string }> }) {
  const { secret } = await params;
  let refusal: AppError | null = null;
  let email: string | null = null;
  try {
    email = (await inspectPasswordReset({ ctx: liveCtx(), input: { code: secret } })).user.email;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    refusal = error;
  }
  return (
    <AuthFrame title="Choose a new password" subtitle={email ? `For ${email}.` : undefined}>
      {refusal ? (
        <div className="space-y-4">
          <Alert>{refusal.message}</Alert>
          <Link className="block text-center text-sm font-medium text-brand-700 hover:underline" href="/forgot-password">
            Ask for a new link
          </Link>
        </div>
      ) : (
        <>
          <p className="mb-4 text-sm text-slate-600">
            Setting a new password signs this account out everywhere. Two-factor authentication stays as it is.
          </p>
          <ResetPasswordForm secret={secret} email={email!} />
        </>
      )}
    </AuthFrame>
  );
}
