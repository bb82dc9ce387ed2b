'use client';

import { useEffect, useRef, useState } from 'react';
import type { z } from 'zod';
import { previewPolicyAction, savePolicyAction } from '@/app/(console)/admin/authentication-policy/actions';
import type { PolicyImpact } from '@/lib/policy/impact';
import type { policyPatchSchema } from '@/lib/policy/schema';
import { useActionForm } from '@/components/forms/use-action-form';
import { CidrListInput } from '@/components/net/cidr-list-input';
import { useIpListed } from '@/components/net/use-cidr';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { SwitchField } from '@/components/ui/switch-field';

type Input = z.input<typeof policyPatchSchema>;
type Preview = { lockout: string | null; impact: PolicyImpact } | null;

function Section({ title, id, children }: { title: string; id?: string; children: React.ReactNode }) {
  return (
    <Card className="space-y-4 p-6" id={id}>
      <h2 className="font-medium">{title}</h2>
      {children}
    </Card>
  );
}

function ImpactPanel({ preview }: { preview: Preview }) {
  if (!preview) return null;
  const { impact, lockout } = preview;
  const nothing =
    impact.membersLosingSignIn.length === 0 &&
    impact.sessionsStopping + impact.personalTokensStopping + impact.applicationTokensStopping === 0;
  return (
    <section aria-label="Impact of this change" className="space-y-2 rounded-xl border border-amber-200 bg-amber-50 p-4 text-sm">
      <h2 className="font-medium text-amber-900">What saving does</h2>
      {lockout ? <p className="font-medium text-red-700">{lockout}</p> : null}
      {nothing && !lockout ? <p className="text-amber-900">No member loses sign-in and no token stops working.</p> : null}
      {impact.membersLosingSignIn.length > 0 ? (
        <div>
          <p className="text-amber-900">
            {impact.membersLosingSignIn.length} member(s) would be left with no way to sign in here:
          </p>
          <ul className="ml-5 list-disc" aria-label="Members left with no way to sign in">
            {impact.membersLosingSignIn.map((m) => (
              <li key={m.userId}>
                {m.email} <span className="text-slate-600">(has only {m.methods.join(', ')})</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {impact.sessionsStopping > 0 ? <p>{impact.sessionsStopping} session(s) stop working.</p> : null}
      {impact.personalTokensStopping > 0 ? <p>{impact.personalTokensStopping} personal token(s) stop working.</p> : null}
      <p>
        {impact.applicationTokensStopping > 0
          ? `${impact.applicationTokensStopping} application token(s) stop working (IP allowlist).`
          : 'Application tokens are not affected.'}
      </p>
    </section>
  );
}

export function PolicyForm({
  initial,
  currentIp,
  currentIpListed,
  organizationName,
  proposed,
}: {
  initial: Input;
  /** A change to propose (from a recommendation of the security overview): set, previewed, not saved. */
  proposed?: Partial<Input>;
  currentIp: string | null;
  /** Whether currentIp is in the saved allowlist (the server's answer, until the form can check). */
  currentIpListed: boolean;
  organizationName: string;
}) {
  const [preview, setPreview] = useState<Preview>(null);
  const { form, onSubmit, errors, pending, message, setMessage } = useActionForm(
    () => import('@/lib/policy/schema').then((m) => m.policyPatchSchema),
    savePolicyAction,
    {
      defaultValues: initial,
      onSuccess: (saved, { form }) => {
        form.reset(saved);
        setPreview(null);
        return 'Policy saved. It applies to the next request.';
      },
    },
  );
  const { isDirty } = form.formState;
  // A proposed change is made in the form as if the admin had made it: the preview below shows
  // what it would do, and nothing is saved until they press Save.
  const proposal = JSON.stringify(proposed ?? {});
  useEffect(() => {
    for (const [key, value] of Object.entries(JSON.parse(proposal) as Partial<Input>)) {
      form.setValue(key as keyof Input, value, { shouldDirty: true });
    }
  }, [proposal, form]);
  const values = form.watch();
  const allowlist = values.ip_allowlist ?? [];
  const serialized = JSON.stringify(values);
  const sequence = useRef(0);

  // Ask the server what the change would do whenever the form changes.
  useEffect(() => {
    if (!isDirty) return setPreview(null);
    // An invalid draft gets no preview: the action parses with the same schema and says no.
    const mine = ++sequence.current;
    const timer = setTimeout(() => {
      void previewPolicyAction(JSON.parse(serialized)).then((result) => {
        if (mine === sequence.current && result.ok) setPreview(result.data);
      });
    }, 250);
    return () => clearTimeout(timer);
  }, [serialized, isDirty]);

  const oauthOn = values.oauth_enabled;
  const listed = useIpListed(allowlist, currentIp, currentIpListed);
  // An empty list admits every address (Allowlist.admits).
  const ipIncluded = currentIp ? allowlist.length === 0 || listed : false;
  // The list's message, or its first entry's ("ip_allowlist.2": react-hook-form keeps those in an array).
  const allowlistError = Array.isArray(errors.ip_allowlist) ? errors.ip_allowlist.find((e) => e?.message)?.message : errors.ip_allowlist?.message;

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Authentication policy" className="space-y-6">
      <Section title="Password">
        <SwitchField label="Allow password sign-in" description="Members sign in with their email and password." {...form.register('password_auth_enabled')} />
        <SwitchField
          label="Require two-factor authentication"
          description="Password sign-ins need a code from an authenticator app. Members without one are sent to set it up. Single sign-on and third-party sign-ins are not affected."
          disabled={!values.password_auth_enabled}
          {...form.register('two_factor_required')}
        />
      </Section>

      <Section title="Third-party sign-in">
        <SwitchField label="Allow third-party sign-in" description="Sign in with an account of another service." {...form.register('oauth_enabled')} />
        <div className="space-y-3 pl-7">
          <SwitchField label="Google" disabled={!oauthOn} {...form.register('oauth_google_enabled')} />
          <SwitchField label="Microsoft" disabled={!oauthOn} {...form.register('oauth_microsoft_enabled')} />
          <SwitchField label="GitHub" disabled={!oauthOn} {...form.register('oauth_github_enabled')} />
        </div>
      </Section>

      <Section title="Single sign-on (SAML)">
        <SwitchField label="Allow SAML single sign-on" description="Members sign in through an identity provider." {...form.register('saml_enabled')} />
        <SwitchField
          label="Allow other organizations' identity providers"
          description="Members may sign in here through identity providers that other organizations set up: those organizations' admins hold their keys and could sign in as your members. Off for new organizations."
          disabled={!values.saml_enabled}
          {...form.register('saml_allow_external')}
        />
      </Section>

      <Section title="Tokens">
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-700">Personal tokens</legend>
          {(
            [
              ['enabled', 'Enabled', 'Members can create personal tokens for the API and CLI.'],
              ['disabled_for_managed', 'Disabled for managed users', "Only users this organization does not manage can create them, and they still can't use them here."],
              ['disabled', 'Disabled for all', 'No personal tokens work here; use application users for automation.'],
            ] as const
          ).map(([value, label, description]) => (
            <label key={value} className="flex items-start gap-3 text-sm">
              <input type="radio" value={value} className="mt-1 accent-brand-600" {...form.register('personal_tokens_mode')} />
              <span>
                <span className="font-medium">{label}</span>
                <span className="block text-xs text-slate-500">{description}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <SwitchField
          label="Enforce the sign-in method of tokens"
          description="A personal token works only if the method used to sign in before creating it is still allowed. Application tokens are never affected."
          {...form.register('personal_tokens_require_allowed_auth_method')}
        />
      </Section>

      <Section title="IP allowlist" id="ip-allowlist">
        <CidrListInput
          label="Allowed IP ranges"
          value={allowlist}
          onChange={(next) => form.setValue('ip_allowlist', next, { shouldDirty: true, shouldValidate: true })}
          currentIp={currentIp}
          currentIpListed={currentIpListed}
          error={allowlistError}
        >
          <p className="text-xs text-slate-500">
            When set, the console, the API, the CLI, personal and application tokens of {organizationName} work only from these
            addresses. Empty means from anywhere.
          </p>
        </CidrListInput>
        <p className="text-sm" data-testid="ip-status">
          Your IP address: <code>{currentIp ?? 'unknown'}</code>{' '}
          {ipIncluded ? (
            <span className="text-emerald-700">is allowed by this list.</span>
          ) : (
            <span className="font-medium text-red-700">is not in this list.</span>
          )}
        </p>
      </Section>

      <ImpactPanel preview={preview} />
      {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      <div className="flex gap-3">
        <Button type="submit" disabled={pending || !isDirty}>
          {pending ? 'Saving…' : 'Save policy'}
        </Button>
        <Button type="button" variant="secondary" disabled={!isDirty} onClick={() => (form.reset(), setMessage(null))}>
          Discard changes
        </Button>
      </div>
    </form>
  );
}
