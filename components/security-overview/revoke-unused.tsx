'use client';

import { revokeUnusedTokensAction } from '@/app/(console)/admin/security/tokens/actions';
import { ConfirmDialog, useConfirm } from '@/components/forms/confirm-dialog';
import { useAction } from '@/components/forms/use-action';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

/**
 * "Revoke unused tokens…": the page lists them (the preview); this asks for confirmation and
 * revokes exactly the listed ones that are still unused (lib/security-overview/revoke-unused.ts).
 */
export function RevokeUnusedTokens({ tokenIds }: { tokenIds: string[] }) {
  const confirm = useConfirm();
  const { run, pending, error, notice } = useAction();
  const n = tokenIds.length;
  return (
    <div className="space-y-3">
      {error ? <Alert>{error}</Alert> : null}
      {notice ? <Alert tone="info">{notice}</Alert> : null}
      {n ? (
        <Button variant="danger" onClick={() => confirm.open(true)}>
          Revoke {n} unused token{n === 1 ? '' : 's'}…
        </Button>
      ) : null}
      <ConfirmDialog
        confirm={confirm}
        title={`Revoke ${n} unused token${n === 1 ? '' : 's'}?`}
        confirmLabel="Revoke tokens"
        pending={pending}
        onConfirm={() =>
          run(() => revokeUnusedTokensAction({ token_ids: tokenIds }), {
            settled: confirm.close,
            onSuccess: (data) => `${data.count} token${data.count === 1 ? '' : 's'} revoked.`,
          })
        }
      >
        <p>The tokens listed on this page stop working at once. Scripts and integrations that still use one will be refused.</p>
        <p>A token used since this list was shown is kept. The revocation is recorded in the audit log.</p>
      </ConfirmDialog>
    </div>
  );
}
