import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { CopyButton } from '@/components/ui/copy-button';
import { AppError } from '@/lib/errors';
import { exportFormatOf, exportServiceConfig, SIGNING_KEY_PLACEHOLDER, type ExportableService } from '@/lib/services/config-export';
import { KAFKA_VERSION_LABELS, KAFKA_VERSIONS, type KafkaVersion } from '@/lib/services/config-export-schema';

// "Apply to your cluster" on a service page: the file the saved settings make
// (lib/services/config-export.ts), rendered on the server. The Kafka version is a link (a query
// parameter), Download a data: URL with the file name: neither needs JavaScript. Copy is the
// shared CopyButton, already in other pages' bundles. A secret (OpenSearch's signing key) is never
// written into the page, as the settings form above never shows it: those who may change the
// service get the file with it from the API (GET .../config-export).

const linkButton =
  'inline-flex items-center justify-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-800 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600';

export function ApplyToCluster({
  service,
  basePath,
  kafkaVersion,
  mayChange,
}: {
  service: ExportableService;
  basePath: string;
  kafkaVersion: KafkaVersion;
  /** Whether the viewer may change the service (and so fetch the file with its secret through the API). */
  mayChange: boolean;
}) {
  const isKafka = service.serviceType === 'kafka';
  let file: ReturnType<typeof exportServiceConfig> | null = null;
  let reason: string | null = null;
  try {
    file = exportServiceConfig(service, { format: exportFormatOf(service.serviceType), kafka_version: kafkaVersion }, { revealSecrets: false });
  } catch (error) {
    if (!(error instanceof AppError) || error.status !== 409) throw error;
    reason = error.message;
  }
  return (
    <Card className="p-6">
      <section aria-labelledby="apply-to-cluster">
        <h2 id="apply-to-cluster" className="font-medium">
          Apply to your cluster
        </h2>
        <p className="mt-1 mb-4 text-sm text-slate-600">
          {isKafka
            ? 'The broker properties these saved OAUTHBEARER settings mean: add them to each broker’s server.properties.'
            : 'The security plugin’s config.yml these saved JWT settings mean: merge its jwt_auth_domain into yours and load it with securityadmin.sh.'}
        </p>
        {isKafka ? (
          <nav aria-label="Kafka version" className="mb-4 inline-flex rounded-md border border-slate-300 p-0.5 text-sm">
            {KAFKA_VERSIONS.map((version) => (
              <Link
                key={version}
                href={`${basePath}?kafka_version=${version}`}
                scroll={false}
                replace
                aria-current={version === kafkaVersion ? 'page' : undefined}
                className={
                  version === kafkaVersion
                    ? 'rounded bg-brand-600 px-3 py-1 font-medium text-white'
                    : 'rounded px-3 py-1 text-slate-700 hover:bg-slate-100'
                }
              >
                {KAFKA_VERSION_LABELS[version]}
              </Link>
            ))}
          </nav>
        ) : null}
        {file ? (
          <>
            <pre
              aria-label={file.filename}
              className="max-h-96 overflow-auto rounded-md bg-slate-900 p-4 font-mono text-xs leading-relaxed text-slate-100"
            >
              {file.body}
            </pre>
            {mayChange && file.body.includes(SIGNING_KEY_PLACEHOLDER) ? (
              <p className="mt-2 text-sm text-slate-600">
                The signing key is not shown on this page, as the form above does not show it: put in the key you saved, or get the file
                with the key from <code>GET /v1/project/…/service/{service.name}/config-export</code> with a token that may change this service.
              </p>
            ) : null}
            <div className="mt-3 flex gap-2">
              <CopyButton value={file.body} />
              <a className={linkButton} href={`data:text/plain;charset=utf-8,${encodeURIComponent(file.body)}`} download={file.filename}>
                Download
              </a>
            </div>
          </>
        ) : (
          <p className="rounded-md bg-slate-50 p-4 text-sm text-slate-700">{reason}</p>
        )}
      </section>
    </Card>
  );
}
