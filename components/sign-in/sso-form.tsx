'use client';

import { useState } from 'react';
import { findSsoProvidersAction } from '@/app/signin/actions';
import { useAction } from '@/components/forms/use-action';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';

type Provider = { name: string; loginUrl: string };

/** "Sign in with SSO": find the identity provider by email (its verified domain) or organization ID, then go there. */
export function SsoSignIn({ returnTo = '/' }: { returnTo?: string }) {
  // Where to land after the IdP: the page that asked for sign-in (checked again by the server).
  const withReturn = (loginUrl: string) => (returnTo === '/' ? loginUrl : `${loginUrl}${loginUrl.includes('?') ? '&' : '?'}return_to=${encodeURIComponent(returnTo)}`);
  const [by, setBy] = useState<'email' | 'organization'>('email');
  const [value, setValue] = useState('');
  const [providers, setProviders] = useState<Provider[] | null>(null);
  const { run, pending, error, clear } = useAction();

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    setProviders(null);
    run(() => findSsoProvidersAction(by === 'email' ? { email: value } : { organization: value }), {
      refresh: false,
      // The field's own message for a malformed entry; a lookup that found nothing says so itself.
      errorText: (failure) => (failure.message === 'Check the highlighted fields' ? (failure.fieldErrors[by]?.[0] ?? failure.message) : failure.message),
      onSuccess: (data) => {
        if (data.providers.length === 1) window.location.assign(withReturn(data.providers[0]!.loginUrl));
        else setProviders(data.providers);
      },
    });
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Sign in with SSO" className="space-y-4">
      <div className="flex gap-4 text-sm" role="radiogroup" aria-label="Find your identity provider by">
        <label className="flex items-center gap-1">
          <input type="radio" name="sso-by" checked={by === 'email'} onChange={() => (setBy('email'), clear())} /> By email
        </label>
        <label className="flex items-center gap-1">
          <input type="radio" name="sso-by" checked={by === 'organization'} onChange={() => (setBy('organization'), clear())} /> By organization
        </label>
      </div>
      {error ? <Alert>{error}</Alert> : null}
      {by === 'email' ? (
        <Field label="Work email" type="email" autoComplete="username" value={value} onChange={(e) => setValue(e.target.value)} />
      ) : (
        <Field label="Organization ID" placeholder="org… or account ID" value={value} onChange={(e) => setValue(e.target.value)} />
      )}
      {providers ? (
        <ul className="space-y-2" aria-label="Identity providers">
          {providers.map((p) => (
            <li key={p.loginUrl}>
              <a className="block rounded-md border border-slate-300 px-3 py-2 text-sm font-medium hover:bg-slate-50" href={withReturn(p.loginUrl)}>
                Continue with {p.name}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      <Button type="submit" className="w-full" disabled={pending || !value.trim()}>
        {pending ? 'Looking up…' : 'Continue with SSO'}
      </Button>
    </form>
  );
}
