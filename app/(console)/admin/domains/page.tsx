import { domainToUnicode } from 'node:url';
import type { Metadata } from 'next';
import { requireSuperAdmin } from '@/app/_lib/admin';
import { AddDomainForm } from '@/components/domains/form';
import { DomainPanel } from '@/components/domains/domain-panel';
import { Empty } from '@/components/ui/empty';
import { FormCard } from '@/components/ui/form-card';
import { PageHeader } from '@/components/ui/page-header';
import { liveCtx } from '@/lib/context';
import { countManagedUsersOfDomain, listDomains, listLinkableMethods } from '@/lib/domains/manage';
import { domainToWire } from '@/lib/domains/wire';

export const metadata: Metadata = { title: 'Domains · Portcullis' };

export default async function DomainsPage() {
  const { membership } = await requireSuperAdmin();
  const ctx = liveCtx();
  const organizationId = membership.organization.id;
  const domains = await listDomains({ ctx, membership });
  const methods = (await listLinkableMethods({ ctx, membership })).map(({ id, name, enabled }) => ({ id, name, enabled }));
  const managedUsers = await Promise.all(
    domains.map(async (view) => (view.domain.state === 'verified' ? await countManagedUsersOfDomain(ctx, organizationId, view.domain.domainName) : 0)),
  );
  return (
    <div className="max-w-4xl space-y-6">
      <PageHeader title="Domains">
        Prove that {membership.organization.name} owns a domain by publishing a DNS record. People whose email address is on a
        verified domain become the organization&apos;s managed users, and signing in with SSO sends them to the identity providers
        the domain is linked to. A domain can be verified by one organization only.
      </PageHeader>
      <FormCard title="Add a domain">
        <AddDomainForm />
      </FormCard>
      {domains.length === 0 ? (
        <Empty>No domains yet.</Empty>
      ) : (
        domains.map((view, i) => {
          const unicode = domainToUnicode(view.domain.domainName);
          return (
            <DomainPanel
              key={view.domain.id}
              domain={domainToWire(view)}
              unicodeName={unicode && unicode !== view.domain.domainName ? unicode : null}
              methods={methods}
              managedUsers={managedUsers[i] ?? 0}
            />
          );
        })
      )}
    </div>
  );
}
