import type { Metadata } from 'next';
import Link from 'next/link';
import { cookies, headers } from 'next/headers';
import { AuthFrame } from '@/components/shell/brand';
import { AcceptButton, SignUpAndAcceptForm } from '@/components/invitations/accept';
import { Alert } from '@/components/ui/alert';
import { sessionTokenFromCookies } from '@/lib/auth/session';
import { liveCtx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { requestMeta } from '@/lib/api/handler';
import { invitationPageView, type InvitationPageView } from '@/lib/invitations/page';

export const metadata: Metadata = { title: 'Invitation · Portcullis' };
export const dynamic = 'force-dynamic';

export default async function InvitationPage({ params }: { params: Promise<{ secret: string }> }) {
  const { secret } = await params;
  const [cookieStore, headerStore] = await Promise.all([cookies(), headers()]);
  let view: InvitationPageView;
  try {
    // Who is looking, if anyone, is a soft check: this page is public.
    const cookieToken = sessionTokenFromCookies((name) => cookieStore.get(name)?.value);
    view = await invitationPageView({ ctx: liveCtx(), input: { secret, cookieToken, ...requestMeta(headerStore) } });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return (
      <AuthFrame title="Invitation">
        <Alert>{error.message}</Alert>
      </AuthFrame>
    );
  }
  const { invitation, organization, signedInAs, hasAccount } = view;
  const returnHere = `/signin?callbackUrl=${encodeURIComponent(`/invite/${secret}`)}`;

  return (
    <AuthFrame
      title={`Join ${organization.name}`}
      subtitle={`${invitation.invitedByEmail} invited ${invitation.email}. The invitation is valid until ${invitation.expiryTime.replace('T', ' ').replace('Z', ' UTC')}.`}
    >
      {signedInAs === invitation.email ? (
        <AcceptButton secret={secret} organizationName={organization.name} />
      ) : signedInAs ? (
        <Alert>
          You are signed in as {signedInAs}, and this invitation is for {invitation.email}. Sign out, then open this link again
          and sign in as {invitation.email}.
        </Alert>
      ) : hasAccount ? (
        <Link href={returnHere} className="block rounded-md bg-brand-600 px-4 py-2 text-center text-sm font-medium text-white">
          Sign in as {invitation.email} to accept
        </Link>
      ) : (
        <SignUpAndAcceptForm secret={secret} email={invitation.email} />
      )}
    </AuthFrame>
  );
}
