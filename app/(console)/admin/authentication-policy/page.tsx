import type { Metadata } from 'next';
import { requireSuperAdmin } from '@/app/_lib/admin';
import { PolicyForm } from '@/components/policy/form';
import { Alert } from '@/components/ui/alert';
import { PageHeader } from '@/components/ui/page-header';
import { allowlistOf } from '@/lib/net/cidr';
import { policyToWire } from '@/lib/policy/policy';
import { readPolicy } from '@/lib/policy/update';

export const metadata: Metadata = { title: 'Authentication policy · Portcullis' };

// Changes a recommendation of the security overview may propose (?propose=...): set in the
// form and previewed there, saved only by the admin.
const PROPOSALS = { two_factor_required: { two_factor_required: true } } as const;

export default async function AuthenticationPolicyPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { propose } = await searchParams;
  const proposed = typeof propose === 'string' && Object.hasOwn(PROPOSALS, propose) ? PROPOSALS[propose as keyof typeof PROPOSALS] : undefined;
  const { membership, meta } = await requireSuperAdmin();
  const policy = readPolicy({ membership });
  // The form speaks the three-way mode; upstream's boolean is derived from it on the wire.
  const { personal_tokens_enabled: _derived, ...initial } = policyToWire(policy);
  return (
    <div className="max-w-3xl space-y-6">
      <PageHeader title="Authentication policy">
        How members of {membership.organization.name} may sign in and reach its resources. Changes apply at once.
      </PageHeader>
      {proposed ? (
        <Alert tone="info">
          Proposed by the security overview: require two-factor authentication. The change is made below but not saved: review its impact, then save.
        </Alert>
      ) : null}
      <PolicyForm
        initial={initial}
        currentIp={meta.ip}
        // The form checks addresses once lib/net/cidr.ts has loaded after the page; until then, this.
        currentIpListed={allowlistOf(initial.ip_allowlist).contains(meta.ip)}
        organizationName={membership.organization.name}
        proposed={proposed}
      />
    </div>
  );
}
