import type { Metadata } from 'next';
import { requireSuperAdmin } from '@/app/_lib/admin';
import { CreateUnitForm } from '@/components/units/form';
import { UnitActions } from '@/components/units/unit-actions';
import { Empty } from '@/components/ui/empty';
import { FormCard } from '@/components/ui/form-card';
import { PageHeader } from '@/components/ui/page-header';
import { ACTIONS_COLUMN, DataTable, TimeCell } from '@/components/ui/table';
import { TextLink } from '@/components/ui/text-link';
import { liveCtx } from '@/lib/context';
import { listUnits } from '@/lib/organizations/units';

export const metadata: Metadata = { title: 'Units · Portcullis' };

export default async function UnitsPage() {
  const { membership } = await requireSuperAdmin();
  const org = membership.organization;
  const units = await listUnits(liveCtx(), org.id);
  return (
    <div className="max-w-4xl space-y-6">
      <PageHeader title="Units">
        Organizational units group the projects of {org.name}, one level deep. A unit has no members, authentication policy, IP
        allowlist or identity providers of its own: those of {org.name} apply to it and to its projects, and its super admins manage
        it. Put a project into a unit on the <TextLink href="/projects">Projects</TextLink> page.
      </PageHeader>
      <FormCard title="New unit">
        <CreateUnitForm />
      </FormCard>
      <section aria-labelledby="units-heading">
        <h2 id="units-heading" className="mb-2 font-medium">
          Units of {org.name}
        </h2>
        {units.length === 0 ? (
          <Empty>No units yet.</Empty>
        ) : (
          <DataTable columns={['Unit', 'Account ID', 'Projects', 'Created', ACTIONS_COLUMN]}>
            {units.map((unit) => (
              <tr key={unit.id} data-testid={`unit-row-${unit.name}`}>
                <td className="px-4 py-2 font-medium">{unit.name}</td>
                <td className="px-4 py-2 font-mono text-xs">{unit.id}</td>
                <td className="px-4 py-2">{unit.projectCount}</td>
                <TimeCell value={unit.createTime} />
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
