import { Document } from 'yaml';
import { AppError, parseInput } from '@/lib/errors';
import { configExportQuerySchema, KAFKA_VERSION_LABELS, type ConfigExportFormat, type ConfigExportQuery, type KafkaVersion } from './config-export-schema';
import { isPlainObject, type ConfigObject } from './merge';
import type { ServiceType } from './user-config-schema';

// "Apply to your cluster": what a service's saved settings mean in the files its cluster reads.
// Portcullis runs no brokers; these are for the people who do.
//
// - Kafka: broker properties (server.properties) for SASL OAUTHBEARER with OIDC token validation,
//   for Apache Kafka 3.9 and 4.x. Values are escaped as java.util.Properties.load reads them
//   (ISO-8859-1, backslash escapes), so any saved value comes back exactly.
// - OpenSearch: the security plugin's config.yml with a jwt_auth_domain, written by the `yaml`
//   library as YAML 1.1 (the plugin reads it with SnakeYAML, a YAML 1.1 parser: a value such as
//   `yes` or `off` must be quoted there or it becomes a boolean).
//
// Secrets: the only secret in these settings is OpenSearch's jwt.signing_key (an HMAC secret
// there signs tokens with any role; see lib/services/secrets.ts). It is written only for those
// who may see it (mayChangeService, as the API's user_config does); everyone else gets a
// placeholder. Kafka's settings hold no secret (the brokers fetch public keys from the JWKS URL).
//
// A service whose settings are not saved, or are saved but turned off, gets 409 `not configured`,
// never an empty file that would look like something to apply.

export type ConfigExport = { filename: string; contentType: string; body: string };

export type ExportableService = { name: string; serviceType: ServiceType; userConfig: ConfigObject };

/** What those who may not see the signing key get in its place. */
export const SIGNING_KEY_PLACEHOLDER = '<signing key: ask an admin>';

/** The broker listener the properties name; people rename it to theirs (the comment says so). */
export const KAFKA_LISTENER = 'sasl_ssl';

export const KAFKA_VALIDATOR_CALLBACK_HANDLER = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler';
/** The copy in the `secured` package, deprecated in 3.x and removed in 4.0. Named in comments only. */
export const KAFKA_REMOVED_CALLBACK_HANDLER = 'org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerValidatorCallbackHandler';
export const KAFKA_ALLOWED_URLS_PROPERTY = 'org.apache.kafka.sasl.oauthbearer.allowed.urls';

const FORMAT_OF: Record<ServiceType, ConfigExportFormat> = { kafka: 'kafka-properties', opensearch: 'opensearch-security-yaml' };
const TYPE_LABELS: Record<ServiceType, string> = { kafka: 'Kafka', opensearch: 'OpenSearch' };

/** The format a service type exports to. */
export function exportFormatOf(serviceType: ServiceType): ConfigExportFormat {
  return FORMAT_OF[serviceType];
}

/**
 * The query of GET .../config-export from the URL's search parameters: each parameter once,
 * checked by configExportQuerySchema (400 with the field's message otherwise).
 */
export function parseConfigExportQuery(params: URLSearchParams): ConfigExportQuery {
  const raw: Record<string, string> = {};
  for (const [key, value] of params) {
    if (Object.hasOwn(raw, key)) throw new AppError('bad_request', `${key}: Give it once`, { [key]: ['Give it once'] });
    raw[key] = value;
  }
  return parseInput(configExportQuerySchema, raw);
}

/** The file a service's saved settings make, in the format asked for. */
export function exportServiceConfig(service: ExportableService, query: ConfigExportQuery, { revealSecrets }: { revealSecrets: boolean }): ConfigExport {
  const expected = FORMAT_OF[service.serviceType];
  if (query.format !== expected) {
    const message = `${query.format} is not for ${TYPE_LABELS[service.serviceType]} services: use ${expected}`;
    throw new AppError('bad_request', `format: ${message}`, { format: [message] });
  }
  return service.serviceType === 'kafka'
    ? kafkaBrokerProperties(service, query.kafka_version)
    : openSearchSecurityConfig(service, { revealSecrets });
}

// ---------------------------------------------------------------------------------------------
// Kafka

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * A value as java.util.Properties.load reads it back: backslash, line breaks, tab and form
 * feed escaped, everything outside printable ASCII as \uXXXX (load reads ISO-8859-1; a
 * character above U+FFFF as its two UTF-16 halves, which load joins again), and a leading
 * space escaped (load skips whitespace before a value). `=` and `:` need no escape in a value:
 * only the first unescaped one on a line separates key from value.
 */
