import Link from 'next/link';
import type { ReactNode } from 'react';
import { Card } from '@/components/ui/card';
import { Time } from '@/components/ui/time';
import type { SecurityOverview } from '@/lib/security-overview/overview';
import type { TokenFilter } from '@/lib/security-overview/tokens';
import { BarList, DailySignInsChart, Figure, METHOD_COLOURS, ShareBar } from './charts';

// The Overview of an organization's super admins: what to fix next, then the figures. Every
// number links to the page that lists what it counts.

const members = (filter: string) => `/admin/security/members?filter=${encodeURIComponent(filter)}`;
const tokenList = (filter: TokenFilter) => `/admin/security/tokens?filter=${filter}`;
const auditLog = (event: string, from: string) => `/admin/audit-log?event=${event}&from=${from}`;

const REASONS: Record<string, string> = {
  wrong_credentials: 'Wrong email or password',
  method_not_allowed: 'Method not allowed',
  ip_not_allowed: 'Address not allowed',
  deactivated: 'Account deactivated',
};

function Section({ title, id, children, aside }: { title: string; id: string; children: ReactNode; aside?: ReactNode }) {
  return (
    <Card className="space-y-4 p-6" aria-labelledby={id} role="region">
      <div className="flex items-baseline justify-between gap-4">
        <h2 id={id} className="font-medium">{title}</h2>
        {aside}
      </div>
      {children}
    </Card>
  );
}

function Stat({ label, value, href, testId, hint }: { label: string; value: number | string; href?: string; testId?: string; hint?: string }) {
  return (
    <div className="rounded-lg bg-slate-50 px-4 py-3">
      <div className="text-xs text-slate-500">{label}</div>
      <div className="text-2xl">
        <Figure value={value} href={href} testId={testId} label={`${label}: ${value}`} className="font-semibold tabular-nums" />
      </div>
      {hint ? <div className="text-xs text-slate-500">{hint}</div> : null}
    </div>
  );
}

const SEVERITY_STYLES = { high: 'bg-red-100 text-red-800', medium: 'bg-amber-100 text-amber-800', low: 'bg-slate-100 text-slate-700' } as const;

export function Recommendations({ overview }: { overview: SecurityOverview }) {
  const list = overview.recommendations;
  return (
    <Section title="What to fix next" id="recommendations-heading">
      {list.length === 0 ? (
        <p className="text-sm text-emerald-700" data-testid="no-recommendations">Nothing to fix: every check passes.</p>
      ) : (
        <ol className="divide-y divide-slate-100" aria-label="Recommendations">
          {list.map((r, i) => (
            <li key={r.id} data-testid={`recommendation-${r.id}`} className="flex flex-wrap items-center gap-3 py-3">
              <span className="w-5 text-sm text-slate-400 tabular-nums">{i + 1}.</span>
              <span className={`rounded-full px-2 py-0.5 text-xs ${SEVERITY_STYLES[r.severity]}`}>{r.severity}</span>
              <div className="min-w-0 flex-1">
                <div className="text-sm font-medium">{r.title}</div>
                <div className="text-sm text-slate-600">{r.detail}</div>
              </div>
              <Link href={r.action.href} className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50">
                {r.action.label}
              </Link>
            </li>
          ))}
        </ol>
      )}
    </Section>
  );
}

