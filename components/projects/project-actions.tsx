'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { moveProjectAction, renameProjectAction } from '@/app/(console)/projects/actions';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';

/** Rename a project, or move a standalone one into the organization being worked in. */
export function ProjectActions({ project, moveInto }: { project: string; moveInto: string | null }) {
  const router = useRouter();
  const [renaming, setRenaming] = useState(false);
  const [moving, setMoving] = useState(false);
  const [name, setName] = useState(project);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const rename = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const result = await renameProjectAction({ project, project_name: name });
    setBusy(false);
    if (!result.ok) {
      setError(result.fieldErrors.project_name?.[0] ?? result.fieldErrors.project?.[0] ?? result.message);
      return;
    }
    setRenaming(false);
    router.refresh();
  };
  const move = async () => {
    setBusy(true);
    const result = await moveProjectAction({ project });
    setBusy(false);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    setMoving(false);
    router.refresh();
  };

  return (
    <div className="flex justify-end gap-2">
      <Button variant="secondary" className="px-3 py-1" onClick={() => (setError(null), setName(project), setRenaming(true))} aria-label={`Rename ${project}`}>
        Rename
      </Button>
      {moveInto ? (
        <Button variant="secondary" className="px-3 py-1" onClick={() => (setError(null), setMoving(true))} aria-label={`Move ${project}`}>
          Move into {moveInto}
        </Button>
      ) : null}
      <Dialog open={renaming} onClose={() => setRenaming(false)} title={`Rename ${project}`}>
        <form onSubmit={rename} className="space-y-4 text-left" aria-label="Rename project">
          <Field
            label="New name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={error ?? undefined}
            hint="API clients and scripts that use the old name stop finding the project."
          />
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setRenaming(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={busy}>
              Rename
            </Button>
          </div>
        </form>
      </Dialog>
      <Dialog open={moving} onClose={() => setMoving(false)} title={`Move ${project} into ${moveInto}?`}>
        <div className="space-y-4 text-left">
          {error ? <Alert>{error}</Alert> : null}
          <p className="text-sm text-slate-700">
            The project and its services then belong to {moveInto}: its members see them, its super admins change them, and its
            authentication policy and IP allowlist apply. Moving it out again is not possible here.
          </p>
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setMoving(false)}>
              Cancel
            </Button>
            <Button type="button" onClick={move} disabled={busy}>
              Move project
            </Button>
          </div>
        </div>
      </Dialog>
    </div>
  );
}
