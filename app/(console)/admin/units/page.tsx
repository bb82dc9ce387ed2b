import type { Metadata } from 'next';
import Link from 'next/link';
import { requireSuperAdmin } from '@/app/_lib/admin';
import { CreateUnitForm } from '@/components/units/create-unit-form';
import { UnitActions } from '@/components/units/unit-actions';
import { Card } from '@/components/ui/card';
import { ACTIONS_COLUMN, DataTable } from '@/components/ui/table';
import { Time } from '@/components/ui/time';
import { liveCtx } from '@/lib/context';
import { listUnits } from '@/lib/organizations/units';

export const metadata: Metadata = { title: 'Units · Portcullis' };

export default async function UnitsPage() {
  const { membership } = await requireSuperAdmin();
  const org = membership.organization;
  const units = listUnits(liveCtx(), org.id);
  return (
    <div className="max-w-4xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Units</h1>
        <p className="mt-1 text-sm text-slate-600">
          Organizational units group the projects of {org.name}, one level deep. A unit has no members, authentication policy, IP
          allowlist or identity providers of its own: those of {org.name} apply to it and to its projects, and its super admins manage
          it. Put a project into a unit on the <Link className="text-brand-700 hover:underline" href="/projects">Projects</Link> page.
        </p>
      </div>
      <Card className="p-6">
        <h2 className="mb-4 font-medium">New unit</h2>
        <CreateUnitForm />
      </Card>
      <section aria-labelledby="units-heading">
        <h2 id="units-heading" className="mb-2 font-medium">
          Units of {org.name}
        </h2>
        {units.length === 0 ? (
          <p className="text-sm text-slate-500">No units yet.</p>
        ) : (
          <DataTable columns={['Unit', 'Account ID', 'Projects', 'Created', ACTIONS_COLUMN]}>
            {units.map((unit) => (
              <tr key={unit.id} data-testid={`unit-row-${unit.name}`}>
                <td className="px-4 py-2 font-medium">{unit.name}</td>
                <td className="px-4 py-2 font-mono text-xs">{unit.id}</td>
                <td className="px-4 py-2">{unit.projectCount}</td>
                <td className="px-4 py-2 whitespace-nowrap">
                  <Time value={unit.createTime} />
                </td>
                <td className="px-4 py-2 text-right">
                  <UnitActions unitId={unit.id} name={unit.name} projectCount={unit.projectCount} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </div>
  );
}
