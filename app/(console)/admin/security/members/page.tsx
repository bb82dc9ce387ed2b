import type { Metadata } from 'next';
import Link from 'next/link';
import { requireSuperAdmin } from '@/app/_lib/admin';
import { PageHeader } from '@/components/ui/page-header';
import { DataTable } from '@/components/ui/table';
import { liveCtx } from '@/lib/context';
import { COVERAGE_FILTERS, type CoverageFilter } from '@/lib/security-overview/coverage';
import { listMembersByCoverage } from '@/lib/security-overview/overview';
import { configuredOAuthProviders } from '@/lib/sign-in/oauth-config';

export const metadata: Metadata = { title: 'Members by sign-in · Portcullis' };

type SearchParams = Record<string, string | string[] | undefined>;

const TITLES: Record<CoverageFilter, string> = {
  sso: 'Members whose strongest way in is single sign-on',
  third_party: 'Members whose strongest way in is a third-party account',
  password_2fa: 'Members whose strongest way in is a password with 2FA',
  password_only: 'Members who sign in with a password alone',
  none: 'Members with no way to sign in under the current policy',
  'method:saml': 'Members who can sign in with single sign-on',
  'method:google': 'Members who can sign in with Google',
  'method:microsoft': 'Members who can sign in with Microsoft',
  'method:github': 'Members who can sign in with GitHub',
  'method:password': 'Members who can sign in with a password',
  password_with_2fa: 'Password members with two-factor authentication',
  password_without_2fa: 'Password members without two-factor authentication',
  managed: 'Members whose accounts this organization manages',
  unmanaged: 'Members whose accounts this organization does not manage',
};

const METHOD_NAMES = { saml: 'SSO', google: 'Google', microsoft: 'Microsoft', github: 'GitHub', password: 'Password' } as const;

// The members a figure of the security overview counts (the Overview links each number here).
export default async function MembersByCoveragePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { membership } = await requireSuperAdmin();
  const requested = (await searchParams).filter;
  const filter: CoverageFilter = (COVERAGE_FILTERS as readonly string[]).includes(String(requested)) ? (requested as CoverageFilter) : 'password_only';
  const members = await listMembersByCoverage({ ctx: liveCtx(), membership, filter, options: { oauthProviders: configuredOAuthProviders(process.env) } });
  return (
    <div className="max-w-4xl space-y-6">
      <PageHeader title={TITLES[filter]}>
        Active members of {membership.organization.name}, counted by the ways in they have and the policy allows.{' '}
        <Link href="/" className="text-brand-700 hover:underline">Back to the overview</Link>
      </PageHeader>
      {members.length === 0 ? (
        <p className="text-sm text-slate-500" data-testid="members-empty">No member.</p>
      ) : (
        <DataTable columns={['Member', 'Ways in', '2FA', 'Managed']}>
          {members.map((m) => (
            <tr key={m.userId} data-testid="coverage-member">
              <td className="px-4 py-2">
                <Link href={`/admin/users/${m.userId}`} className="text-brand-700 hover:underline">{m.email}</Link>
              </td>
              <td className="px-4 py-2">{m.methods.length ? m.methods.map((x) => METHOD_NAMES[x]).join(', ') : <span className="text-slate-400">none</span>}</td>
              <td className="px-4 py-2">{m.twoFactor ? 'On' : 'Off'}</td>
              <td className="px-4 py-2">{m.managed ? 'Yes' : 'No'}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
