'use client';

import { useState } from 'react';
import type { z } from 'zod';
import type { ActionResult } from '@/app/_lib/action';
import { SCOPES } from '@/lib/tokens/scopes';
import type { createTokenSchema } from '@/lib/tokens/schema';
import { useActionForm } from '@/components/forms/use-action-form';
import { CidrListInput } from '@/components/net/cidr-list-input';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { Field } from '@/components/ui/field';

type Output = z.output<typeof createTokenSchema>;

const PRESETS = [
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86_400 },
  { label: '30 days', seconds: 2_592_000 },
  { label: '90 days', seconds: 7_776_000 },
] as const;
const UNITS = { minutes: 60, hours: 3600, days: 86_400 } as const;

const fieldClass = 'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm';

export type CreateTokenResult = ActionResult<{ fullToken: string; token: { description: string } }>;

/**
 * The Generate token form, for personal and application tokens alike: `action` is the server
 * action that creates the token (bound to an application user where it is one).
 */
export function GenerateTokenForm({
  currentIp,
  action,
  scopesNote,
}: {
  currentIp: string | null;
  action: (values: Output) => Promise<CreateTokenResult>;
  scopesNote?: string;
}) {
  const [created, setCreated] = useState<{ fullToken: string; description: string } | null>(null);
  const [maxAgeChoice, setMaxAgeChoice] = useState('2592000');
  const [custom, setCustom] = useState<{ amount: string; unit: keyof typeof UNITS }>({ amount: '', unit: 'days' });
  const [limitScopes, setLimitScopes] = useState(false);

  const { form, field, onSubmit, errors, pending, error: formError } = useActionForm(
    () => import('@/lib/tokens/schema').then((m) => m.createTokenSchema),
    action,
    {
      defaultValues: { description: '', max_age_seconds: 2_592_000, extend_when_used: false, ip_allowlist: [], scopes: [] },
      reset: true,
      onSuccess: (data) => {
        setCreated({ fullToken: data.fullToken, description: data.token.description });
        setMaxAgeChoice('2592000');
        setLimitScopes(false);
      },
    },
  );
  const allowlist = form.watch('ip_allowlist') ?? [];
  const scopes = form.watch('scopes') ?? [];
  const maxAge = form.watch('max_age_seconds');

  const setMaxAge = (value: number | null) => form.setValue('max_age_seconds', value, { shouldValidate: form.formState.isSubmitted });
  const chooseMaxAge = (choice: string) => {
    setMaxAgeChoice(choice);
    if (choice === 'never') setMaxAge(null);
    else if (choice === 'custom') setMaxAge(Number(custom.amount) * UNITS[custom.unit] || Number.NaN);
    else setMaxAge(Number(choice));
  };
  const changeCustom = (next: typeof custom) => {
    setCustom(next);
    setMaxAge(next.amount.trim() === '' ? Number.NaN : Number(next.amount) * UNITS[next.unit]);
  };

  if (created) {
    return (
      <section aria-labelledby="new-token-heading" className="space-y-4">
        <h3 id="new-token-heading" className="font-medium">
          Token “{created.description}” created
        </h3>
        <Alert>Copy this token now. It is shown only once and cannot be shown again.</Alert>
        <div className="flex items-center gap-2">
          <code data-testid="full-token" className="flex-1 break-all rounded-md bg-slate-100 px-3 py-2 font-mono text-sm">
            {created.fullToken}
          </code>
          <CopyButton value={created.fullToken} />
        </div>
        <Button type="button" variant="secondary" onClick={() => setCreated(null)}>
          Done
        </Button>
      </section>
    );
  }

  const anyAllowlistError = Array.isArray(errors.ip_allowlist)
    ? errors.ip_allowlist.find((e) => e?.message)?.message
    : errors.ip_allowlist?.message;

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-5" aria-label="Generate token">
      {formError ? <Alert>{formError}</Alert> : null}
      <Field label="Description" placeholder="CI deploys" {...field('description')} />

      <div className="space-y-1">
        <label htmlFor="max-age" className="block text-sm font-medium text-slate-700">
          Max age
        </label>
        <div className="flex gap-2">
          <select id="max-age" className={fieldClass} value={maxAgeChoice} onChange={(e) => chooseMaxAge(e.target.value)}>
            {PRESETS.map((p) => (
              <option key={p.seconds} value={String(p.seconds)}>
                {p.label}
              </option>
            ))}
            <option value="never">Never expires</option>
            <option value="custom">Custom…</option>
          </select>
          {maxAgeChoice === 'custom' ? (
            <>
              <input
                aria-label="Custom max age"
                inputMode="numeric"
                className={fieldClass}
                value={custom.amount}
                onChange={(e) => changeCustom({ ...custom, amount: e.target.value })}
              />
              <select
                aria-label="Custom max age unit"
                className={fieldClass}
                value={custom.unit}
                onChange={(e) => changeCustom({ ...custom, unit: e.target.value as keyof typeof UNITS })}
              >
                {Object.keys(UNITS).map((unit) => (
                  <option key={unit}>{unit}</option>
                ))}
              </select>
            </>
          ) : null}
        </div>
        {errors.max_age_seconds ? <p className="text-sm text-red-600">{errors.max_age_seconds.message}</p> : null}
        {maxAge === null ? <p className="text-xs text-amber-700">A token that never expires works until someone revokes it.</p> : null}
      </div>

      <div className="space-y-1">
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" disabled={maxAge === null} {...form.register('extend_when_used')} />
          Extend when used: each use moves the expiry a full max age ahead
        </label>
        {errors.extend_when_used ? <p className="text-sm text-red-600">{errors.extend_when_used.message}</p> : null}
      </div>

      <CidrListInput
        label="Allowed IP ranges"
        value={allowlist}
        onChange={(next) => form.setValue('ip_allowlist', next, { shouldValidate: true })}
        currentIp={currentIp}
        error={anyAllowlistError}
      >
        <p className="text-xs text-slate-500">
          Recommended: the token then works only from these addresses (IPv4 or IPv6, single addresses or CIDR ranges). Empty
          means from anywhere.
        </p>
      </CidrListInput>

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-700">Access</legend>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="radio"
            name="scope-mode"
            checked={!limitScopes}
            onChange={() => {
              setLimitScopes(false);
              form.setValue('scopes', []);
            }}
          />
          {scopesNote ?? 'Everything you can do'}
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input type="radio" name="scope-mode" checked={limitScopes} onChange={() => setLimitScopes(true)} />
          Only these scopes
        </label>
        {limitScopes ? (
          <div className="grid grid-cols-3 gap-1 pl-6">
            {SCOPES.map((scope) => (
              <label key={scope} className="flex items-center gap-2 font-mono text-xs">
                <input
                  type="checkbox"
                  checked={scopes.includes(scope)}
                  onChange={(e) =>
                    form.setValue('scopes', e.target.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))
                  }
                />
                {scope}
              </label>
            ))}
          </div>
        ) : null}
        {errors.scopes ? <p className="text-sm text-red-600">{errors.scopes.message}</p> : null}
      </fieldset>

      <Button type="submit" disabled={pending}>
        {pending ? 'Generating…' : 'Generate token'}
      </Button>
    </form>
  );
}
