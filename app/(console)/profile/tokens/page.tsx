import type { Metadata } from 'next';
import Link from 'next/link';
import { requireConsole } from '@/app/_lib/session';
import { GenerateTokenForm } from '@/components/tokens/form';
import { createTokenAction } from './actions';
import { TokenTable } from '@/components/tokens/token-table';
import { PageHeader } from '@/components/ui/page-header';
import { FormCard } from '@/components/ui/form-card';
import { liveCtx } from '@/lib/context';
import { identityProviderNames } from '@/lib/model/identity-providers';
import { countTokens, listTokens } from '@/lib/tokens/manage';
import { tokenToWire } from '@/lib/tokens/wire';

export const metadata: Metadata = { title: 'Tokens · Portcullis' };

const PAGE_SIZE = 50;

export default async function TokensPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const { principal, meta } = await requireConsole(true);
  const ctx = liveCtx();
  const total = await countTokens(ctx, principal.user.id);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const requested = Number((await searchParams).page ?? 1);
  const page = Number.isInteger(requested) ? Math.min(Math.max(requested, 1), pages) : 1;
  const tokens = (await listTokens(ctx, principal.user.id, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })).map((token) =>
    tokenToWire(token, principal.token.id),
  );

  return (
    <div className="max-w-6xl space-y-8">
      <PageHeader title="Tokens">
        Personal tokens let scripts and the <code>avn</code> CLI act as you. Sessions are created when you sign in.
      </PageHeader>
      <FormCard title="Generate token" className="max-w-2xl">
        <GenerateTokenForm currentIp={meta.ip} action={createTokenAction} />
      </FormCard>
      <section aria-labelledby="tokens-heading" className="space-y-3">
        <h2 id="tokens-heading" className="font-medium">
          Your tokens and sessions <span className="text-sm font-normal text-slate-500">({total})</span>
        </h2>
        <TokenTable tokens={tokens} identityProviderNames={await identityProviderNames(ctx, tokens.map((t) => t.auth_method))} />
        {pages > 1 ? (
          <nav aria-label="Pages" className="flex items-center gap-4 text-sm">
            {page > 1 ? <Link href={`?page=${page - 1}`}>← Newer</Link> : <span className="text-slate-400">← Newer</span>}
            <span>
              Page {page} of {pages}
            </span>
            {page < pages ? <Link href={`?page=${page + 1}`}>Older →</Link> : <span className="text-slate-400">Older →</span>}
          </nav>
        ) : null}
      </section>
    </div>
  );
}
