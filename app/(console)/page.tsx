import type { Metadata } from 'next';
import { requireConsole } from '@/app/_lib/session';
import { AdminOverview } from '@/components/security-overview/admin-overview';
import { PersonalSecurity } from '@/components/security-overview/personal-overview';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { liveCtx } from '@/lib/context';
import { identityProviderNames } from '@/lib/model/identity-providers';
import { readSecurityOverview } from '@/lib/security-overview/overview';
import { personalOverview } from '@/lib/security-overview/personal';
import { configuredOAuthProviders } from '@/lib/sign-in/oauth-config';

export const metadata: Metadata = { title: 'Overview · Portcullis' };

function Row({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-4 px-6 py-3">
      <dt className="text-sm text-slate-500">{label}</dt>
      <dd className="col-span-2 text-sm">{value}</dd>
    </div>
  );
}

// Super admins see their organization's security overview (lib/security-overview/); every
// member sees their own ways in, second factor and tokens; everyone sees this session.
export default async function OverviewPage() {
  const { principal, membership, meta } = await requireConsole();
  const org = membership?.organization;
  const ctx = liveCtx();
  const admin = membership?.isSuperAdmin
    ? await readSecurityOverview({ ctx, membership, options: { oauthProviders: configuredOAuthProviders(process.env) } })
    : null;
  const personal = admin ? null : await personalOverview(ctx, principal.user.id);
  const names = personal ? await identityProviderNames(ctx, personal.linkedProviders) : {};
  return (
    <div className={admin ? 'max-w-6xl space-y-6' : 'max-w-3xl space-y-6'}>
      <PageHeader title={org ? org.name : 'Welcome'}>
        {admin ? 'Your organization’s security at a glance, and what to fix next.' : 'Your organization at a glance.'}
      </PageHeader>
      {admin ? <AdminOverview overview={admin} /> : null}
      <div className={admin ? 'grid gap-6 lg:grid-cols-2' : 'space-y-6'}>
        {org ? (
          <Card>
            <h2 className="border-b border-slate-200 px-6 py-3 font-medium">Organization</h2>
            <dl className="divide-y divide-slate-100">
              <Row label="Organization ID" value={<code>{org.id}</code>} />
              <Row label="Account ID" value={<code>{org.accountId}</code>} />
              <Row label="Your role" value={membership.isSuperAdmin ? 'Super admin' : 'Member'} />
              <Row
                label="IP allowlist"
                value={org.ipAllowlist.length ? org.ipAllowlist.join(', ') : 'Not restricted: any address may connect'}
              />
            </dl>
          </Card>
        ) : (
          <Card className="px-6 py-4 text-sm text-slate-600">You are not a member of any organization yet.</Card>
        )}
        {personal ? <PersonalSecurity overview={personal} identityProviderNames={names} /> : null}
        <Card>
          <h2 className="border-b border-slate-200 px-6 py-3 font-medium">This session</h2>
          <dl className="divide-y divide-slate-100">
            <Row label="Signed in as" value={principal.user.email} />
            <Row label="Signed in with" value={principal.token.authMethod} />
            <Row label="Your IP address" value={<code data-testid="client-ip">{meta.ip ?? 'unknown'}</code>} />
            <Row label="Session expires" value={principal.token.expiryTime ?? 'Never'} />
          </dl>
        </Card>
      </div>
    </div>
  );
}
