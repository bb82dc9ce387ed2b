import type { Metadata } from 'next';
import Link from 'next/link';
import { requireSuperAdmin } from '@/app/_lib/admin';
import { RevokeUnusedTokens } from '@/components/security-overview/revoke-unused';
import { PageHeader } from '@/components/ui/page-header';
import { DataTable } from '@/components/ui/table';
import { Time } from '@/components/ui/time';
import { liveCtx } from '@/lib/context';
import { listTokensByFigure } from '@/lib/security-overview/overview';
import { MAX_REVOKE_AT_ONCE } from '@/lib/security-overview/schema';
import { TOKEN_FILTERS, type TokenFilter } from '@/lib/security-overview/tokens';

export const metadata: Metadata = { title: 'Tokens · Portcullis' };

type SearchParams = Record<string, string | string[] | undefined>;

const TITLES: Record<TokenFilter, string> = {
  all: 'Tokens',
  no_expiry: 'Tokens that never expire',
  no_ip_allowlist: 'Tokens without an IP allowlist',
  unused: 'Tokens unused for 90 days',
  expiring: 'Tokens that expire within 7 days',
};

// The tokens a figure of the security overview counts: members' personal tokens and the
// application users' tokens, not expired. For "unused", the list is the preview of
// "Revoke unused tokens…".
export default async function OverviewTokensPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { membership } = await requireSuperAdmin();
  const params = await searchParams;
  const filter: TokenFilter = (TOKEN_FILTERS as readonly string[]).includes(String(params.filter)) ? (params.filter as TokenFilter) : 'all';
  const kind = params.kind === 'personal' || params.kind === 'application' ? params.kind : null;
  const tokens = await listTokensByFigure({ ctx: liveCtx(), membership, filter, kind: kind ?? undefined, limit: MAX_REVOKE_AT_ONCE });
  const ownerHref = (t: (typeof tokens)[number]) => (t.isApplicationUser ? `/admin/application-users/${t.userId}` : `/admin/users/${t.userId}`);
  return (
    <div className="max-w-5xl space-y-6">
      <PageHeader title={TITLES[filter]}>
        {kind === 'personal' ? 'Personal tokens of the members' : kind === 'application' ? 'Tokens of the application users' : 'Personal tokens of the members and tokens of the application users'} of{' '}
        {membership.organization.name}, not expired; login sessions are not listed.{' '}
        <Link href="/" className="text-brand-700 hover:underline">Back to the overview</Link>
      </PageHeader>
      {filter === 'unused' ? (
        <section aria-label="Revoke unused tokens" className="space-y-2">
          <p className="text-sm text-slate-600">
            Last used more than 90 days ago, or never used and made more than 90 days ago.
            {tokens.length >= MAX_REVOKE_AT_ONCE ? ` The first ${MAX_REVOKE_AT_ONCE} are listed: revoke them, then come back for the rest.` : ''}
          </p>
          <RevokeUnusedTokens tokenIds={tokens.map((t) => t.id)} />
        </section>
      ) : null}
      {tokens.length === 0 ? (
        <p className="text-sm text-slate-500" data-testid="tokens-empty">No token.</p>
      ) : (
        <DataTable columns={['Owner', 'Kind', 'Prefix', 'Description', 'Created', 'Expires', 'Last used', 'IP allowlist']} compact>
          {tokens.map((t) => (
            <tr key={t.id} data-testid={`overview-token-${t.tokenPrefix}`}>
              <td className="px-3 py-2">
                <Link href={ownerHref(t)} className="text-brand-700 hover:underline">{t.isApplicationUser ? t.name || t.email : t.email}</Link>
              </td>
              <td className="px-3 py-2">{t.kind === 'application' ? 'Application' : 'Personal'}</td>
              <td className="px-3 py-2 font-mono text-xs">{t.tokenPrefix}</td>
              <td className="max-w-48 px-3 py-2 break-words">{t.description || <span className="text-slate-400">—</span>}</td>
              <td className="px-3 py-2"><Time value={t.createTime} /></td>
              <td className="px-3 py-2"><Time value={t.expiryTime} fallback="never" /></td>
              <td className="px-3 py-2"><Time value={t.lastUsedTime} fallback="never" /></td>
              <td className="px-3 py-2 text-xs">{t.ipAllowlist.length ? t.ipAllowlist.join(', ') : <span className="text-slate-400">any address</span>}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