export function AdminOverview({ overview }: { overview: SecurityOverview }) {
  const { coverage, activity, tokens, identity } = overview;
  const since = activity.since;
  const twoFactorShare = coverage.password.members ? Math.round((coverage.password.withTwoFactor / coverage.password.members) * 100) : null;
  const methods = ['password', 'saml', 'google', 'microsoft', 'github', 'unknown'].filter((m) => (activity.signIns.byMethod[m] ?? 0) > 0);
  const tokenRow = (filter: TokenFilter, label: string) => (
    <tr key={filter}>
      <th scope="row" className="py-1.5 pr-4 text-left font-normal text-slate-700">{label}</th>
      <td className="py-1.5 pr-4 text-right">
        <Figure value={tokens.personal[filter]} href={`${tokenList(filter)}&kind=personal`} testId={`tokens-personal-${filter}`} label={`Personal tokens, ${label}: ${tokens.personal[filter]}`} />
      </td>
      <td className="py-1.5 text-right">
        <Figure value={tokens.application[filter]} href={`${tokenList(filter)}&kind=application`} testId={`tokens-application-${filter}`} label={`Application tokens, ${label}: ${tokens.application[filter]}`} />
      </td>
    </tr>
  );
  return (
    <div className="space-y-6">
      <Recommendations overview={overview} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Section title="Sign-in coverage" id="coverage-heading" aside={<span className="text-xs text-slate-500">{coverage.members} active members</span>}>
          <div>
            <h3 className="mb-2 text-sm text-slate-600">Each member once, by their strongest way in</h3>
            <ShareBar
              label="Members by strongest way in"
              parts={[
                { key: 'sso', label: 'Single sign-on', value: coverage.byStrength.sso, colour: '#059669', href: members('sso'), testId: 'coverage-sso' },
                { key: 'third_party', label: 'Third-party account', value: coverage.byStrength.third_party, colour: '#0ea5e9', href: members('third_party'), testId: 'coverage-third_party' },
                { key: 'password_2fa', label: 'Password with 2FA', value: coverage.byStrength.password_2fa, colour: '#6366f1', href: members('password_2fa'), testId: 'coverage-password_2fa' },
                { key: 'password_only', label: 'Password alone', value: coverage.byStrength.password_only, colour: '#f59e0b', href: members('password_only'), testId: 'coverage-password_only' },
                { key: 'none', label: 'No way in', value: coverage.byStrength.none, colour: '#ef4444', href: members('none'), testId: 'coverage-none' },
              ]}
            />
          </div>
          <div>
            <h3 className="mb-2 text-sm text-slate-600">Members per method (a member with several counts in each)</h3>
            <BarList
              label="Members per sign-in method"
              rows={(['saml', 'google', 'microsoft', 'github', 'password'] as const).map((m) => ({
                key: m,
                label: { saml: 'SSO (SAML)', google: 'Google', microsoft: 'Microsoft', github: 'GitHub', password: 'Password' }[m],
                value: coverage.byMethod[m],
                colour: METHOD_COLOURS[m],
                href: members(`method:${m}`),
                testId: `method-${m}`,
              }))}
            />
          </div>
          <div className="grid grid-cols-2 gap-3">
            <Stat
              label="Password members with 2FA"
              value={twoFactorShare === null ? '—' : `${twoFactorShare}%`}
              href={members('password_without_2fa')}
              testId="two-factor-share"
              hint={`${coverage.password.withTwoFactor} of ${coverage.password.members} who can sign in with a password`}
            />
            <div className="rounded-lg bg-slate-50 px-4 py-3 text-sm">
              <div className="text-xs text-slate-500">Accounts managed by this organization</div>
              <div className="mt-1">
                <Figure value={coverage.managed} href={members('managed')} testId="managed" label={`Managed: ${coverage.managed}`} /> managed ·{' '}
                <Figure value={coverage.unmanaged} href={members('unmanaged')} testId="unmanaged" label={`Not managed: ${coverage.unmanaged}`} /> not
              </div>
            </div>
          </div>
        </Section>

        <Section title="Tokens" id="tokens-heading" aside={<Link href={tokenList('unused')} className="text-sm text-brand-700 hover:underline">Revoke unused tokens…</Link>}>
          <table className="w-full text-sm">
            <caption className="sr-only">Members&apos; personal tokens and application users&apos; tokens, by concern</caption>
            <thead>
              <tr className="text-xs text-slate-500">
                <th className="pb-1 text-left font-normal">Not expired</th>
                <th className="pb-1 pr-4 text-right font-normal">Personal</th>
                <th className="pb-1 text-right font-normal">Application</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {tokenRow('all', 'All')}
              {tokenRow('no_expiry', 'Never expire')}
              {tokenRow('no_ip_allowlist', 'No IP allowlist')}
              {tokenRow('unused', 'Unused for 90 days')}
              {tokenRow('expiring', 'Expire within 7 days')}
            </tbody>
          </table>
        </Section>

        <Section
          title="Sign-ins, last 30 days"
          id="activity-heading"
          aside={<Figure value={activity.signIns.total} href={auditLog('auth.sign_in', since)} testId="sign-ins-total" label={`Sign-ins since ${since}: ${activity.signIns.total}`} />}
        >
          <DailySignInsChart days={activity.days} methods={methods.length ? methods : ['password']} caption={`Sign-ins per day since ${since}`} />
        </Section>

        <Section
          title="Failed sign-ins, last 30 days"
          id="failures-heading"
          aside={<Figure value={activity.failures.total} href={auditLog('auth.sign_in_failed', since)} testId="failures-total" label={`Failed sign-ins since ${since}: ${activity.failures.total}`} />}
        >
          <BarList
            label="Failed sign-ins by reason"
            empty="No failed sign-ins."
            rows={activity.failures.byReason.map((r) => ({
              key: r.reason,
              label: REASONS[r.reason] ?? r.reason.replace(/_/g, ' '),
              value: r.count,
              colour: '#ef4444',
              href: auditLog('auth.sign_in_failed', since),
            }))}
          />
          {activity.topFailureAddresses.length ? (
            <div>
              <h3 className="mb-1 text-sm text-slate-600">Top addresses of failures</h3>
              <table className="w-full text-sm" data-testid="failure-addresses">
                <tbody className="divide-y divide-slate-100">
                  {activity.topFailureAddresses.map((a) => (
                    <tr key={a.ip}>
                      <td className="py-1 font-mono text-xs">
                        <Link href={`${auditLog('auth.sign_in_failed', since)}&ip=${encodeURIComponent(a.ip)}`} className="text-brand-700 hover:underline">
                          {a.ip}
                        </Link>
                      </td>
                      <td className="py-1 text-right tabular-nums">{a.count}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </Section>

        <Section title="Identity providers and domains" id="identity-heading">
          <div className="grid grid-cols-2 gap-3">
            <Stat label="Identity providers enabled" value={`${identity.providers.enabled} of ${identity.providers.total}`} href="/admin/identity-providers" testId="providers-enabled" />
            <Stat label="Domains verified" value={`${identity.domains.verified} of ${identity.domains.total}`} href="/admin/domains" testId="domains-verified" />
          </div>
          <ul className="space-y-1 text-sm" aria-label="Needs attention">
            {identity.certificates.map((c) => (
              <li key={c.certificateId}>
                <Link href={`/admin/identity-providers/${encodeURIComponent(c.methodId)}`} className="text-brand-700 hover:underline">{c.methodName}</Link>: certificate {c.subject}{' '}
                {c.expired ? <span className="text-red-700">expired</span> : 'expires'} <Time value={c.notAfter} />
              </li>
            ))}
            {identity.unusedProviders.map((p) => (
              <li key={p.methodId}>
                <Link href={`/admin/identity-providers/${encodeURIComponent(p.methodId)}`} className="text-brand-700 hover:underline">{p.name}</Link>: enabled, never used to sign in
              </li>
            ))}
            {identity.domains.attention.map((d) => (
              <li key={d.domainId}>
                <Link href="/admin/domains" className="text-brand-700 hover:underline">{d.domainName}</Link>: {d.verified ? 'the last check failed' : d.lastCheckFailed ? 'not verified; the last check failed' : 'not verified'}
              </li>
            ))}
            {identity.certificates.length + identity.unusedProviders.length + identity.domains.attention.length === 0 ? (
              <li className="text-slate-500">No certificate expires within 30 days; every enabled provider has been used; every domain is verified.</li>
            ) : null}
          </ul>
        </Section>
      </div>
      <p className="text-xs text-slate-500">
        Figures as of <Time value={overview.generatedTime.toISOString()} />. The same figures: <code>GET /v1/organization/{overview.organizationId}/security-overview</code>.
      </p>
    </div>
  );
}
