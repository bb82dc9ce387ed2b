import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { requireSuperAdmin } from '@/app/_lib/admin';
import { MemberTokens } from '@/components/users/member-tokens';
import { Badge } from '@/components/users/member-table';
import { ResetTwoFactor } from '@/components/users/reset-two-factor';
import { Card } from '@/components/ui/card';
import { DataTable } from '@/components/ui/table';
import { Time } from '@/components/ui/time';
import { iso, liveCtx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { loadMemberPage, type MemberPage } from '@/lib/users/member-page';
import { tokenToWire } from '@/lib/tokens/wire';

export const metadata: Metadata = { title: 'Member · Portcullis' };

async function load(run: () => Promise<MemberPage>): Promise<MemberPage> {
  try {
    return await run();
  } catch (error) {
    // Not a member of this organization (or no such user): the same 404 either way.
    if (error instanceof AppError && error.status === 404) notFound();
    throw error;
  }
}

const METHOD_LABELS = { internal: 'Password', google: 'Google', microsoft: 'Microsoft', github: 'GitHub', saml: 'Identity provider' } as const;

/** Admin → Users → a member: who they are here, how they sign in, their sessions and tokens, and 2FA reset. */
export default async function MemberPageView({ params }: { params: Promise<{ userId: string }> }) {
  const { userId } = await params;
  const session = await requireSuperAdmin();
  const { membership, principal } = session;
  const ctx = liveCtx();
  const page = await load(() => loadMemberPage({ ...session, ctx, membership, userId }));
  const { member, methods, twoFactor } = page;
  const { user } = member;
  const tokens = page.tokens.map((t) => tokenToWire(t, principal.token.id));
  const name = user.realName || user.email;
  const isYou = user.id === principal.user.id;

  return (
    <div className="max-w-6xl space-y-6">
      <div>
        <Link href="/admin/users" className="text-sm text-brand-700 hover:underline">
          ← Users
        </Link>
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <h1 className="text-2xl font-semibold">{name}</h1>
          {isYou ? <Badge tone="brand">You</Badge> : null}
          {user.isApplicationUser ? <Badge tone="slate">Application user</Badge> : null}
          {user.state === 'active' ? <Badge tone="green">Active</Badge> : <Badge tone="amber">Deactivated</Badge>}
          {user.emailVerifiedTime === null && !user.isApplicationUser ? <Badge tone="amber">Address not proven</Badge> : null}
        </div>
        <p className="mt-1 text-sm text-slate-600">
          {user.realName ? <>{user.email} · </> : null}
          <code>{user.id}</code>
        </p>
      </div>

      <Card className="p-6">
        <h2 className="mb-3 font-medium">In {membership.organization.name}</h2>
        <dl className="grid grid-cols-1 gap-x-8 gap-y-3 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="text-slate-500">Role</dt>
          <dd data-testid="member-role">{member.isSuperAdmin ? 'Super admin' : 'Member'}</dd>
          <dt className="text-slate-500">Joined</dt>
          <dd>
            <Time value={member.joinTime} />
          </dd>
          <dt className="text-slate-500">Last activity</dt>
          <dd>
            <Time value={user.lastActivityTime} fallback="Never" />
          </dd>
          <dt className="text-slate-500">Managed</dt>
          <dd data-testid="member-managed">
            {page.managedBy === 'this'
              ? `Managed by ${membership.organization.name} (a verified domain of this organization holds the address)`
              : page.managedBy === 'other'
                ? `Managed by another organization (${user.managingOrganizationId})`
                : 'Not managed'}
          </dd>
          <dt className="text-slate-500">Other organizations</dt>
          <dd data-testid="member-other-organizations">
            {page.otherOrganizations === 0
              ? 'None'
              : `Also a member of ${page.otherOrganizations} other organization${page.otherOrganizations === 1 ? '' : 's'}`}
          </dd>
        </dl>
      </Card>

      <section aria-labelledby="methods-heading" className="space-y-3">
        <h2 id="methods-heading" className="font-medium">
          Sign-in methods
        </h2>
        {methods.length === 0 && !twoFactor.enabled ? (
          <p className="text-sm text-slate-500" data-testid="no-sign-in-methods">
            {user.isApplicationUser ? 'Application users do not sign in: they act through their tokens only.' : 'No sign-in methods.'}
          </p>
        ) : (
          <DataTable columns={['Method', 'Identity', 'Details', 'Last used']}>
            {methods.map((method) => (
              <tr key={`${method.type}:${method.methodId ?? ''}:${method.remoteProviderId}`} data-testid={`method-${method.type}`}>
                <td className="px-4 py-2 font-medium">{method.type === 'saml' ? `Identity provider: ${method.name}` : METHOD_LABELS[method.type]}</td>
                <td className="px-4 py-2 font-mono text-xs">{method.remoteProviderId}</td>
                <td className="px-4 py-2 text-slate-600">
                  {method.type === 'internal'
                    ? twoFactor.enabled
                      ? 'Password sign-ins ask for an authenticator code'
                      : 'Password alone'
                    : method.type === 'saml'
                      ? `Authentication method ${method.methodId}`
                      : 'Linked account'}
                </td>
                <td className="px-4 py-2 whitespace-nowrap" data-testid="last-used">
                  <Time value={method.lastUsedTime} fallback="Never" />
                </td>
              </tr>
            ))}
            {twoFactor.enabled ? (
              <tr data-testid="method-authenticator">
                <td className="px-4 py-2 font-medium">Authenticator app</td>
                <td className="px-4 py-2 text-slate-500">TOTP</td>
                <td className="px-4 py-2 text-slate-600">
                  On since <Time value={twoFactor.since} /> · {twoFactor.recoveryCodesLeft} recovery code{twoFactor.recoveryCodesLeft === 1 ? '' : 's'} left
                </td>
                <td className="px-4 py-2 whitespace-nowrap" data-testid="last-used">
                  <Time value={twoFactor.lastUsedTime} fallback="Never" />
                </td>
              </tr>
            ) : null}
          </DataTable>
        )}
      </section>

      <section aria-labelledby="two-factor-heading">
        <Card className="p-6">
          <h2 id="two-factor-heading" className="font-medium">
            Two-factor authentication
          </h2>
          <ResetTwoFactor
            userId={user.id}
            email={user.email}
            enabled={twoFactor.enabled}
            pendingSetup={twoFactor.pendingSetup}
            requiredHere={page.twoFactorRequiredHere}
            refusal={page.twoFactorResetRefusal}
          />
        </Card>
      </section>

      <section aria-labelledby="tokens-heading" className="space-y-3">
        <h2 id="tokens-heading" className="font-medium">
          Sessions and tokens <span className="text-sm font-normal text-slate-500">({tokens.length})</span>
        </h2>
        <MemberTokens userId={user.id} email={user.email} tokens={tokens} identityProviderNames={page.identityProviderNames} now={iso(ctx.now)} />
      </section>
    </div>
  );
}