export function escapePropertiesValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const code = value.charCodeAt(i);
    if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else if (ch === ' ' && i === 0) out += '\\ ';
    else out += ch;
  }
  return out;
}

const PROPERTY_KEY = /^[a-z0-9._]+$/;

function propertyLine(key: string, value: string): string {
  // Keys are ours; a key that needed escaping would be a bug here, not a value to escape.
  if (!PROPERTY_KEY.test(key)) throw new Error(`Unexpected Kafka property key ${key}`);
  return `${key}=${escapePropertiesValue(value)}`;
}

/**
 * A word for a POSIX shell: single-quoted when it is printable ASCII, else bash's $'...' with
 * every other character escaped, so the comment that shows it stays one printable line.
 */
export function shellQuote(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return `'${value.replaceAll("'", `'\\''`)}'`;
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\' || ch === "'") out += `\\${ch}`;
    else if (code >= 0x20 && code <= 0x7e) out += ch;
    else if (code <= 0xff) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += `\\U${code.toString(16).padStart(8, '0')}`;
  }
  return `$'${out}'`;
}

function comment(line: string): string {
  // Comments are our own text; a line break here would turn the rest into a property.
  if (/[\r\n]/.test(line)) throw new Error('A properties comment must be one line');
  return line === '' ? '#' : `# ${line}`;
}

/** The JVM option that lets 4.x brokers fetch the JWKS URL, as a KAFKA_OPTS assignment. */
function allowedUrlsLines(jwksUrl: string): string[] {
  if (jwksUrl.includes(',')) {
    // The property is a comma-separated list: a URL with a comma in it cannot be listed.
    return [
      `  This JWKS URL contains a comma, and ${KAFKA_ALLOWED_URLS_PROPERTY} is a comma-separated`,
      '  list: it cannot be allowed there. Serve the key set at a URL without a comma, save it, and',
      '  download this file again.',
    ];
  }
  return ['  Before starting each broker, set in its environment:', `    KAFKA_OPTS=${shellQuote(`-D${KAFKA_ALLOWED_URLS_PROPERTY}=${jwksUrl}`)}`];
}

function kafkaBrokerProperties(service: ExportableService, version: KafkaVersion): ConfigExport {
  const kafka = isPlainObject(service.userConfig.kafka) ? service.userConfig.kafka : {};
  const jwksUrl = text(kafka.sasl_oauthbearer_jwks_endpoint_url);
  if (!jwksUrl) {
    throw new AppError(
      'conflict',
      `Service ${service.name} is not configured for OAUTHBEARER: set kafka.sasl_oauthbearer_jwks_endpoint_url first (not configured)`,
    );
  }
  const docs = version === '3.9' ? '39' : '40';
  const lines = [
    comment(`Apache Kafka broker properties for SASL OAUTHBEARER (OAuth2/OIDC), service ${service.name}.`),
    comment(`Written for ${KAFKA_VERSION_LABELS[version]}: property names as the Apache Kafka ${version === '3.9' ? '3.9' : '4.0'} documentation spells`),
    comment(`them (https://kafka.apache.org/${docs}/documentation.html#brokerconfigs).`),
    comment(''),
    comment(`Add these lines to each broker's server.properties. The listener is called ${KAFKA_LISTENER.toUpperCase()} here: rename`),
    comment(`"${KAFKA_LISTENER}" in the listener.name.* keys to your listener's name, in lower case.`),
    comment(''),
  ];
  if (version === '3.9') {
    lines.push(
      comment('Apache Kafka 3.9 and 4.x differ here:'),
      comment(`- the callback handler of the old "secured" package (${KAFKA_REMOVED_CALLBACK_HANDLER})`),
      comment('  still loads on 3.9, deprecated; 4.0 removed it. The one below works on both.'),
      comment('- 4.x brokers also need a JVM system property naming the JWKS URL: download the 4.x file'),
      comment('  when you upgrade.'),
    );
  } else {
    lines.push(
      comment('Apache Kafka 4.x differs from 3.9 here:'),
      comment(`- ${KAFKA_ALLOWED_URLS_PROPERTY} (a JVM system property) is an empty list by`),
      comment('  default from 4.0 on, so a broker refuses every JWKS URL not listed in it.'),
      ...allowedUrlsLines(jwksUrl).map(comment),
      comment(`- the callback handler of the old "secured" package (${KAFKA_REMOVED_CALLBACK_HANDLER})`),
      comment('  is gone in 4.0: use the one below.'),
    );
  }
  lines.push(
    '',
    propertyLine(`listener.name.${KAFKA_LISTENER}.sasl.enabled.mechanisms`, 'OAUTHBEARER'),
    propertyLine(`listener.name.${KAFKA_LISTENER}.oauthbearer.sasl.server.callback.handler.class`, KAFKA_VALIDATOR_CALLBACK_HANDLER),
    propertyLine(
      `listener.name.${KAFKA_LISTENER}.oauthbearer.sasl.jaas.config`,
      'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;',
    ),
    propertyLine('sasl.oauthbearer.jwks.endpoint.url', jwksUrl),
  );
  const optional: [string, unknown, string][] = [
    ['sasl.oauthbearer.expected.audience', kafka.sasl_oauthbearer_expected_audience, 'any audience is accepted'],
    ['sasl.oauthbearer.expected.issuer', kafka.sasl_oauthbearer_expected_issuer, 'any issuer is accepted'],
    ['sasl.oauthbearer.sub.claim.name', kafka.sasl_oauthbearer_sub_claim_name, 'Kafka reads the principal from "sub"'],
  ];
  for (const [key, value, unsetMeans] of optional) {
    const v = text(value);
    lines.push(v === null ? comment(`${key} is not saved for this service: ${unsetMeans}.`) : propertyLine(key, v));
  }
  return {
    filename: `${service.name}-kafka-${version}-oauthbearer.properties`,
    contentType: 'text/plain; charset=utf-8',
    body: `${lines.join('\n')}\n`,
  };
}

