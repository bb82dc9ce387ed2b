import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requireSuperAdmin } from '@/app/_lib/admin';
import { ApplicationTokenList } from '@/components/application-users/token-list';
import { ApplicationUserActions } from '@/components/application-users/user-actions';
import { GenerateTokenForm } from '@/components/tokens/form';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { getApplicationUser, listApplicationTokens } from '@/lib/application-users/manage';
import { liveCtx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { tokenToWire } from '@/lib/tokens/wire';
import { createApplicationTokenAction } from '@/app/(console)/admin/application-users/actions';

export const metadata: Metadata = { title: 'Application user · Portcullis' };

export default async function ApplicationUserPage({ params }: { params: Promise<{ userId: string }> }) {
  const { userId } = await params;
  const { membership, principal, meta } = await requireSuperAdmin();
  const ctx = liveCtx();
  const found = await (async () => {
    try {
      return await getApplicationUser({ ctx, membership }, userId);
    } catch (error) {
      if (error instanceof AppError && error.status === 404) notFound();
      throw error;
    }
  })();
  const { user, isSuperAdmin } = found;
  const tokens = (await listApplicationTokens({ ctx, membership }, userId)).map((t) => tokenToWire(t, principal.token.id));
  return (
    <div className="max-w-5xl space-y-6">
      <PageHeader title={user.realName} back={{ href: '/admin/application-users', label: 'Application users' }}>
        <code>{user.id}</code> · {isSuperAdmin ? 'Super admin' : 'Member'} · {user.email}
      </PageHeader>
      <ApplicationUserActions userId={user.id} name={user.realName} tokenCount={tokens.length} />
      <Card className="max-w-2xl p-6">
        <h2 className="mb-1 font-medium">New token</h2>
        <p className="mb-4 text-xs text-slate-500">
          Application tokens cannot be changed after creation: revoke and create a new one instead. The policy&apos;s
          sign-in methods and personal token settings never affect them; IP allowlists do.
        </p>
        <GenerateTokenForm
          currentIp={meta.ip}
          action={createApplicationTokenAction.bind(null, user.id)}
          scopesNote="Everything this application user can do"
        />
      </Card>
      <section className="space-y-3" aria-labelledby="app-tokens">
        <h2 id="app-tokens" className="font-medium">
          Tokens <span className="text-sm font-normal text-slate-500">({tokens.length})</span>
        </h2>
        <ApplicationTokenList userId={user.id} tokens={tokens} />
      </section>
    </div>
  );
}
