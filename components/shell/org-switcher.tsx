'use client';

import { useRouter } from 'next/navigation';
import { useTransition } from 'react';
import { switchOrganizationAction } from '@/app/(console)/actions';

export type OrgOption = { id: string; name: string };

// In the layout, on every console page: it keeps to what it needs (no form helpers), so that
// the pages' first-load script stays small (issue 18).
export function OrgSwitcher({ current, options }: { current: OrgOption | null; options: OrgOption[] }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
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
          // Refreshed whatever the answer: a refusal (the organization is gone) shows the current one again.
          startTransition(async () => {
            await switchOrganizationAction({ organizationId });
            router.refresh();
          });
        }}
      >
        {options.map((option) => (
          <option key={option.id} value={option.id}>
            {option.name}
          </option>
        ))}
      </select>
    </label>
  );
}