// ---------------------------------------------------------------------------------------------
// OpenSearch

/** The jwt_auth_domain config keys, in the order the OpenSearch documentation lists them. */
const JWT_CONFIG_KEYS = [
  'signing_key',
  'jwt_header',
  'jwt_url_parameter',
  'subject_key',
  'roles_key',
  'required_audience',
  'required_issuer',
  'jwt_clock_skew_tolerance_seconds',
] as const;

function openSearchSecurityConfig(service: ExportableService, { revealSecrets }: { revealSecrets: boolean }): ConfigExport {
  const jwt = isPlainObject(service.userConfig.jwt) ? service.userConfig.jwt : null;
  if (!jwt || jwt.enabled !== true) {
    throw new AppError(
      'conflict',
      jwt
        ? `Service ${service.name} has JWT authentication turned off (jwt.enabled is false): not configured`
        : `Service ${service.name} is not configured for JWT authentication: set jwt.enabled and jwt.signing_key first (not configured)`,
    );
  }
  const config: Record<string, string | number> = {};
  for (const key of JWT_CONFIG_KEYS) {
    const value = jwt[key];
    if (key === 'signing_key') {
      if (typeof value === 'string') config[key] = revealSecrets ? value : SIGNING_KEY_PLACEHOLDER;
    } else if (typeof value === 'string' || typeof value === 'number') {
      config[key] = value;
    }
  }
  const doc = new Document(
    {
      _meta: { type: 'config', config_version: 2 },
      config: {
        dynamic: {
          authc: {
            jwt_auth_domain: {
              description: `Authenticate with JSON Web Tokens (Portcullis service ${service.name})`,
              http_enabled: true,
              transport_enabled: false,
              order: 0,
              http_authenticator: { type: 'jwt', challenge: false, config },
              authentication_backend: { type: 'noop' },
            },
          },
        },
      },
    },
    { version: '1.1' },
  );
  doc.commentBefore = [
    ` OpenSearch security plugin config.yml: JWT authentication, service ${service.name}.`,
    ' Keys as the OpenSearch 2.19 documentation spells them (Security, Authentication backends,',
    ' JSON Web Token: https://docs.opensearch.org/2.19/security/authentication-backends/jwt/).',
    '',
    ' Merge config.dynamic.authc.jwt_auth_domain into your config.yml (keep your other domains;',
    ' change `order` to place it among them), then load it with securityadmin.sh.',
    ' Tokens carry all a request needs: challenge is false and the backend is noop.',
    ...(revealSecrets || typeof jwt.signing_key !== 'string'
      ? []
      : ['', ' signing_key is hidden: only those who may change this service can download it.']),
  ]
    .map((l) => l.replace(/[\r\n]/g, ' '))
    .join('\n');
  return {
    filename: `${service.name}-opensearch-security-config.yml`,
    contentType: 'text/plain; charset=utf-8',
    body: doc.toString({ lineWidth: 0 }),
  };
}

/**
 * The HTTP response of an export: the text with a download name. Not cached anywhere, as it may
 * hold the signing key.
 */
export function configExportResponse(file: ConfigExport): Response {
  return new Response(file.body, {
    status: 200,
    headers: {
      'content-type': file.contentType,
      // Service names are [a-z][a-z0-9-]*: nothing to quote in the name.
      'content-disposition': `attachment; filename="${file.filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
