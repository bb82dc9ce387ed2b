'use client';

import { useMemo, useState } from 'react';
import { checkJwksAction, saveUserConfigAction } from '@/app/(console)/projects/actions';
import { ConfirmDialog, useConfirm } from '@/components/forms/confirm-dialog';
import { useAction } from '@/components/forms/use-action';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { SelectField } from '@/components/ui/select-field';
import { unflattenConfig } from '@/lib/services/merge';
import { configOptions, describeConstraints, typesOf, type ConfigOption, type ServiceType } from '@/lib/services/user-config-schema';
import type { JwksKey } from '@/lib/services/token-tester';

// Advanced configuration, drawn from the service type's user_config JSON Schema: the options in
// use, "Add configuration options" for the others, each with its description and constraints,
// errors beside the field. The browser checks with the same zod schema the server uses (loaded on
// the first save); the server checks again (the signing key with node:crypto). Only what changed is sent, as a patch:
// a removed option as null, the merge rule of the API.

type Draft = string | boolean;
const SIGNING_KEY = 'jwt.signing_key';
type SigningKind = 'public_key' | 'hmac';

function initialDraft(option: ConfigOption, value: unknown): Draft {
  if (typesOf(option.schema).includes('boolean')) return value === true;
  if (option.schema['x-secret']) return '';
  return value === undefined || value === null ? '' : String(value);
}

