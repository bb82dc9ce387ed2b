import type { Metadata } from 'next';
import { AuthFrame } from '@/components/shell/brand';
import { ForgotPasswordForm } from '@/components/sign-in/password-reset-forms';
import { TextLink } from '@/components/ui/text-link';
import { smtpSettings } from '@/lib/mail/smtp';
import { PASSWORD_RESET_NEEDS_MAIL } from '@/lib/passwords/reset';

export const metadata: Metadata = { title: 'Forgot password · Portcullis' };
export const dynamic = 'force-dynamic';

// "Forgot password?" from the sign-in page: a reset link by mail (lib/passwords/reset.ts).
export default function ForgotPasswordPage() {
  const mail = smtpSettings() !== null;
  return (
    <AuthFrame title="Reset your password" subtitle="Enter the address you sign in with. We mail it a link to choose a new password.">
      {mail ? (
        <ForgotPasswordForm />
      ) : (
        <p role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="reset-needs-mail">
          {PASSWORD_RESET_NEEDS_MAIL}
        </p>
      )}
      <p className="mt-4 border-t border-slate-200 pt-4 text-center text-sm">
        <TextLink href="/signin">Back to sign in</TextLink>
      </p>
    </AuthFrame>
  );
}
