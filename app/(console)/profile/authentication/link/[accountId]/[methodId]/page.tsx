import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requireConsole } from '@/app/_lib/session';
import { LinkConfirmation } from '@/components/identity-providers/link-confirmation';
import { liveCtx } from '@/lib/context';
import { linkPreview } from '@/lib/saml/authorize-start';
import { VENDOR_LABELS } from '@/lib/identity-providers/schema';
import { findMethod } from '@/lib/saml/start';
import { spUrls } from '@/lib/identity-providers/urls';

export const metadata: Metadata = { title: 'Link identity provider · Portcullis' };

// Where the account link URL (a GET anyone can be sent to) lands: behind sign-in (the proxy sends
// a signed-out visitor to sign in and back here) and the user's own business (every organization
// of the user governs it, and a session held back by 2FA enrollment goes to enroll instead).
// Nothing here starts a link: only this page's POST does (app/v1/sso/.../login, POST).
export default async function LinkIdentityProviderPage({ params }: { params: Promise<{ accountId: string; methodId: string }> }) {
  const { principal } = await requireConsole(true);
  const { accountId, methodId } = await params;
  const ctx = liveCtx();
  const found = await findMethod(ctx, accountId, methodId);
  if (!found) notFound();
  const { refusal } = await linkPreview(ctx, principal, found);
  // Relative: the form posts to this console, whatever address the browser reached it by.
  const { loginUrl } = spUrls('', found.organization.accountId, found.method.id);
  return (
    <LinkConfirmation
      methodName={found.method.name}
      vendorLabel={VENDOR_LABELS[found.method.vendor]}
      organizationName={found.organization.name}
      organizationId={found.organization.id}
      email={principal.user.email}
      action={`${loginUrl}?purpose=link`}
      refusal={refusal}
    />
  );
}
