import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requireSuperAdmin } from '@/app/_lib/admin';
import { ConnectionForm } from '@/components/identity-providers/connection-form';
import { Certificates, ProviderActions } from '@/components/identity-providers/manage';
import { OptionsForm } from '@/components/identity-providers/options-form';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { PageHeader } from '@/components/ui/page-header';
import { liveCtx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { expiryStatus } from '@/lib/identity-providers/certificate';
import { getMethod, isConfigured } from '@/lib/identity-providers/manage';
import { MAPPED_FIELDS, VENDOR_LABELS } from '@/lib/identity-providers/schema';
import { publicBaseUrl } from '@/lib/http/public-url';
import { spUrls } from '@/lib/identity-providers/urls';
import { samlOptionsToWire } from '@/lib/identity-providers/wire';
import { VENDOR_STEPS } from '@/lib/identity-providers/vendor-steps';

export const metadata: Metadata = { title: 'Identity provider · Portcullis' };

function UrlRow({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="space-y-1">
      <div className="text-sm font-medium text-slate-700">{label}</div>
      <div className="flex items-center gap-2">
        <code className="block min-w-0 flex-1 truncate rounded-md bg-slate-50 px-3 py-2 text-xs" aria-label={label}>
          {value}
        </code>
        <CopyButton value={value} label={`Copy ${label}`} />
      </div>
      {hint ? <p className="text-xs text-slate-500">{hint}</p> : null}
    </div>
  );
}

export default async function IdentityProviderPage({ params }: { params: Promise<{ methodId: string }> }) {
  const { membership } = await requireSuperAdmin();
  const { methodId } = await params;
  const ctx = liveCtx();
  let view;
  try {
    view = await getMethod({ ctx, membership }, methodId);
  } catch (error) {
    if (error instanceof AppError && error.status === 404) notFound();
    throw error;
  }
  const { method, certificates, linkedDomains } = view;
  const urls = spUrls(publicBaseUrl(), membership.organization.accountId, method.id);
  const testAction = `${spUrls('', membership.organization.accountId, method.id).loginUrl}?purpose=test`;
  const configured = isConfigured(method, certificates);
  const steps = VENDOR_STEPS[method.vendor];
  const newest = certificates.at(-1);
  return (
    <div className="max-w-4xl space-y-6">
      <PageHeader
        title={method.name}
        back={{ href: '/admin/identity-providers', label: 'Identity providers' }}
        actions={<ProviderActions methodId={method.id} name={method.name} enabled={method.enabled} configured={configured} />}
      >
        {VENDOR_LABELS[method.vendor]} ·{' '}
        <span data-testid="idp-state">{!configured ? 'Pending configuration' : method.enabled ? 'Enabled' : 'Disabled'}</span>
        {linkedDomains.length ? ` · Linked domains: ${linkedDomains.map((d) => d.domainName).join(', ')}` : ''}
      </PageHeader>

      <Card className="space-y-4 p-6">
        <h2 className="font-medium">1. Give these to {VENDOR_LABELS[method.vendor]}</h2>
        <UrlRow label="SP entity ID / metadata URL" value={urls.metadataUrl} hint="Also the audience. The IdP can read our metadata from this URL." />
        <UrlRow label="ACS URL" value={urls.acsUrl} hint="Assertion Consumer Service, HTTP-POST binding." />
        <div>
          <h3 className="text-sm font-medium">Setup steps: {steps.console}</h3>
          <ol className="mt-2 list-decimal space-y-1 pl-5 text-sm text-slate-700">
            {steps.steps.map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ol>
          <p className="mt-2 text-xs text-slate-500">Attributes: {steps.attributes}</p>
        </div>
      </Card>

      <Card className="space-y-4 p-6">
        <h2 className="font-medium">2. Complete the connection</h2>
        <ConnectionForm
          methodId={method.id}
          initial={{ saml_idp_url: method.samlIdpUrl ?? '', saml_entity_id: method.samlEntityId ?? '', saml_certificate: newest?.pem ?? '' }}
        />
      </Card>

      <Card className="space-y-4 p-6">
        <h2 className="font-medium">Certificates</h2>
        <Certificates
          methodId={method.id}
          certificates={certificates.map((c) => ({ id: c.id, subject: c.subject, issuer: c.issuer, notBefore: c.notBefore, notAfter: c.notAfter, status: expiryStatus(c.notAfter, ctx.now) }))}
        />
      </Card>

      <Card className="space-y-4 p-6">
        <h2 className="font-medium">Sign-in links</h2>
        <UrlRow label="Signup URL" value={urls.signupUrl} hint="A new person opens it, signs in at the IdP, and gets an account tied to this provider in this organization." />
        <UrlRow
          label="Account link URL"
          value={urls.linkUrl}
          hint="A member of this organization opens it, signs in with their current method, confirms on the page that names this provider, then signs in at the IdP: their account is linked."
        />
        <div className="flex flex-wrap items-center gap-3">
          {configured ? (
            // A POST from this page (checked for its origin): a link elsewhere cannot make an
            // admin's browser spend its session on a test. A new tab, as the trace is its own page.
            <form method="post" action={testAction} target="_blank">
              <Button type="submit" variant="secondary">
                Test sign-in
              </Button>
            </form>
          ) : (
            <span className="text-sm text-slate-500">Test sign-in is available once the connection is complete.</span>
          )}
          <p className="text-xs text-slate-500">Opens the IdP in a new tab and shows the decoded assertion, or the check that failed. Nobody is signed in.</p>
        </div>
      </Card>

      <Card className="space-y-4 p-6">
        <h2 className="font-medium">Options</h2>
        <OptionsForm
          methodId={method.id}
          initial={{
            ...samlOptionsToWire(method),
            saml_field_mapping: Object.fromEntries(MAPPED_FIELDS.map((f) => [f, method.samlFieldMapping[f] ?? ''])),
            auth_token_max_age_seconds: method.authTokenMaxAgeSeconds === null ? '' : String(method.authTokenMaxAgeSeconds),
          }}
        />
      </Card>
    </div>
  );
}
