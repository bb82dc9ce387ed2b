'use client';

import { signIn } from '@/components/sign-in/lazy-sign-in';
import { useState } from 'react';
import { startLinkAction, unlinkIdentityAction } from '@/app/(console)/profile/authentication/actions';
import type { LinkedMethod } from '@/lib/sign-in/identities';
import type { OAuthProviderId } from '@/lib/sign-in/oauth-config';
import { THIRD_PARTY_LABELS } from '@/lib/policy/policy';
import { ConfirmDialog, useConfirm } from '@/components/forms/confirm-dialog';
import { useAction } from '@/components/forms/use-action';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Time } from '@/components/ui/time';

type Identity = Extract<LinkedMethod, { kind: 'identity' }>;

/**
 * Profile → Authentication's list of sign-in methods: the password and every linked account,
 * with Unlink (the server refuses the last way in), and Link for each configured provider.
 */
export function LinkedMethods({
  methods,
  linkable,
  twoFactorOn,
  notice,
  initialError,
}: {
  methods: LinkedMethod[];
  linkable: OAuthProviderId[];
  twoFactorOn: boolean;
  notice: string | null;
  initialError: string | null;
}) {
  const confirm = useConfirm<Identity>();
  const { run, pending: busy, error, router } = useAction({ initialError });
  const onlyOne = methods.length <= 1;

  // On success the provider's page takes over: the buttons stay disabled until it has.
  const link = (provider: OAuthProviderId) =>
    run(() => startLinkAction({ provider }), {
      onSuccess: async () => {
        await signIn(provider, { callbackUrl: '/profile/authentication' });
        return false as const;
      },
    });

  const unlink = () => {
    const identity = confirm.target;
    if (!identity) return;
    run(() => unlinkIdentityAction({ identityId: identity.identityId }), {
      settled: confirm.close,
      onSuccess: (data) => {
        // This session came through the provider just unlinked, and ended with it.
        if (data.signedOut) {
          router.replace('/signin?callbackUrl=%2Fprofile%2Fauthentication');
          return false;
        }
        router.replace('/profile/authentication');
      },
    });
  };

  return (
    <div>
      {notice || error ? (
        <div className="space-y-2 px-6 pt-4">
          {notice ? <Alert tone="info">{notice}</Alert> : null}
          {error ? <Alert>{error}</Alert> : null}
        </div>
      ) : null}
      <ul className="divide-y divide-slate-100" aria-label="Sign-in methods">
        {methods.map((method) => (
          <li key={method.kind === 'password' ? 'password' : method.identityId} className="flex items-center justify-between gap-4 px-6 py-3 text-sm">
            <div>
              <div className="font-medium">{method.label}</div>
              {method.kind === 'identity' ? (
                <div className="text-xs text-slate-500">
                  {method.email ?? 'no address shared'} · linked <Time value={method.createTime} /> · last used <Time value={method.lastUsedTime} fallback="never" />
                </div>
              ) : (
                <div className="text-xs text-slate-500">{twoFactorOn ? 'With two-factor authentication' : 'Password only'}</div>
              )}
            </div>
            {method.kind === 'identity' && onlyOne ? (
              <span className="text-xs text-slate-500">Your only sign-in method: link another before unlinking it</span>
            ) : method.kind === 'identity' ? (
              <Button
                type="button"
                variant="secondary"
                disabled={busy}
                aria-label={`Unlink ${method.label}`}
                onClick={() => confirm.open(method)}
              >
                Unlink
              </Button>
            ) : null}
          </li>
        ))}
        {methods.length === 0 ? <li className="px-6 py-3 text-sm text-slate-500">No sign-in method of your own.</li> : null}
      </ul>
      {linkable.length > 0 ? (
        <div className="flex flex-wrap items-center gap-2 border-t border-slate-200 px-6 py-3">
          <span className="text-sm text-slate-600">Link another account:</span>
          {linkable.map((provider) => (
            <Button key={provider} type="button" variant="secondary" disabled={busy} onClick={() => link(provider)}>
              Link {THIRD_PARTY_LABELS[provider]}
            </Button>
          ))}
        </div>
      ) : null}
      <ConfirmDialog confirm={confirm} title={`Unlink ${confirm.target?.label ?? ''}?`} confirmLabel="Unlink" onConfirm={unlink} pending={busy}>
        You will no longer be able to sign in with this {confirm.target?.label} account
        {confirm.target?.email ? ` (${confirm.target.email})` : ''}. You can link it again later.
      </ConfirmDialog>
    </div>
  );
}
