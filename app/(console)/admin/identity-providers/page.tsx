import type { Metadata } from 'next';
import Link from 'next/link';
import { requireSuperAdmin } from '@/app/_lib/admin';
import { AddIdentityProviderForm } from '@/components/identity-providers/form';
import { Empty } from '@/components/ui/empty';
import { FormCard } from '@/components/ui/form-card';
import { PageHeader } from '@/components/ui/page-header';
import { liveCtx } from '@/lib/context';
import { expiryStatus } from '@/lib/identity-providers/certificate';
import { isConfigured, listMethods } from '@/lib/identity-providers/manage';
import { VENDOR_LABELS } from '@/lib/identity-providers/schema';
import { DataTable } from '@/components/ui/table';

export const metadata: Metadata = { title: 'Identity providers · Portcullis' };

export default async function IdentityProvidersPage() {
  const { membership } = await requireSuperAdmin();
  const ctx = liveCtx();
  const methods = await listMethods({ ctx, membership });
  return (
    <div className="max-w-5xl space-y-6">
      <PageHeader title="Identity providers">
        SAML 2.0 single sign-on through your organization&apos;s identity provider (Okta, Azure AD, Google Workspace and others). People
        whose email domain is verified and linked to a provider are sent to it from the sign-in page.
      </PageHeader>
      <FormCard title="Add identity provider">
        <AddIdentityProviderForm />
      </FormCard>
      {methods.length === 0 ? (
        <Empty>No identity providers yet.</Empty>
      ) : (
        <DataTable columns={['Name', 'Vendor', 'Status', 'Linked domains', 'Certificate expiry']}>
              {methods.map(({ method, certificates, linkedDomains }) => {
                // The certificate that expires first is the one to act on.
                const soonest = [...certificates].sort((a, b) => a.notAfter.localeCompare(b.notAfter))[0];
                const status = soonest ? expiryStatus(soonest.notAfter, ctx.now) : null;
                return (
                  <tr key={method.id} data-testid={`idp-row-${method.name}`}>
                    <td className="px-4 py-2">
                      <Link className="font-medium text-brand-700 hover:underline" href={`/admin/identity-providers/${method.id}`}>
                        {method.name}
                      </Link>
                    </td>
                    <td className="px-4 py-2">{VENDOR_LABELS[method.vendor]}</td>
                    <td className="px-4 py-2">
                      {!isConfigured(method, certificates) ? 'Pending configuration' : method.enabled ? 'Enabled' : 'Disabled'}
                    </td>
                    <td className="px-4 py-2">{linkedDomains.length ? linkedDomains.map((d) => d.domainName).join(', ') : <span className="text-slate-400">None</span>}</td>
                    <td className="px-4 py-2 whitespace-nowrap">
                      {!soonest ? (
                        <span className="text-slate-400">No certificate</span>
                      ) : (
                        <span className={status === 'expired' ? 'font-semibold text-red-700' : status === 'expiring' ? 'font-semibold text-amber-700' : ''}>
                          {soonest.notAfter.slice(0, 10)}
                          {status === 'expired' ? ' (expired)' : status === 'expiring' ? ' (expires within 30 days)' : ''}
                        </span>
                      )}
                    </td>
                  </tr>
                );
              })}
        </DataTable>
      )}
    </div>
  );
}
