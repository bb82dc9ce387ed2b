'use client';

import { useState } from 'react';
import { moveProjectAction, renameProjectAction } from '@/app/(console)/projects/actions';
import { DialogButtons } from '@/components/forms/confirm-dialog';
import { useAction } from '@/components/forms/use-action';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Field } from '@/components/ui/field';
import { SelectField } from '@/components/ui/select-field';

/** A place a project can be moved to: the organization's own level, or one of its units. */
export type MoveDestination = { accountId: string; label: string };

/**
 * Rename a project, or move it: a standalone one into the organization being worked in (or a unit
 * of it), one of the organization's between its own level and its units.
 */
export function ProjectActions({
  project,
  organizationName,
  destinations,
  currentAccountId,
}: {
  project: string;
  organizationName: string | null;
  /** Where it may go; empty: no move offered. */
  destinations: MoveDestination[];
  /** Where it is now (null: standalone). */
  currentAccountId: string | null;
}) {
  const [renaming, setRenaming] = useState(false);
  const [moving, setMoving] = useState(false);
  const [name, setName] = useState(project);
  const others = destinations.filter((d) => d.accountId !== currentAccountId);
  const [destination, setDestination] = useState(others[0]?.accountId ?? '');
  const { run, pending: busy, error, clear } = useAction();
  const chosen = others.find((d) => d.accountId === destination) ?? others[0];
  const standalone = currentAccountId === null;

  const rename = (event: React.FormEvent) => {
    event.preventDefault();
    run(() => renameProjectAction({ project, project_name: name }), { fields: ['project_name', 'project'], onSuccess: () => setRenaming(false) });
  };
  const move = (event: React.FormEvent) => {
    event.preventDefault();
    if (!chosen) return;
    run(() => moveProjectAction({ project, account_id: chosen.accountId }), { onSuccess: () => setMoving(false) });
  };

  return (
    <div className="flex justify-end gap-2">
      <Button variant="secondary" className="px-3 py-1" onClick={() => (clear(), setName(project), setRenaming(true))} aria-label={`Rename ${project}`}>
        Rename
      </Button>
      {others.length > 0 ? (
        <Button
          variant="secondary"
          className="px-3 py-1"
          onClick={() => (clear(), setDestination(others[0]!.accountId), setMoving(true))}
          aria-label={`Move ${project}`}
        >
          {standalone ? `Move into ${organizationName}` : 'Move'}
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
          <DialogButtons onCancel={() => setRenaming(false)} label="Rename" disabled={busy} />
        </form>
      </Dialog>
      <Dialog open={moving} onClose={() => setMoving(false)} title={`Move ${project}`}>
        <form onSubmit={move} className="space-y-4 text-left" aria-label="Move project">
          {error ? <Alert>{error}</Alert> : null}
          <SelectField
            label="Move to"
            options={others.map((d) => ({ value: d.accountId, label: d.label }))}
            value={chosen?.accountId ?? ''}
            onChange={(e) => setDestination(e.target.value)}
          />
          <p className="text-sm text-slate-700">
            {standalone
              ? `The project and its services then belong to ${organizationName}: its members see them, its super admins change them, and its authentication policy and IP allowlist apply. Moving it out again is not possible here.`
              : `A unit follows ${organizationName}'s rules: the same members see the project, the same super admins change it, and the organization's authentication policy and IP allowlist apply wherever in ${organizationName} it is.`}
          </p>
          <DialogButtons onCancel={() => setMoving(false)} label="Move project" disabled={busy || !chosen} />
        </form>
      </Dialog>
    </div>
  );
}
