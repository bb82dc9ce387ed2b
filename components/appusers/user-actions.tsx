'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { deleteApplicationUserAction, updateApplicationUserAction } from '@/app/(console)/admin/application-users/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';

/** Rename and delete for one application user. */
export function ApplicationUserActions({ userId, name, tokenCount }: { userId: string; name: string; tokenCount: number }) {
  const router = useRouter();
  const [renaming, setRenaming] = useState(false);
  const [value, setValue] = useState(name);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [pending, startTransition] = useTransition();

  const rename = () =>
    startTransition(async () => {
      const result = await updateApplicationUserAction({ user_id: userId, name: value });
      if (!result.ok) return setError(result.fieldErrors.name?.[0] ?? result.message);
      setError(null);
      setRenaming(false);
      router.refresh();
    });
  const remove = () =>
    startTransition(async () => {
      const result = await deleteApplicationUserAction({ user_id: userId });
      setConfirming(false);
      if (!result.ok) return setError(result.message);
      router.push('/admin/application-users');
      router.refresh();
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
            <Button type="button" variant="ghost" onClick={() => (setRenaming(false), setValue(name), setError(null))}>
              Cancel
            </Button>
          </>
        ) : (
          <Button type="button" variant="secondary" onClick={() => setRenaming(true)}>
            Rename
          </Button>
        )}
        <Button type="button" variant="danger" onClick={() => setConfirming(true)}>
          Delete
        </Button>
      </div>
      <Dialog open={confirming} onClose={() => setConfirming(false)} title={`Delete ${name}?`}>
        <p className="text-sm text-slate-700">
          {tokenCount === 0
            ? 'It has no tokens. It is removed at once.'
            : `Its ${tokenCount} token${tokenCount === 1 ? '' : 's'} stop working at once. This cannot be undone.`}
        </p>
        <div className="mt-6 flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
          <Button type="button" variant="danger" disabled={pending} onClick={remove}>
            Delete application user
          </Button>
        </div>
      </Dialog>
    </div>
  );
}
