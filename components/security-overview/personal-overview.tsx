import Link from 'next/link';
import { Card } from '@/components/ui/card';
import type { PersonalOverview } from '@/lib/security-overview/personal';
import { signInMethodLabel } from '@/lib/policy/policy';

// The Overview of a member who is not a super admin: their own ways in, second factor and tokens.

export function PersonalSecurity({ overview, identityProviderNames }: { overview: PersonalOverview; identityProviderNames: Record<string, string> }) {
  const ways = [...(overview.hasPassword ? ['Password'] : []), ...overview.linkedProviders.map((p) => signInMethodLabel(p, identityProviderNames))];
  const t = overview.tokens;
  return (
    <Card className="space-y-3 p-6" role="region" aria-labelledby="your-security-heading">
      <h2 id="your-security-heading" className="font-medium">Your security</h2>
      <dl className="grid grid-cols-3 gap-x-4 gap-y-2 text-sm">
        <dt className="text-slate-500">Ways to sign in</dt>
        <dd className="col-span-2" data-testid="your-methods">{ways.length ? ways.join(', ') : 'None'}</dd>
        <dt className="text-slate-500">Two-factor authentication</dt>
        <dd className="col-span-2" data-testid="your-2fa">
          {overview.twoFactor ? 'On' : overview.hasPassword ? (
            <>
              Off: <Link href="/profile/authentication" className="text-brand-700 hover:underline">set up an authenticator app</Link>
            </>
          ) : 'Not needed: you have no password'}
        </dd>
        <dt className="text-slate-500">Personal tokens</dt>
        <dd className="col-span-2" data-testid="your-tokens">
          <Link href="/profile/tokens" className="text-brand-700 hover:underline">{t.all}</Link>
          {t.all ? ` · ${t.no_expiry} never expire · ${t.no_ip_allowlist} without an IP allowlist · ${t.unused} unused for 90 days · ${t.expiring} expire within 7 days` : ''}
        </dd>
      </dl>
    </Card>
  );
}