export function AdvancedConfigForm({
  project,
  service,
  serviceType,
  values,
  signingKey,
  canChange,
}: {
  project: string;
  service: string;
  serviceType: ServiceType;
  /** The saved config as flat keys, secrets masked. */
  values: Record<string, unknown>;
  signingKey: { description: string; kind: SigningKind } | null;
  canChange: boolean;
}) {
  const options = useMemo(() => configOptions(serviceType), [serviceType]);
  const byKey = useMemo(() => new Map(options.map((o) => [o.key, o])), [options]);
  const saved = Object.keys(values).filter((key) => byKey.has(key));
  const [active, setActive] = useState<string[]>(saved);
  const [draft, setDraft] = useState<Record<string, Draft>>(() =>
    Object.fromEntries(options.map((o) => [o.key, initialDraft(o, values[o.key])])),
  );
  const [signingKind, setSigningKind] = useState<SigningKind>(signingKey?.kind ?? 'public_key');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { run, pending: busy, message, setMessage } = useAction();
  const confirm = useConfirm();
  const [jwks, setJwks] = useState<{ ok: true; keys: JwksKey[] } | { ok: false; error: string } | null>(null);

  const available = options.filter((o) => !active.includes(o.key));

  /** The patch of flat keys: changed values, and null for saved options taken away. */
  async function buildPatch(): Promise<{ patch: Record<string, string | number | boolean | null>; errors: Record<string, string> }> {
    const patch: Record<string, string | number | boolean | null> = {};
    const found: Record<string, string> = {};
    for (const key of active) {
      const option = byKey.get(key)!;
      const value = draft[key];
      const types = typesOf(option.schema);
      if (option.schema['x-secret'] && value === '' && saved.includes(key)) continue; // keep the saved secret
      let converted: string | number | boolean;
      if (types.includes('boolean')) converted = value === true;
      else if (types.includes('integer')) {
        const text = String(value).trim();
        if (!/^-?\d+$/.test(text)) {
          found[key] = 'Enter a whole number';
          continue;
        }
        converted = Number(text);
      } else converted = String(value);
      const before = values[key];
      if (!saved.includes(key) || option.schema['x-secret'] || converted !== before) patch[key] = converted;
    }
    for (const key of saved) if (!active.includes(key)) patch[key] = null;
    // The same zod schema as the server, on the patch (the server also checks the merged result).
    // Not for the signing key: only the server reads it (node:crypto), and its answer says why a
    // key is refused and, over the length limit, which form of the key fits. The schema (and zod)
    // loads on the first save, not with the page.
    const { userConfigSchema } = await import('@/lib/services/user-config');
    const result = userConfigSchema(serviceType, 'patch').safeParse(unflattenConfig(patch));
    if (!result.success) {
      for (const issue of result.error.issues) {
        const path = issue.path.join('.');
        if (path !== SIGNING_KEY) found[path] ??= issue.message;
      }
    }
    return { patch, errors: found };
  }

  const restarting = (patch: Record<string, unknown>) => Object.keys(patch).some((key) => byKey.get(key)?.schema['x-rolling-restart']);

  async function save(confirmed: boolean) {
    const { patch, errors: found } = await buildPatch();
    setErrors(found);
    setMessage(null);
    if (Object.keys(found).length > 0) {
      setMessage({ tone: 'error', text: 'Check the highlighted options' });
      return;
    }
    if (Object.keys(patch).length === 0) {
      setMessage({ tone: 'info', text: 'Nothing to save: no option changed' });
      return;
    }
    if (restarting(patch) && !confirmed) {
      confirm.open(true);
      return;
    }
    confirm.close();
    const signing_key_kind = SIGNING_KEY in patch ? signingKind : undefined;
    run(() => saveUserConfigAction({ project, service, patch, signing_key_kind, confirm_rolling_restart: confirmed }), {
      // The server's field messages go beside the options they name; the rest below the list.
      onError: (failure) => {
        const fieldErrors: Record<string, string> = {};
        for (const [field, messages] of Object.entries(failure.fieldErrors)) {
          const key = field.replace(/^user_config\./, '').replace(/^patch\./, '');
          fieldErrors[byKey.has(key) && active.includes(key) ? key : ''] = messages[0]!;
        }
        setErrors(fieldErrors);
      },
      onSuccess: (data) => {
        setDraft((d) => ({ ...d, [SIGNING_KEY]: '' }));
        const changed = data.changedKeys.length;
        return changed ? `Saved: ${changed} option${changed > 1 ? 's' : ''} changed` : 'Saved: nothing changed';
      },
    });
  }

  async function checkJwks() {
    setJwks(null);
    const url = String(draft['kafka.sasl_oauthbearer_jwks_endpoint_url'] ?? '');
    const result = await checkJwksAction({ project, service, url });
    setJwks(result.ok ? result.data : { ok: false, error: result.fieldErrors.url?.[0] ?? result.message });
  }

  return (
    <form
      aria-label="Advanced configuration"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save(false);
      }}
      className="space-y-4"
    >
      {message ? <Alert tone={message.tone}>{message.text}</Alert> : null}
      {active.length === 0 ? <p className="text-sm text-slate-500">No options set: the service uses its defaults.</p> : null}
      {active.map((key) => {
        const option = byKey.get(key)!;
        const { schema } = option;
        const id = `opt-${key.replace(/\./g, '-')}`;
        const error = errors[key];
        const types = typesOf(schema);
        const removable = types.includes('null') || !saved.includes(key);
        const describedBy = `${id}-help${error ? ` ${id}-error` : ''}`;
        const inputClass = `block w-full rounded-md border px-3 py-2 text-sm shadow-sm ${error ? 'border-red-500' : 'border-slate-300'}`;
        return (
          <div key={key} className="rounded-md border border-slate-200 p-3" data-option={key}>
            <div className="flex items-start justify-between gap-4">
              <label htmlFor={id} className="font-mono text-sm font-medium text-slate-800">
                {key}
              </label>
              {canChange && removable ? (
                <Button
                  type="button"
                  variant="ghost"
                  className="px-2 py-0.5 text-xs"
                  aria-label={`Remove ${key}`}
                  onClick={() => setActive((a) => a.filter((k) => k !== key))}
                >
                  Remove
                </Button>
              ) : null}
            </div>
            <p id={`${id}-help`} className="mt-1 text-xs text-slate-600">
              {schema.description} <span className="text-slate-500">({describeConstraints(schema)})</span>
            </p>
            <div className="mt-2">
              {types.includes('boolean') ? (
                <label className="inline-flex items-center gap-2 text-sm">
                  <input
                    id={id}
                    type="checkbox"
                    disabled={!canChange}
                    checked={draft[key] === true}
                    aria-describedby={describedBy}
                    onChange={(e) => setDraft((d) => ({ ...d, [key]: e.target.checked }))}
                  />
                  {draft[key] === true ? 'true' : 'false'}
                </label>
              ) : schema['x-secret'] ? (
                <div className="space-y-2">
                  <fieldset className="flex gap-4 text-sm" disabled={!canChange}>
                    <legend className="sr-only">Signing algorithm</legend>
                    <label className="inline-flex items-center gap-1">
                      <input type="radio" name="signing-kind" checked={signingKind === 'public_key'} onChange={() => setSigningKind('public_key')} />
                      RSA/ECDSA
                    </label>
                    <label className="inline-flex items-center gap-1">
                      <input type="radio" name="signing-kind" checked={signingKind === 'hmac'} onChange={() => setSigningKind('hmac')} />
                      HMAC
                    </label>
                  </fieldset>
                  {saved.includes(key) && signingKey ? (
                    <p className="text-xs text-slate-600">
                      Saved: <span className="font-mono">{signingKey.description}</span>. Leave empty to keep it.
                    </p>
                  ) : null}
                  <textarea
                    id={id}
                    rows={signingKind === 'public_key' ? 5 : 2}
                    disabled={!canChange}
                    spellCheck={false}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={describedBy}
                    placeholder={
                      signingKind === 'public_key'
                        ? '-----BEGIN PUBLIC KEY----- … (the PEM, base64 of the PEM, or base64 of its DER)'
                        : 'the shared secret, base64-encoded (at least 32 bytes)'
                    }
                    className={`${inputClass} font-mono text-xs`}
                    value={String(draft[key])}
                    onChange={(e) => setDraft((d) => ({ ...d, [key]: e.target.value }))}
                  />
                </div>
              ) : (
                <div className="flex gap-2">
                  <input
                    id={id}
                    type={types.includes('integer') ? 'number' : 'text'}
                    disabled={!canChange}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={describedBy}
                    placeholder={schema.example !== undefined ? String(schema.example) : undefined}
                    className={inputClass}
                    value={String(draft[key])}
                    onChange={(e) => setDraft((d) => ({ ...d, [key]: e.target.value }))}
                  />
                  {key === 'kafka.sasl_oauthbearer_jwks_endpoint_url' && canChange ? (
                    <Button type="button" variant="secondary" className="shrink-0" onClick={() => void checkJwks()}>
                      Check JWKS endpoint
                    </Button>
                  ) : null}
                </div>
              )}
              {error ? (
                <p id={`${id}-error`} className="mt-1 text-sm text-red-600">
                  {error}
                </p>
              ) : null}
              {key === 'kafka.sasl_oauthbearer_jwks_endpoint_url' && jwks ? (
                jwks.ok ? (
                  <div className="mt-2 text-sm" role="status">
                    <p>
                      {jwks.keys.length} key{jwks.keys.length > 1 ? 's' : ''} found:
                    </p>
                    <ul aria-label="Keys found" className="mt-1 list-inside list-disc font-mono text-xs">
                      {jwks.keys.map((k, i) => (
                        <li key={i}>
                          kid {k.kid ?? '(none)'} · alg {k.alg ?? '(any)'} · kty {k.kty}
                          {k.crv ? ` (${k.crv})` : ''}
                          {k.use ? ` · use ${k.use}` : ''}
                        </li>
                      ))}
                    </ul>
                  </div>
                ) : (
                  <p role="alert" className="mt-2 text-sm text-red-700">
                    JWKS check failed: {jwks.error}
                  </p>
                )
              ) : null}
            </div>
          </div>
        );
      })}
      {errors[''] ? <p className="text-sm text-red-600">{errors['']}</p> : null}
      {canChange ? (
        <div className="flex flex-wrap items-end gap-3">
          {available.length > 0 ? (
            <SelectField
              id="add-option"
              label="Add configuration options"
              placeholder="Choose an option…"
              options={available.map((o) => o.key)}
              value=""
              onChange={(e) => {
                const key = e.target.value;
                if (!key) return;
                const option = byKey.get(key)!;
                setActive((a) => [...a, key]);
                if (!saved.includes(key) && typeof option.schema.default === 'boolean') setDraft((d) => ({ ...d, [key]: option.schema.default as boolean }));
              }}
            />
          ) : null}
          <Button type="submit" disabled={busy}>
            Save configuration
          </Button>
        </div>
      ) : (
        <p className="text-sm text-slate-500">Only super admins of the project&apos;s organization change its services.</p>
      )}
      <ConfirmDialog
        confirm={confirm}
        title="Restart the Kafka brokers?"
        confirmLabel="Save and restart"
        variant="primary"
        onConfirm={() => void save(true)}
        pending={busy}
      >
        Changing the OAuth2/OIDC settings triggers a rolling restart of the brokers: they restart one by one, and until the last one is
        done some brokers run with the old settings and some with the new. Plan it for a quiet time.
      </ConfirmDialog>
    </form>
  );
}
