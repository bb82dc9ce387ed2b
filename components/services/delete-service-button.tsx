'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { deleteServiceAction } from '@/app/(console)/projects/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';

export function DeleteServiceButton({ project, service, redirectTo }: { project: string; service: string; redirectTo?: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const remove = async () => {
    setBusy(true);
    const result = await deleteServiceAction({ project, service });
    setBusy(false);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    setOpen(false);
    if (redirectTo) router.push(redirectTo);
    else router.refresh();
  };
  return (
    <>
      <Button variant="secondary" className="px-3 py-1" onClick={() => (setError(null), setOpen(true))} aria-label={`Delete ${service}`}>
        Delete
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Delete ${service}?`}>
        <div className="space-y-4 text-left">
          {error ? <Alert>{error}</Alert> : null}
          <p className="text-sm text-slate-700">Its configuration, authentication settings included, is removed. This cannot be undone.</p>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button variant="danger" onClick={remove} disabled={busy}>
              Delete service
            </Button>
          </div>
        </div>
      </Dialog>
    </>
  );
}
