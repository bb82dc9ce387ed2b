import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { pageProjectAccess } from '@/app/_lib/project';
import { requireConsole } from '@/app/_lib/session';
import { AdvancedConfigForm } from '@/components/services/advanced-config-form';
import { ApplyToCluster } from '@/components/services/apply-to-cluster';
import { DeleteServiceButton } from '@/components/services/delete-service-button';
import { TokenTester } from '@/components/services/token-tester';
import { Card } from '@/components/ui/card';
import { liveCtx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { configExportQuerySchema } from '@/lib/services/config-export-schema';
import { getService, mayChangeService } from '@/lib/services/manage';
import { maskedFlatUserConfig } from '@/lib/services/secrets';
import { isPlainObject } from '@/lib/services/merge';
import { describeSigningKey, storedSigningKey } from '@/lib/services/signing-key';

export const metadata: Metadata = { title: 'Service · Portcullis' };

const TYPE_LABELS = { kafka: 'Apache Kafka', opensearch: 'OpenSearch' } as const;

export default async function ServicePage({
  params,
  searchParams,
}: {
  params: Promise<{ project: string; service: string }>;
  searchParams: Promise<{ kafka_version?: string | string[] }>;
}) {
  const session = await requireConsole();
  const { project: rawProject, service: rawService } = await params;
  // "Apply to your cluster": the Kafka version chosen by its links; anything else is the default.
  const chosen = configExportQuerySchema.shape.kafka_version.safeParse((await searchParams).kafka_version);
  const kafkaVersion = chosen.success ? chosen.data : '4';
  const access = await pageProjectAccess(session, decodeURIComponent(rawProject));
  let service;
  try {
    service = await getService({ ctx: liveCtx(), access, name: decodeURIComponent(rawService) });
  } catch (error) {
    if (error instanceof AppError && error.status === 404) notFound();
    throw error;
  }
  const canChange = mayChangeService({ principal: session.principal, access });
  const jwt = isPlainObject(service.userConfig.jwt) ? service.userConfig.jwt : {};
  const signingKey = typeof jwt.signing_key === 'string' ? jwt.signing_key : null;
  const project = access.project.name;
  return (
    <div className="max-w-4xl space-y-6">
      <div className="flex items-start justify-between">
        <div>
          <p className="text-sm">
            <Link href="/projects" className="text-brand-700 hover:underline">
              Projects
            </Link>{' '}
            /{' '}
            <Link href={`/projects/${project}`} className="text-brand-700 hover:underline">
              {project}
            </Link>
          </p>
          <h1 className="text-2xl font-semibold">{service.name}</h1>
          <p className="mt-1 text-sm text-slate-600">
            {TYPE_LABELS[service.serviceType]} · plan {service.plan} · {service.state}
          </p>
        </div>
        {canChange ? <DeleteServiceButton project={project} service={service.name} redirectTo={`/projects/${project}`} /> : null}
      </div>
      <Card className="p-6">
        <h2 className="font-medium">Advanced configuration</h2>
        <p className="mt-1 mb-4 text-sm text-slate-600">
          {service.serviceType === 'kafka'
            ? 'OAuth2/OIDC (SASL OAUTHBEARER): setting the JWKS endpoint URL turns it on. Changes restart the brokers one by one.'
            : 'JWT authentication: OpenSearch verifies tokens against a known signing key.'}
        </p>
        <AdvancedConfigForm
          project={project}
          service={service.name}
          serviceType={service.serviceType}
          values={maskedFlatUserConfig(service)}
          signingKey={signingKey ? { description: describeSigningKey(signingKey), kind: storedSigningKey(signingKey)?.kind ?? 'hmac' } : null}
          canChange={canChange}
        />
      </Card>
      <ApplyToCluster
        service={service}
        basePath={`/projects/${encodeURIComponent(project)}/services/${encodeURIComponent(service.name)}`}
        kafkaVersion={kafkaVersion}
        mayChange={canChange}
      />
      <Card className="p-6">
        <h2 className="font-medium">Token tester</h2>
        <p className="mt-1 mb-4 text-sm text-slate-600">
          Paste a JWT to see, check by check, whether this service would accept it with its saved settings. The token is not stored.
        </p>
        {canChange || service.serviceType !== 'kafka' ? (
          <TokenTester project={project} service={service.name} />
        ) : (
          <p className="text-sm text-slate-600">Testing a token fetches the service’s JWKS URL: only those who may change this service can do that.</p>
        )}
      </Card>
    </div>
  );
}
