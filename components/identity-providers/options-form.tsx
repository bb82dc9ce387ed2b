'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { saveOptionsAction } from '@/app/(console)/admin/identity-providers/actions';
import { DIGEST_ALGORITHMS, idpOptionsSchema, MAPPED_FIELDS, SIGNATURE_ALGORITHMS, type MappedField } from '@/lib/saml/schema';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
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
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const form = useForm<Values, unknown, z.output<typeof idpOptionsSchema>>({ resolver: zodResolver(idpOptionsSchema), defaultValues: initial });
  const errors = form.formState.errors;
  const idpInitiated = form.watch('saml_idp_login_allowed');
  const select = 'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm';
  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    setSaved(false);
    const result = await saveOptionsAction({ ...values, method_id: methodId });
    if (!result.ok) {
      setError(result.message);
      const message = result.fieldErrors.auth_token_max_age_seconds?.[0];
      if (message) form.setError('auth_token_max_age_seconds', { message });
      return;
    }
    setSaved(true);
    router.refresh();
  });
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Identity provider options" className="space-y-5">
      {error ? <Alert>{error}</Alert> : null}
      {saved ? <Alert tone="info">Options saved.</Alert> : null}
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
        <div className="space-y-1">
          <label htmlFor="opt-digest" className="block text-sm font-medium text-slate-700">
            Digest algorithm
          </label>
          <select id="opt-digest" className={select} {...form.register('saml_digest_algorithm')}>
            {DIGEST_ALGORITHMS.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="opt-signature" className="block text-sm font-medium text-slate-700">
            Signature algorithm
          </label>
          <select id="opt-signature" className={select} {...form.register('saml_signature_algorithm')}>
            {SIGNATURE_ALGORITHMS.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </div>
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
        error={errors.auth_token_max_age_seconds?.message}
        {...form.register('auth_token_max_age_seconds')}
      />
      <Button type="submit" disabled={form.formState.isSubmitting}>
        Save options
      </Button>
    </form>
  );
}
