'use client';

import { useState } from 'react';
import { deleteServiceAction } from '@/app/(console)/projects/actions';
import { ConfirmDialog, useConfirm } from '@/components/forms/confirm-dialog';
import { useAction } from '@/components/forms/use-action';
import { Button } from '@/components/ui/button';

export function DeleteServiceButton({ project, service, redirectTo }: { project: string; service: string; redirectTo?: string }) {
  const confirm = useConfirm();
  const { run, pending, error, clear, router } = useAction();
  // The dialog stays open on a refusal and says why.
  const remove = () =>
    run(() => deleteServiceAction({ project, service }), {
      refresh: !redirectTo,
      onSuccess: () => {
        confirm.close();
        if (redirectTo) router.push(redirectTo);
      },
    });
  return (
    <>
      <Button variant="secondary" className="px-3 py-1" onClick={() => (clear(), confirm.open(true))} aria-label={`Delete ${service}`}>
        Delete
      </Button>
      <ConfirmDialog confirm={confirm} title={`Delete ${service}?`} confirmLabel="Delete service" onConfirm={remove} pending={pending} error={error}>
        Its configuration, authentication settings included, is removed. This cannot be undone.
      </ConfirmDialog>
    </>
  );
}
