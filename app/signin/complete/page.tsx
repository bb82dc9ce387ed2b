import type { Metadata } from 'next';
import { cookies, headers } from 'next/headers';
import Link from 'next/link';
import { AuthFrame } from '@/components/shell/brand';
import { Alert } from '@/components/ui/alert';
import { isOAuthProvider, OAUTH_PROVIDER_LABELS } from '@/lib/sign-in/oauth-config';
import { sessionTokenFromCookies } from '@/lib/auth/session';
import { liveCtx } from '@/lib/context';
import { safeReturnPath } from '@/lib/http/areas';
import { optionalSession } from '@/lib/auth/optional-session';
import { requestMeta } from '@/lib/api/handler';

export const metadata: Metadata = { title: 'Signed in · Portcullis' };

// Where a first third-party sign-in lands: it says whether an account was created or an
// existing one was linked. The parameters only choose among fixed sentences (they come from
// our own redirect, but anyone could type them), the organizations come from the session, and
// the link goes to a same-site path only.
export default async function SignInCompletePage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const params = await searchParams;
  const provider = isOAuthProvider(params.provider) ? OAUTH_PROVIDER_LABELS[params.provider] : 'the provider';
  const next = safeReturnPath(params.next);
  const organizations = await sessionOrganizations();
  const created = params.outcome === 'created';
  return (
    <AuthFrame title={created ? 'Account created' : 'Account linked'}>
      <div className="space-y-4 text-sm">
        <Alert tone="info">
          {created
            ? `You are signed in with ${provider}. This was your first sign-in, so a new Portcullis account was created for your ${provider} address. It has no password: you sign in with ${provider}.`
            : `You are signed in with ${provider}. Your ${provider} account was linked to your existing Portcullis account with the same address, which ${provider} has verified. You can unlink it under Profile → Authentication.`}
        </Alert>
        {organizations.length ? (
          <div>
            <p className="text-slate-600">{created ? 'You joined, as invited:' : 'Your organizations:'}</p>
            <ul className="mt-1 list-disc pl-5">
              {organizations.map((name) => (
                <li key={name}>{name}</li>
              ))}
            </ul>
          </div>
        ) : created ? (
          <p className="text-slate-600">You do not belong to any organization yet: an organization admin can invite you.</p>
        ) : null}
        <Link
          href={next}
          className="inline-flex w-full items-center justify-center rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700"
        >
          Continue to the console
        </Link>
      </div>
    </AuthFrame>
  );
}

async function sessionOrganizations(): Promise<string[]> {
  const [store, headerStore] = await Promise.all([cookies(), headers()]);
  const cookieToken = sessionTokenFromCookies((name) => store.get(name)?.value);
  const session = await optionalSession({ ctx: liveCtx(), input: { cookieToken, ...requestMeta(headerStore), scope: { kind: 'console', ownResources: true } } });
  return session?.principal.memberships.map((m) => m.organization.name) ?? [];
}
