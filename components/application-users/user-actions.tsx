'use client';

import { useState } from 'react';
import { deleteApplicationUserAction, updateApplicationUserAction } from '@/app/(console)/admin/application-users/actions';
import { ConfirmDialog, useConfirm } from '@/components/forms/confirm-dialog';
import { useAction } from '@/components/forms/use-action';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

/** Rename and delete for one application user. */
export function ApplicationUserActions({ userId, name, tokenCount }: { userId: string; name: string; tokenCount: number }) {
  const [renaming, setRenaming] = useState(false);
  const [value, setValue] = useState(name);
  const confirm = useConfirm();
  const { run, pending, error, clear, router } = useAction();

  const rename = () =>
    run(() => updateApplicationUserAction({ user_id: userId, name: value }), { fields: ['name'], onSuccess: () => setRenaming(false) });
  const remove = () =>
    run(() => deleteApplicationUserAction({ user_id: userId }), {
      settled: confirm.close,
      onSuccess: () => router.push('/admin/application-users'),
    });

  return (
    <div className="space-y-2">
      {error ? <Alert>{error}</Alert> : null}
      <div className="flex flex-wrap items-center gap-2">
        {renaming ? (
          <>
            <input
              aria-label="New name"
              className="rounded-md border border-slate-300 px-2 py-1.5 text-sm"
              value={value}
              onChange={(e) => setValue(e.target.value)}
            />
            <Button type="button" disabled={pending} onClick={rename}>
              Save name
            </Button>
            <Button type="button" variant="ghost" onClick={() => (setRenaming(false), setValue(name), clear())}>
              Cancel
            </Button>
          </>
        ) : (
          <Button type="button" variant="secondary" onClick={() => setRenaming(true)}>
            Rename
          </Button>
        )}
        <Button type="button" variant="danger" onClick={() => confirm.open(true)}>
          Delete
        </Button>
      </div>
      <ConfirmDialog confirm={confirm} title={`Delete ${name}?`} confirmLabel="Delete application user" onConfirm={remove} pending={pending}>
        {tokenCount === 0
          ? 'It has no tokens. It is removed at once.'
          : `Its ${tokenCount} token${tokenCount === 1 ? '' : 's'} stop working at once. This cannot be undone.`}
      </ConfirmDialog>
    </div>
  );
}
