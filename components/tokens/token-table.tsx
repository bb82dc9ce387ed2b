'use client';

import { useState } from 'react';
import {
  revokeOtherTokensAction,
  revokeTokenAction,
  updateTokenAction,
} from '@/app/(console)/profile/tokens/actions';
import { signInMethodLabel } from '@/lib/policy/policy';
import type { WireToken } from '@/lib/tokens/wire';
import { ConfirmDialog, useConfirm } from '@/components/forms/confirm-dialog';
import { useAction } from '@/components/forms/use-action';
import { Alert } from '@/components/ui/alert';
import { Button, RowButton } from '@/components/ui/button';
import { Time } from '@/components/ui/time';
import { ACTIONS_COLUMN, DataTable } from '@/components/ui/table';
import { LastUsed } from './last-used';

const kindLabel = (token: WireToken, identityProviderNames: Record<string, string>) =>
  `${token.kind === 'session' ? 'Session' : token.kind === 'personal' ? 'Personal token' : 'Application token'} · ${signInMethodLabel(token.auth_method, identityProviderNames)}`;

function DescriptionCell({ token, onError }: { token: WireToken; onError: (message: string) => void }) {
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(token.description);
  const { run, pending, error, clear } = useAction();
  if (!editing) {
    return (
      <div className="flex items-start gap-2">
        <span className="min-w-0 [overflow-wrap:anywhere]">{token.description}</span>
        <button
          type="button"
          className="text-xs text-brand-700 hover:underline"
          aria-label={`Edit description of ${token.token_prefix}`}
          onClick={() => setEditing(true)}
        >
          Edit
        </button>
      </div>
    );
  }
  const save = () =>
    run(() => updateTokenAction({ prefix: token.token_prefix, description: value }), {
      fields: ['description'],
      // A refusal that is not about the description (the token is gone) shows above the table too.
      onError: (failure, text) => {
        if (!failure.fieldErrors.description) onError(text);
      },
      onSuccess: () => setEditing(false),
    });
  return (
    <div className="space-y-1">
      <div className="flex items-center gap-2">
        <input
          aria-label="Description"
          aria-invalid={error ? true : undefined}
          className="w-48 rounded border border-slate-300 px-2 py-1 text-sm"
          value={value}
          autoFocus
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && save()}
        />
        <Button type="button" className="px-2 py-1" disabled={pending} onClick={save}>
          Save
        </Button>
        <RowButton onClick={() => (setEditing(false), setValue(token.description), clear())}>
          Cancel
        </RowButton>
      </div>
      {error ? <p className="text-xs text-red-600">{error}</p> : null}
    </div>
  );
}

export function TokenTable({
  tokens,
  identityProviderNames = {},
}: {
  tokens: WireToken[];
  /** Names of the identity providers that sessions came through, by id (see signInMethodLabel). */
  identityProviderNames?: Record<string, string>;
}) {
  const confirm = useConfirm<{ kind: 'one'; token: WireToken } | { kind: 'others' }>();
  const { run, pending, error, notice, setMessage, router } = useAction();
  const settled = confirm.close;

  const revoke = () => {
    const target = confirm.target;
    if (!target) return;
    if (target.kind === 'others') {
      return run(() => revokeOtherTokensAction({}), {
        settled,
        onSuccess: (data) => `Signed out everywhere else: ${data.revoked} tokens revoked.`,
      });
    }
    const prefix = target.token.token_prefix;
    run(() => revokeTokenAction({ prefix }), {
      settled,
      onSuccess: (data) => {
        if (!data.signedOut) return `Token ${prefix} revoked.`;
        router.replace('/signin');
        return false;
      },
    });
  };

  return (
    <div className="space-y-3">
      {error ? <Alert>{error}</Alert> : null}
      {notice ? <Alert tone="info">{notice}</Alert> : null}
      <div className="flex justify-end">
        <Button type="button" variant="secondary" onClick={() => confirm.open({ kind: 'others' })}>
          Sign out everywhere else
        </Button>
      </div>
      {/* Fits a 1280-pixel window beside the navigation without scrolling sideways: every cell
          may wrap (times between date and time, addresses anywhere); only the prefix may not. */}
      <DataTable compact columns={['Description', 'Prefix', 'Kind', 'Created', 'Expires', 'Last used', ACTIONS_COLUMN]}>
        {tokens.map((token) => (
          <tr key={token.token_prefix} data-testid={`token-row-${token.token_prefix}`} className="align-top">
            <td className="px-3 py-2">
              <DescriptionCell token={token} onError={(text) => setMessage({ tone: 'error', text })} />
            </td>
            <td className="px-3 py-2 font-mono text-xs">
              <span className="whitespace-nowrap">{token.token_prefix}</span>
              {token.currently_active ? (
                <span className="mt-1 block w-fit rounded-full bg-emerald-100 px-2 py-0.5 font-sans text-xs text-emerald-800">Current</span>
              ) : null}
            </td>
            <td className="px-3 py-2">{kindLabel(token, identityProviderNames)}</td>
            <td className="px-3 py-2">
              <Time value={token.create_time} />
            </td>
            <td className="px-3 py-2">
              <Time value={token.expiry_time} fallback="Never" />
            </td>
            <td className="px-3 py-2">
              <LastUsed token={token} wrap />
            </td>
            <td className="px-3 py-2 text-right">
              <RowButton danger onClick={() => confirm.open({ kind: 'one', token })}>
                Revoke
              </RowButton>
            </td>
          </tr>
        ))}
      </DataTable>
      <ConfirmDialog
        confirm={confirm}
        title={confirm.target?.kind === 'others' ? 'Sign out everywhere else?' : `Revoke ${confirm.target?.kind === 'one' ? confirm.target.token.token_prefix : ''}?`}
        confirmLabel={confirm.target?.kind === 'others' ? 'Sign out others' : 'Revoke'}
        onConfirm={revoke}
        pending={pending}
      >
        {confirm.target?.kind === 'others'
          ? 'Every other session and personal token of yours stops working at once. This session stays signed in.'
          : confirm.target?.kind === 'one' && confirm.target.token.currently_active
            ? 'This is the session you are using: revoking it signs you out.'
            : 'Anything using this token stops working at once. This cannot be undone.'}
      </ConfirmDialog>
    </div>
  );
}
