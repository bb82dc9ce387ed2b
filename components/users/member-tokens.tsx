'use client';

import { useState } from 'react';
import { revokeMemberTokenAction } from '@/app/(console)/admin/users/actions';
import { signInMethodLabel } from '@/lib/policy/policy';
import type { WireToken } from '@/lib/tokens/wire';
import { ConfirmDialog, useConfirm } from '@/components/forms/confirm-dialog';
import { useAction } from '@/components/forms/use-action';
import { Alert } from '@/components/ui/alert';
import { RowButton } from '@/components/ui/button';
import { Time } from '@/components/ui/time';
import { ACTIONS_COLUMN, DataTable } from '@/components/ui/table';
import { LastUsed } from '@/components/tokens/last-used';

const KIND_LABELS = { session: 'Login session', personal: 'Personal token', application: 'Application token' } as const;

/** A member's login sessions and personal tokens on their page, each with Revoke. */
export function MemberTokens({
  userId,
  email,
  tokens,
  identityProviderNames,
  now,
}: {
  userId: string;
  email: string;
  tokens: WireToken[];
  identityProviderNames: Record<string, string>;
  now: string;
}) {
  const confirm = useConfirm<WireToken>();
  const { run, pending, error, notice } = useAction();

  const revoke = () => {
    const token = confirm.target;
    if (!token) return;
    run(() => revokeMemberTokenAction({ user_id: userId, prefix: token.token_prefix }), {
      settled: confirm.close,
      onSuccess: (data) => `${data.kind === 'session' ? 'Session' : 'Token'} ${data.prefix} of ${email} revoked.`,
    });
  };

  return (
    <div className="space-y-3">
      {error ? <Alert>{error}</Alert> : null}
      {notice ? <Alert tone="info">{notice}</Alert> : null}
      {tokens.length === 0 ? (
        <p className="text-sm text-slate-500">No sessions or tokens.</p>
      ) : (
        <DataTable columns={['Kind', 'Description', 'Prefix', 'Created · expires', 'Last used', ACTIONS_COLUMN]}>
          {tokens.map((token) => {
            const expired = token.expiry_time !== null && token.expiry_time <= now;
            return (
              <tr key={token.token_prefix} data-testid={`member-token-${token.token_prefix}`}>
                <td className="px-3 py-2">
                  <div className="whitespace-nowrap">{KIND_LABELS[token.kind]}</div>
                  <div className="text-xs text-slate-500">via {signInMethodLabel(token.auth_method, identityProviderNames)}</div>
                </td>
                <td className="max-w-48 px-3 py-2 break-words">{token.description || <span className="text-slate-400">—</span>}</td>
                <td className="px-3 py-2 font-mono text-xs whitespace-nowrap">
                  {token.token_prefix}
                  {token.currently_active ? (
                    <span className="mt-1 block w-fit rounded-full bg-emerald-100 px-2 py-0.5 font-sans text-xs text-emerald-800">Yours, current</span>
                  ) : null}
                </td>
                <td className="px-3 py-2 whitespace-nowrap">
                  <Time value={token.create_time} />
                  <div className="text-xs text-slate-500" data-testid="expires">
                    {token.expiry_time ? (
                      <>
                        {expired ? 'expired ' : 'expires '}
                        <Time value={token.expiry_time} />
                      </>
                    ) : (
                      'never expires'
                    )}
                  </div>
                </td>
                <td className="px-3 py-2">
                  <LastUsed token={token} />
                </td>
                <td className="px-3 py-2 text-right">
                  <RowButton danger aria-label={`Revoke ${token.token_prefix}`} onClick={() => confirm.open(token)}>
                    Revoke
                  </RowButton>
                </td>
              </tr>
            );
          })}
        </DataTable>
      )}
      <ConfirmDialog confirm={confirm} title={`Revoke ${confirm.target?.token_prefix ?? ''} of ${email}?`} confirmLabel="Revoke" onConfirm={revoke} pending={pending}>
        {confirm.target?.kind === 'session'
          ? `That login session of ${email} ends at once: they are signed out there.`
          : `Anything using this token stops working at once. This cannot be undone.`}
      </ConfirmDialog>
    </div>
  );
}
