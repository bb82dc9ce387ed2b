'use client';

import type { z } from 'zod';
import { saveOptionsAction } from '@/app/(console)/admin/identity-providers/actions';
import type { idpOptionsSchema } from '@/lib/identity-providers/schema';
import { DIGEST_ALGORITHMS, MAPPED_FIELDS, SIGNATURE_ALGORITHMS, type MappedField } from '@/lib/identity-providers/vendors';
import { useActionForm } from '@/components/forms/use-action-form';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { SelectField } from '@/components/ui/select-field';
import { SwitchField } from '@/components/ui/switch-field';

type Values = z.input<typeof idpOptionsSchema>;

const MAPPING_LABELS: Record<MappedField, string> = {
  email: 'Email attribute',
  first_name: 'First name attribute',
  last_name: 'Last name attribute',
  real_name: 'Real name attribute',
  identity: 'Identity attribute',
  groups: 'Groups attribute',
};

const MAPPING_HINTS: Partial<Record<MappedField, string>> = {
  email: 'Empty: email, mail or the claim URIs; else the NameID when it is an address.',
  identity: 'Empty: the NameID identifies the person (recommended).',
};

export function OptionsForm({ methodId, initial }: { methodId: string; initial: Values }) {
  const { form, field, onSubmit, pending, error, notice } = useActionForm(
    () => import('@/lib/identity-providers/schema').then((m) => m.idpOptionsSchema),
    (values) => saveOptionsAction({ ...values, method_id: methodId }),
    { defaultValues: initial, fields: ['auth_token_max_age_seconds'], onSuccess: () => 'Options saved.' },
  );
  const idpInitiated = form.watch('saml_idp_login_allowed');
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Identity provider options" className="space-y-5">
      {error ? <Alert>{error}</Alert> : null}
      {notice ? <Alert tone="info">{notice}</Alert> : null}
      <SwitchField
        label="IdP-initiated login"
        description="Lets people start from the IdP's dashboard. Off by default: such a response answers no request of ours, so a sign-in someone else started cannot be told apart (login CSRF). Turn it on only if your people need it."
        {...form.register('saml_idp_login_allowed')}
      />
      {idpInitiated ? (
        <Alert tone="info">IdP-initiated login is on. Signing in from the Portcullis sign-in page stays the safer way.</Alert>
      ) : null}
      <SwitchField label="Require signed assertions" description="Refuse assertions that carry no signature of their own (recommended)." {...form.register('saml_assertion_signed_enabled')} />
      <SwitchField
        label="Sign authentication requests"
        description="Sign our AuthnRequests with this provider's SP key; its certificate is in our metadata for the IdP to check."
        {...form.register('saml_authn_requests_signed_enabled')}
      />
      <SwitchField
        label="Request an authentication context"
        description="Ask the IdP for password-protected transport (RequestedAuthnContext). Some IdPs refuse other factors when this is on."
        {...form.register('saml_requested_authn_context_enabled')}
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <SelectField id="opt-digest" label="Digest algorithm" options={DIGEST_ALGORITHMS} {...form.register('saml_digest_algorithm')} />
        <SelectField id="opt-signature" label="Signature algorithm" options={SIGNATURE_ALGORITHMS} {...form.register('saml_signature_algorithm')} />
      </div>
      <fieldset className="space-y-3">
        <legend className="text-sm font-medium text-slate-800">Attribute mapping</legend>
        <p className="text-xs text-slate-500">The attribute names your IdP sends. Leave a field empty to use the usual names.</p>
        <div className="grid gap-4 sm:grid-cols-2">
          {MAPPED_FIELDS.map((field) => (
            <Field key={field} label={MAPPING_LABELS[field]} hint={MAPPING_HINTS[field]} {...form.register(`saml_field_mapping.${field}`)} />
          ))}
        </div>
      </fieldset>
      <Field
        label="Session max age (seconds)"
        inputMode="numeric"
        placeholder="Console default"
        hint="How long a sign-in through this provider lasts; empty uses the console's default."
        {...field('auth_token_max_age_seconds')}
      />
      <Button type="submit" disabled={pending}>
        Save options
      </Button>
    </form>
  );
}
