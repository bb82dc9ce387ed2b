import { z } from 'zod';

// The query of GET /v1/project/{project}/service/{service}/config-export, also the console's
// "Apply to your cluster" choice of Kafka version. Zod only: the browser may load it.

export const CONFIG_EXPORT_FORMATS = ['kafka-properties', 'opensearch-security-yaml'] as const;
export type ConfigExportFormat = (typeof CONFIG_EXPORT_FORMATS)[number];

/** The Apache Kafka versions the broker properties are written for; "4" is any 4.x. */
export const KAFKA_VERSIONS = ['3.9', '4'] as const;
export type KafkaVersion = (typeof KAFKA_VERSIONS)[number];

export const KAFKA_VERSION_LABELS: Record<KafkaVersion, string> = { '3.9': 'Apache Kafka 3.9', '4': 'Apache Kafka 4.x' };

export const configExportQuerySchema = z.strictObject(
  {
    format: z.enum(CONFIG_EXPORT_FORMATS, { error: `Use ${CONFIG_EXPORT_FORMATS.join(' or ')}` }),
    kafka_version: z.enum(KAFKA_VERSIONS, { error: `Use ${KAFKA_VERSIONS.join(' or ')}` }).default('4'),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `Unknown query parameter${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}` : undefined,
  },
);

export type ConfigExportQuery = z.output<typeof configExportQuerySchema>;
