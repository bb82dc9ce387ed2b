import type { Metadata } from 'next';
import { requireSuperAdmin } from '@/app/_lib/admin';
import { PolicyForm } from '@/components/policy/form';
import { PageHeader } from '@/components/ui/page-header';
import { allowlistOf } from '@/lib/net/cidr';
import { policyToWire } from '@/lib/policy/policy';
import { readPolicy } from '@/lib/policy/update';

export const metadata: Metadata = { title: 'Authentication policy · Portcullis' };

export default async function AuthenticationPolicyPage() {
  const { membership, meta } = await requireSuperAdmin();
  const policy = readPolicy({ membership });
  // The form speaks the three-way mode; upstream's boolean is derived from it on the wire.
  const { personal_tokens_enabled: _derived, ...initial } = policyToWire(policy);
  return (
    <div className="max-w-3xl space-y-6">
      <PageHeader title="Authentication policy">
        How members of {membership.organization.name} may sign in and reach its resources. Changes apply at once.
      </PageHeader>
      <PolicyForm
        initial={initial}
        currentIp={meta.ip}
        // The form checks addresses once lib/net/cidr.ts has loaded after the page; until then, this.
        currentIpListed={allowlistOf(initial.ip_allowlist).contains(meta.ip)}
        organizationName={membership.organization.name}
      />
    </div>
  );
}
