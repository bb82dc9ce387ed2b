'use client';

import { useState } from 'react';
import { revokeApplicationTokenAction } from '@/app/(console)/admin/application-users/actions';
import type { WireToken } from '@/lib/tokens/wire';
import { ConfirmDialog, useConfirm } from '@/components/forms/confirm-dialog';
import { useAction } from '@/components/forms/use-action';
import { Alert } from '@/components/ui/alert';
import { RowButton } from '@/components/ui/button';
import { Time } from '@/components/ui/time';
import { ACTIONS_COLUMN, DataTable, TimeCell } from '@/components/ui/table';

export function ApplicationTokenList({ userId, tokens }: { userId: string; tokens: WireToken[] }) {
  const confirm = useConfirm<WireToken>();
  const { run, pending, error } = useAction();
  const revoke = () => {
    const token = confirm.target;
    if (token) run(() => revokeApplicationTokenAction({ user_id: userId, prefix: token.token_prefix }), { settled: confirm.close });
  };
  if (tokens.length === 0) return <p className="text-sm text-slate-500">No tokens yet.</p>;
  return (
    <div className="space-y-3">
      {error ? <Alert>{error}</Alert> : null}
      <DataTable columns={['Description', 'Prefix', 'Created', 'Expires', 'Last used', 'Allowed IPs', ACTIONS_COLUMN]}>
            {tokens.map((token) => (
              <tr key={token.token_prefix} data-testid={`app-token-${token.token_prefix}`}>
                <td className="px-4 py-2">{token.description}</td>
                <td className="px-4 py-2 font-mono text-xs">{token.token_prefix}</td>
                <TimeCell value={token.create_time} />
                <td className="px-4 py-2 whitespace-nowrap">
                  <Time value={token.expiry_time} fallback="Never" />
                  {token.extend_when_used ? <span className="block text-xs text-slate-500">extended when used</span> : null}
                </td>
                <td className="px-4 py-2 whitespace-nowrap">
                  <Time value={token.last_used_time} fallback="Never used" />
                  {token.last_ip ? <span className="block font-mono text-xs text-slate-500">{token.last_ip}</span> : null}
                </td>
                <td className="px-4 py-2 font-mono text-xs">{token.ip_allowlist.length ? token.ip_allowlist.join(', ') : 'Any'}</td>
                <td className="px-4 py-2 text-right">
                  <RowButton danger onClick={() => confirm.open(token)}>
                    Revoke
                  </RowButton>
                </td>
              </tr>
            ))}
      </DataTable>
      <ConfirmDialog confirm={confirm} title={`Revoke ${confirm.target?.token_prefix ?? ''}?`} confirmLabel="Revoke" onConfirm={revoke} pending={pending}>
        Anything using this token stops working at once. This cannot be undone.
      </ConfirmDialog>
    </div>
  );
}
