import Link from 'next/link';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';

export type LinkConfirmationProps = {
  methodName: string;
  vendorLabel: string;
  organizationName: string;
  organizationId: string;
  email: string;
  /** Where the form posts: the IdP's login route with purpose=link. */
  action: string;
  /** Why the user cannot link this IdP now; the page then says so instead of offering the button. */
  refusal: string | null;
};

/**
 * The account link URL's confirmation page: names the IdP and its organization, says what a link
 * does, and only then offers the button. A plain HTML form POST (no script needed), which the
 * route accepts only from a page of ours.
 */
export function LinkConfirmation({ methodName, vendorLabel, organizationName, organizationId, email, action, refusal }: LinkConfirmationProps) {
  return (
    <Card className="max-w-2xl space-y-5 p-6" role="region" aria-label="Link identity provider">
      <div>
        <h1 className="text-2xl font-semibold">Link {methodName} to your account?</h1>
        <p className="mt-1 text-sm text-slate-600">Someone gave you an account link URL for a single sign-on identity provider.</p>
      </div>
      <dl className="grid grid-cols-[10rem_1fr] gap-x-4 gap-y-2 text-sm" aria-label="What would be linked">
        <dt className="font-medium text-slate-600">Identity provider</dt>
        <dd data-testid="link-idp">
          {methodName} <span className="text-slate-500">({vendorLabel})</span>
        </dd>
        <dt className="font-medium text-slate-600">Set up by organization</dt>
        <dd data-testid="link-organization">
          {organizationName} <span className="text-slate-500">({organizationId})</span>
        </dd>
        <dt className="font-medium text-slate-600">Your account</dt>
        <dd data-testid="link-account">{email}</dd>
      </dl>
      <div className="space-y-2 text-sm text-slate-700">
        <p>
          Linking lets whoever signs in at {methodName} as the identity you choose there sign in to Portcullis as <strong>{email}</strong>,
          with your access. The admins of {organizationName} control that identity provider and its identities.
        </p>
        <p>Link it only if you use it yourself and expected this. If someone sent you this link unasked, cancel.</p>
      </div>
      {refusal ? (
        <>
          <Alert>{refusal}</Alert>
          <Link href="/profile/authentication" className="inline-block text-sm text-brand-700 hover:underline">
            Back to Profile → Authentication
          </Link>
        </>
      ) : (
        <form method="post" action={action} className="flex flex-wrap items-center gap-3">
          <Button type="submit">Link and continue to {methodName}</Button>
          <Link href="/profile/authentication" className="text-sm text-slate-700 hover:underline">
            Cancel
          </Link>
        </form>
      )}
    </Card>
  );
}
