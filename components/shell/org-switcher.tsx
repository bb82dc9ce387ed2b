'use client';

import { switchOrganizationAction } from '@/app/(console)/actions';
import { useAction } from '@/components/forms/use-action';
import { SelectOptions } from '@/components/ui/select-field';

export type OrgOption = { id: string; name: string };

export function OrgSwitcher({ current, options }: { current: OrgOption | null; options: OrgOption[] }) {
  const { run, pending } = useAction();
  if (!current) return <span className="text-sm text-slate-500">No organization</span>;
  if (options.length < 2) {
    return (
      <span className="text-sm font-medium" data-testid="current-organization">
        {current.name}
      </span>
    );
  }
  return (
    <label className="flex items-center gap-2 text-sm">
      <span className="sr-only">Organization</span>
      <select
        aria-label="Organization"
        data-testid="current-organization"
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm font-medium"
        value={current.id}
        disabled={pending}
        onChange={(event) => {
          const organizationId = event.target.value;
          run(() => switchOrganizationAction({ organizationId }), { refresh: 'always' });
        }}
      >
        <SelectOptions options={options.map((option) => ({ value: option.id, label: option.name }))} />
      </select>
    </label>
  );
}
