import type { Metadata } from 'next';
import { requireConsole } from '@/app/_lib/session';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';

export const metadata: Metadata = { title: 'Overview · Portcullis' };

function Row({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <div className="grid grid-cols-3 gap-4 px-6 py-3">
      <dt className="text-sm text-slate-500">{label}</dt>
      <dd className="col-span-2 text-sm">{value}</dd>
    </div>
  );
}

export default async function OverviewPage() {
  const { principal, membership, meta } = await requireConsole();
  const org = membership?.organization;
  return (
    <div className="max-w-3xl space-y-6">
      <PageHeader title={org ? org.name : 'Welcome'}>Your organization at a glance.</PageHeader>
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
  );
}
