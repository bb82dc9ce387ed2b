'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { deleteUnitAction, renameUnitAction } from '@/app/(console)/admin/units/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';

/** Rename and delete one unit (Admin → Units). Deleting is refused while it holds projects. */
export function UnitActions({ unitId, name, projectCount }: { unitId: string; name: string; projectCount: number }) {
  const router = useRouter();
  const [renaming, setRenaming] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [value, setValue] = useState(name);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const rename = (event: React.FormEvent) => {
    event.preventDefault();
    startTransition(async () => {
      const result = await renameUnitAction({ unit_id: unitId, name: value });
      if (!result.ok) return setError(result.fieldErrors.name?.[0] ?? result.fieldErrors.account_name?.[0] ?? result.message);
      setRenaming(false);
      router.refresh();
    });
  };
  const remove = () =>
    startTransition(async () => {
      const result = await deleteUnitAction({ unit_id: unitId });
      if (!result.ok) return setError(result.message);
      setConfirming(false);
      router.refresh();
    });

  return (
    <div className="flex justify-end gap-2">
      <Button variant="secondary" className="px-3 py-1" onClick={() => (setError(null), setValue(name), setRenaming(true))} aria-label={`Rename ${name}`}>
        Rename
      </Button>
      <Button variant="danger" className="px-3 py-1" onClick={() => (setError(null), setConfirming(true))} aria-label={`Delete ${name}`}>
        Delete
      </Button>
      <Dialog open={renaming} onClose={() => setRenaming(false)} title={`Rename ${name}`}>
        <form onSubmit={rename} className="space-y-4 text-left" aria-label="Rename unit">
          <Field label="New name" value={value} onChange={(e) => setValue(e.target.value)} error={error ?? undefined} />
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setRenaming(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={pending}>
              Rename
            </Button>
          </div>
        </form>
      </Dialog>
      <Dialog open={confirming} onClose={() => setConfirming(false)} title={`Delete ${name}?`}>
        <div className="space-y-4 text-left">
          {error ? <Alert>{error}</Alert> : null}
          <p className="text-sm text-slate-700">
            {projectCount === 0
              ? 'The unit holds no projects. It is removed at once; its account ID stops working in the API.'
              : `The unit still holds ${projectCount} project${projectCount === 1 ? '' : 's'}. Move ${projectCount === 1 ? 'it' : 'them'} to the organization or another unit on the Projects page first.`}
          </p>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button type="button" variant="danger" disabled={pending} onClick={remove}>
              Delete unit
            </Button>
          </div>
        </div>
      </Dialog>
    </div>
  );
}
