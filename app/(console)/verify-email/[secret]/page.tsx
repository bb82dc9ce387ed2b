import type { Metadata } from 'next';
import { requireConsole } from '@/app/_lib/session';
import { ConfirmVerificationButton } from '@/components/profile/email-verification';
import { Alert } from '@/components/ui/alert';
import { Card } from '@/components/ui/card';
import { Time } from '@/components/ui/time';
import { PageHeader } from '@/components/ui/page-header';
import { TextLink } from '@/components/ui/text-link';
import { liveCtx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { isEmailProven } from '@/lib/model/proven';
import { inspectEmailVerification } from '@/lib/users/verify-email';

export const metadata: Metadata = { title: 'Verify your address · Portcullis' };
export const dynamic = 'force-dynamic';

// Where the mailed verification link lands. Behind sign-in: the proxy sends a signed-out visitor
// to sign in and back here, because the link alone proves nothing; it takes the account's own
// session too (the squatter rule in lib/users/verify-email.ts). This GET only shows what would
// happen (mail scanners open links); the button's POST proves the address.
export default async function VerifyEmailPage({ params }: { params: Promise<{ secret: string }> }) {
  const { principal } = await requireConsole(true);
  const { secret } = await params;
  const { user } = principal;
  let refusal: AppError | null = null;
  let email: string | null = null;
  try {
    email = (await inspectEmailVerification({ ctx: liveCtx(), principal, input: { code: secret } })).email;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    refusal = error;
  }
  // Proven (by this link a moment ago, or otherwise): say so, unless the link is another account's.
  const showProven = isEmailProven(user) && refusal?.status !== 403;

  return (
    <div className="max-w-2xl space-y-6">
      <PageHeader title="Verify your address">
        You are signed in as <span className="font-medium">{user.email}</span>.
      </PageHeader>
      <Card className="space-y-4 px-6 py-5 text-sm">
        {showProven ? (
          <Alert tone="info">
            <span data-testid="verify-result">
              Your address {user.email} is proven (since <Time value={user.emailVerifiedTime} />).
            </span>
          </Alert>
        ) : refusal ? (
          <Alert>{refusal.message}</Alert>
        ) : (
          <>
            <p>
              Pressing the button proves that <span className="font-medium">{email}</span>, the address of the account you are signed in to,
              is yours. Google, Microsoft, GitHub and single sign-on that vouch for this address may then be linked to this account.
            </p>
            <ConfirmVerificationButton secret={secret} email={email!} />
          </>
        )}
        <p>
          <TextLink href="/profile/authentication">Back to Profile → Authentication</TextLink>
        </p>
      </Card>
    </div>
  );
}
