'use client';

import { useState } from 'react';
import { deleteUnitAction, renameUnitAction } from '@/app/(console)/admin/units/actions';
import { ConfirmDialog, DialogButtons, useConfirm } from '@/components/forms/confirm-dialog';
import { useAction } from '@/components/forms/use-action';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';

/** Rename and delete one unit (Admin → Units). Deleting is refused while it holds projects. */
export function UnitActions({ unitId, name, projectCount }: { unitId: string; name: string; projectCount: number }) {
  const [renaming, setRenaming] = useState(false);
  const confirm = useConfirm();
  const [value, setValue] = useState(name);
  const { run, pending, error, clear } = useAction();

  const rename = (event: React.FormEvent) => {
    event.preventDefault();
    run(() => renameUnitAction({ unit_id: unitId, name: value }), { fields: ['name', 'account_name'], onSuccess: () => setRenaming(false) });
  };
  // The dialog stays open on a refusal (a unit that still holds projects) and says why.
  const remove = () => run(() => deleteUnitAction({ unit_id: unitId }), { onSuccess: () => confirm.close() });

  return (
    <div className="flex justify-end gap-2">
      <Button variant="secondary" className="px-3 py-1" onClick={() => (clear(), setValue(name), setRenaming(true))} aria-label={`Rename ${name}`}>
        Rename
      </Button>
      <Button variant="danger" className="px-3 py-1" onClick={() => (clear(), confirm.open(true))} aria-label={`Delete ${name}`}>
        Delete
      </Button>
      <Dialog open={renaming} onClose={() => setRenaming(false)} title={`Rename ${name}`}>
        <form onSubmit={rename} className="space-y-4 text-left" aria-label="Rename unit">
          <Field label="New name" value={value} onChange={(e) => setValue(e.target.value)} error={error ?? undefined} />
          <DialogButtons onCancel={() => setRenaming(false)} label="Rename" disabled={pending} />
        </form>
      </Dialog>
      <ConfirmDialog confirm={confirm} title={`Delete ${name}?`} confirmLabel="Delete unit" onConfirm={remove} pending={pending} error={error}>
        {projectCount === 0
          ? 'The unit holds no projects. It is removed at once; its account ID stops working in the API.'
          : `The unit still holds ${projectCount} project${projectCount === 1 ? '' : 's'}. Move ${projectCount === 1 ? 'it' : 'them'} to the organization or another unit on the Projects page first.`}
      </ConfirmDialog>
    </div>
  );
}
