import type { Metadata } from 'next';
import Link from 'next/link';
import { requireConsole } from '@/app/_lib/session';
import { CreateProjectForm } from '@/components/projects/form';
import { ProjectActions, type MoveDestination } from '@/components/projects/project-actions';
import { liveCtx } from '@/lib/context';
import { listUnits } from '@/lib/organizations/units';
import { listProjects } from '@/lib/projects/manage';
import { ACTIONS_COLUMN, DataTable, TimeCell } from '@/components/ui/table';
import { PageHeader } from '@/components/ui/page-header';
import { FormCard } from '@/components/ui/form-card';
import { Empty } from '@/components/ui/empty';

export const metadata: Metadata = { title: 'Projects · Portcullis' };

export default async function ProjectsPage() {
  const { principal, membership } = await requireConsole();
  const ctx = liveCtx();
  const org = membership?.organization ?? null;
  const isSuperAdmin = membership?.isSuperAdmin ?? false;
  const inOrg = org ? (await listProjects({ ctx, principal, organizationId: org.id })).filter((p) => p.project.organizationId === org.id) : [];
  const standalone = (await listProjects({ ctx, principal })).filter((p) => p.project.organizationId === null);
  const units = org ? await listUnits(ctx, org.id) : [];
  // Where a super admin may put a project: the organization's own level, or one of its units.
  const destinations: MoveDestination[] =
    org && isSuperAdmin
      ? [
          { accountId: org.accountId, label: `${org.name} (organization level)` },
          ...units.map((unit) => ({ accountId: unit.id, label: `Unit: ${unit.name}` })),
        ]
      : [];
  return (
    <div className="max-w-4xl space-y-6">
      <PageHeader title="Projects">
        Projects hold services whose authentication settings Portcullis keeps: Kafka OAuth2/OIDC and OpenSearch JWT. A project in
        {org ? ` ${org.name}` : ' an organization'} follows its authentication policy and IP allowlist; its members see it and its super
        admins change it. So does a project in one of its units{isSuperAdmin ? ' (Admin → Units)' : ''}.
      </PageHeader>
      {isSuperAdmin ? (
        <FormCard title="New project">
          <CreateProjectForm />
        </FormCard>
      ) : null}
      <section aria-labelledby="org-projects">
        <h2 id="org-projects" className="mb-2 font-medium">
          {org ? `Projects of ${org.name}` : 'Projects'}
        </h2>
        {inOrg.length === 0 ? (
          <Empty>No projects yet.</Empty>
        ) : (
          <ProjectTable rows={inOrg} canChange={isSuperAdmin} showUnit={units.length > 0} organizationName={org?.name ?? null} destinations={units.length > 0 ? destinations : []} />
        )}
      </section>
      {standalone.length > 0 ? (
        <section aria-labelledby="standalone-projects">
          <h2 id="standalone-projects" className="mb-1 font-medium">
            Your standalone projects
          </h2>
          <p className="mb-2 text-sm text-slate-600">
            Projects you created outside any organization (through the API). Only you reach them.
            {isSuperAdmin && org ? ` Move one into ${org.name} to put it under the organization's rules.` : ''}
          </p>
          <ProjectTable rows={standalone} canChange organizationName={org?.name ?? null} destinations={destinations} />
        </section>
      ) : null}
    </div>
  );
}

function ProjectTable({
  rows,
  canChange,
  showUnit = false,
  organizationName,
  destinations,
}: {
  rows: Awaited<ReturnType<typeof listProjects>>;
  canChange: boolean;
  showUnit?: boolean;
  organizationName: string | null;
  destinations: MoveDestination[];
}) {
  return (
    <DataTable columns={showUnit ? ['Project', 'Unit', 'Created', ACTIONS_COLUMN] : ['Project', 'Created', ACTIONS_COLUMN]}>
          {rows.map(({ project, organization, unit }) => (
            <tr key={project.id} data-testid={`project-row-${project.name}`}>
              <td className="px-4 py-2">
                <Link className="font-medium text-brand-700 hover:underline" href={`/projects/${project.name}`}>
                  {project.name}
                </Link>
              </td>
              {showUnit ? <td className="px-4 py-2">{unit ? unit.name : <span className="text-slate-500">Organization level</span>}</td> : null}
              <TimeCell value={project.createTime} />
              <td className="px-4 py-2 text-right">
                {canChange ? (
                  <ProjectActions
                    project={project.name}
                    organizationName={organizationName}
                    destinations={destinations}
                    currentAccountId={unit?.id ?? organization?.accountId ?? null}
                  />
                ) : null}
              </td>
            </tr>
          ))}
    </DataTable>
  );
}
