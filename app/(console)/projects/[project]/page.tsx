import type { Metadata } from 'next';
import Link from 'next/link';
import { pageProjectAccess } from '@/app/_lib/project';
import { requireConsole } from '@/app/_lib/session';
import { CreateServiceForm } from '@/components/services/form';
import { DeleteServiceButton } from '@/components/services/delete-service-button';
import { liveCtx } from '@/lib/context';
import { listServices } from '@/lib/services/manage';
import { SERVICE_PLANS } from '@/lib/services/user-config-schema';
import { ACTIONS_COLUMN, DataTable, TimeCell } from '@/components/ui/table';
import { FormCard } from '@/components/ui/form-card';
import { Empty } from '@/components/ui/empty';

export const metadata: Metadata = { title: 'Project · Portcullis' };

const TYPE_LABELS = { kafka: 'Apache Kafka', opensearch: 'OpenSearch' } as const;

export default async function ProjectPage({ params }: { params: Promise<{ project: string }> }) {
  const session = await requireConsole();
  const access = await pageProjectAccess(session, decodeURIComponent((await params).project));
  const services = await listServices({ ctx: liveCtx(), access });
  const canChange = !access.membership || access.membership.isSuperAdmin;
  const name = access.project.name;
  return (
    <div className="max-w-4xl space-y-6">
      <div>
        <p className="text-sm">
          <Link href="/projects" className="text-brand-700 hover:underline">
            Projects
          </Link>
        </p>
        <h1 className="text-2xl font-semibold">{name}</h1>
        <p className="mt-1 text-sm text-slate-600">
          {access.organization
            ? access.unit
              ? `In unit ${access.unit.name} of organization ${access.organization.name}, under the organization's rules.`
              : `In organization ${access.organization.name}.`
            : 'Standalone: only you reach it.'}{' '}
          Portcullis keeps the
          configuration of these services; it does not run them.
        </p>
      </div>
      {canChange ? (
        <FormCard title="New service">
          <CreateServiceForm project={name} plans={SERVICE_PLANS} />
        </FormCard>
      ) : null}
      <section aria-labelledby="services-heading">
        <h2 id="services-heading" className="mb-2 font-medium">
          Services
        </h2>
        {services.length === 0 ? (
          <Empty>No services yet.</Empty>
        ) : (
          <DataTable columns={['Service', 'Type', 'Plan', 'State', 'Created', ACTIONS_COLUMN]}>
                {services.map((service) => (
                  <tr key={service.id}>
                    <td className="px-4 py-2">
                      <Link className="font-medium text-brand-700 hover:underline" href={`/projects/${name}/services/${service.name}`}>
                        {service.name}
                      </Link>
                    </td>
                    <td className="px-4 py-2">{TYPE_LABELS[service.serviceType]}</td>
                    <td className="px-4 py-2">{service.plan}</td>
                    <td className="px-4 py-2">{service.state}</td>
                    <TimeCell value={service.createTime} />
                    <td className="px-4 py-2 text-right">{canChange ? <DeleteServiceButton project={name} service={service.name} /> : null}</td>
                  </tr>
                ))}
          </DataTable>
        )}
      </section>
    </div>
  );
}
