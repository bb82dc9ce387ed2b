import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AppError } from '@/lib/errors';
import { readProperties } from '@/lib/testing/properties-reader';
import {
  escapePropertiesValue,
  exportServiceConfig,
  parseConfigExportQuery,
  shellQuote,
  SIGNING_KEY_PLACEHOLDER,
  type ExportableService,
} from './config-export';
import type { ConfigExportQuery } from './config-export-schema';

const JWKS = 'https://idp.example.com/.well-known/jwks.json';
const KEY = 'c2VjcmV0LWtleS1mb3ItaG1hYy1zaWduZWQtdG9rZW5zLTEyMzQ1Njc4OTA=';

const kafka = (config: Record<string, unknown>): ExportableService => ({ name: 'events', serviceType: 'kafka', userConfig: { kafka: config } });
const opensearch = (jwt: Record<string, unknown> | undefined): ExportableService => ({
  name: 'search',
  serviceType: 'opensearch',
  userConfig: jwt === undefined ? {} : { jwt },
});

const KAFKA_4: ConfigExportQuery = { format: 'kafka-properties', kafka_version: '4' };
const KAFKA_39: ConfigExportQuery = { format: 'kafka-properties', kafka_version: '3.9' };
const OS: ConfigExportQuery = { format: 'opensearch-security-yaml', kafka_version: '4' };

const reveal = { revealSecrets: true };

function thrown(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

const FULL_KAFKA = {
  sasl_oauthbearer_jwks_endpoint_url: JWKS,
  sasl_oauthbearer_expected_audience: 'kafka-prod,kafka-analytics',
  sasl_oauthbearer_expected_issuer: 'https://idp.example.com/',
  sasl_oauthbearer_sub_claim_name: 'preferred_username',
};

describe('Kafka broker properties', () => {
  it('for 4.x: the listener mechanism, the callback handler, the JAAS line and the saved settings, exactly', () => {
    const out = exportServiceConfig(kafka(FULL_KAFKA), KAFKA_4, reveal);
    expect(out.filename).toBe('events-kafka-4-oauthbearer.properties');
    expect(out.contentType).toBe('text/plain; charset=utf-8');
    expect(Object.fromEntries(readProperties(out.body))).toEqual({
      'listener.name.sasl_ssl.sasl.enabled.mechanisms': 'OAUTHBEARER',
      'listener.name.sasl_ssl.oauthbearer.sasl.server.callback.handler.class':
        'org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler',
      'listener.name.sasl_ssl.oauthbearer.sasl.jaas.config': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;',
      'sasl.oauthbearer.jwks.endpoint.url': JWKS,
      'sasl.oauthbearer.expected.audience': 'kafka-prod,kafka-analytics',
      'sasl.oauthbearer.expected.issuer': 'https://idp.example.com/',
      'sasl.oauthbearer.sub.claim.name': 'preferred_username',
    });
    // The 4.0 documentation is cited, and the JVM property that 4.0 made empty by default is set.
    expect(out.body).toContain('https://kafka.apache.org/40/documentation.html#brokerconfigs');
    expect(out.body).toContain(`#     KAFKA_OPTS='-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=${JWKS}'\n`);
    // The removed "secured" copy is only named in a comment, never set.
    expect(out.body).not.toMatch(/^[^#].*oauthbearer\.secured\./m);
  });

  it('for 3.9: the same properties, the 3.9 documentation cited, and no allowed.urls property', () => {
    const out = exportServiceConfig(kafka(FULL_KAFKA), KAFKA_39, reveal);
    expect(out.filename).toBe('events-kafka-3.9-oauthbearer.properties');
    expect(readProperties(out.body)).toEqual(readProperties(exportServiceConfig(kafka(FULL_KAFKA), KAFKA_4, reveal).body));
    expect(out.body).toContain('https://kafka.apache.org/39/documentation.html#brokerconfigs');
    expect(out.body).not.toContain('allowed.urls');
    expect(out.body).not.toContain('KAFKA_OPTS');
  });

  it('leaves unsaved optional settings out, saying what that means, rather than writing empty values', () => {
    const out = exportServiceConfig(kafka({ sasl_oauthbearer_jwks_endpoint_url: JWKS }), KAFKA_4, reveal);
    const props = readProperties(out.body);
    expect([...props.keys()].filter((k) => k.startsWith('sasl.oauthbearer.'))).toEqual(['sasl.oauthbearer.jwks.endpoint.url']);
    expect(out.body).toContain('# sasl.oauthbearer.expected.audience is not saved for this service: any audience is accepted.\n');
    expect(out.body).toContain('# sasl.oauthbearer.sub.claim.name is not saved for this service: Kafka reads the principal from "sub".\n');
  });

  it.each([
    ['backslash', 'a\\b\\\\c\\'],
    ['equals and colon', 'aud=1:x=y'],
    ['a line break that would start a new property', 'x\nsasl.oauthbearer.jwks.endpoint.url=https://evil.example'],
    ['CR, tab and form feed', 'a\rb\tc\fd'],
    ['leading and trailing spaces', '  spaced  '],
    ['comment characters', '#not-a-comment !nor-this'],
    ['non-ASCII', 'kafka-prød-日本'],
    ['a character above U+FFFF', 'team-🚀'],
    ['a unicode escape lookalike', '\\u0041'],
  ])('a value with %s comes back exactly', (_, value) => {
    const out = exportServiceConfig(
      kafka({ sasl_oauthbearer_jwks_endpoint_url: JWKS, sasl_oauthbearer_expected_audience: value, sasl_oauthbearer_expected_issuer: value }),
      KAFKA_4,
      reveal,
    );
    const props = readProperties(out.body);
    expect(props.get('sasl.oauthbearer.expected.audience')).toBe(value);
    expect(props.get('sasl.oauthbearer.expected.issuer')).toBe(value);
    // Nothing was injected: the same keys as a plain value gives.
    expect(props.size).toBe(6);
    // The file is pure ASCII, as Properties.load (ISO-8859-1) needs.
    expect(out.body).toMatch(/^[\x09\x0a\x20-\x7e]*$/);
  });

  it('escapes as Properties.store would for the characters that matter', () => {
    expect(escapePropertiesValue('a\\b')).toBe('a\\\\b');
    expect(escapePropertiesValue(' x')).toBe('\\ x');
    expect(escapePropertiesValue('x y')).toBe('x y');
    expect(escapePropertiesValue('ø\n')).toBe('\\u00F8\\n');
    expect(escapePropertiesValue('🚀')).toBe('\\uD83D\\uDE80');
    expect(escapePropertiesValue('https://a.example:8443/k?x=1')).toBe('https://a.example:8443/k?x=1');
  });

  it('a JWKS URL with a line break or non-ASCII stays one comment line in KAFKA_OPTS and one property', () => {
    // The schema checks the URL with new URL(), which accepts (and drops) a tab or line break.
    const url = 'https://idp.example.com/jw\nks?t=ø';
    const out = exportServiceConfig(kafka({ sasl_oauthbearer_jwks_endpoint_url: url }), KAFKA_4, reveal);
    expect(readProperties(out.body).get('sasl.oauthbearer.jwks.endpoint.url')).toBe(url);
    expect(out.body).toContain(`#     KAFKA_OPTS=$'-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=https://idp.example.com/jw\\x0aks?t=\\xf8'\n`);
  });

  it('quotes the KAFKA_OPTS value for a shell', () => {
    expect(shellQuote("a'b $HOME")).toBe(`'a'\\''b $HOME'`);
    expect(shellQuote('x\ny')).toBe(`$'x\\x0ay'`);
    expect(shellQuote("é'\\")).toBe(`$'\\xe9\\'\\\\'`);
    expect(shellQuote('日')).toBe(`$'\\u65e5'`);
  });

  it('a JWKS URL with a comma cannot be listed in allowed.urls: the file says so instead of listing half of it', () => {
    const url = 'https://idp.example.com/jwks?a=1,2';
    const out = exportServiceConfig(kafka({ sasl_oauthbearer_jwks_endpoint_url: url }), KAFKA_4, reveal);
    expect(out.body).not.toContain('KAFKA_OPTS');
    expect(out.body).toContain('This JWKS URL contains a comma');
    expect(readProperties(out.body).get('sasl.oauthbearer.jwks.endpoint.url')).toBe(url);
  });

  it.each([
    ['no kafka settings at all', {}],
    ['settings without a JWKS URL', { kafka: { sasl_oauthbearer_expected_issuer: 'https://idp.example.com/' } }],
  ])('refuses a service with %s: 409 not configured', (_, userConfig) => {
    const error = thrown(() => exportServiceConfig({ name: 'events', serviceType: 'kafka', userConfig }, KAFKA_4, reveal));
    expect(error.status).toBe(409);
    expect(error.message).toBe(
      'Service events is not configured for OAUTHBEARER: set kafka.sasl_oauthbearer_jwks_endpoint_url first (not configured)',
    );
  });
});

const FULL_JWT = {
  enabled: true,
  signing_key: KEY,
  jwt_header: 'X-Token',
  jwt_url_parameter: 'token',
  subject_key: 'preferred_username',
  roles_key: 'roles',
  required_audience: 'opensearch',
  required_issuer: 'https://idp.example.com/',
  jwt_clock_skew_tolerance_seconds: 30,
};

describe('OpenSearch security config.yml', () => {
  it('writes a jwt_auth_domain with every saved setting, parsed back by a YAML parser', () => {
    const out = exportServiceConfig(opensearch(FULL_JWT), OS, reveal);
    expect(out.filename).toBe('search-opensearch-security-config.yml');
    expect(out.contentType).toBe('text/plain; charset=utf-8');
    expect(parse(out.body)).toEqual({
      _meta: { type: 'config', config_version: 2 },
      config: {
        dynamic: {
          authc: {
            jwt_auth_domain: {
              description: 'Authenticate with JSON Web Tokens (Portcullis service search)',
              http_enabled: true,
              transport_enabled: false,
              order: 0,
              http_authenticator: {
                type: 'jwt',
                challenge: false,
                config: {
                  signing_key: KEY,
                  jwt_header: 'X-Token',
                  jwt_url_parameter: 'token',
                  subject_key: 'preferred_username',
                  roles_key: 'roles',
                  required_audience: 'opensearch',
                  required_issuer: 'https://idp.example.com/',
                  jwt_clock_skew_tolerance_seconds: 30,
                },
              },
              authentication_backend: { type: 'noop' },
            },
          },
        },
      },
    });
    expect(out.body).toContain('https://docs.opensearch.org/2.19/security/authentication-backends/jwt/');
  });

  it('leaves keys that are not saved out of config', () => {
    const out = exportServiceConfig(opensearch({ enabled: true, signing_key: KEY }), OS, reveal);
    const doc = parse(out.body) as { config: { dynamic: { authc: { jwt_auth_domain: { http_authenticator: { config: unknown } } } } } };
    expect(doc.config.dynamic.authc.jwt_auth_domain.http_authenticator.config).toEqual({ signing_key: KEY });
  });

  it.each([
    // SnakeYAML (YAML 1.1) reads these unquoted as booleans, numbers or null: they must be quoted.
    'yes', 'off', 'on', 'No', '0777', '1_000', '~', 'null', '3.0', '0x1F',
    // Characters that mean something in YAML.
    "it's: a #value", '- item', '{a: 1}', '*alias', '&anchor', '!tag', '%directive', '@at', '`tick`', '"quoted"',
    'ünïcødé 日本 🚀', ' leading and trailing ',
  ])('a saved value %j comes back as the same string, read as YAML 1.1 and as YAML 1.2', (value) => {
    const out = exportServiceConfig(opensearch({ enabled: true, signing_key: KEY, roles_key: value, required_issuer: value }), OS, reveal);
    for (const version of ['1.1', '1.2'] as const) {
      const doc = parse(out.body, { version }) as { config: { dynamic: { authc: { jwt_auth_domain: { http_authenticator: { config: Record<string, unknown> } } } } } };
      const config = doc.config.dynamic.authc.jwt_auth_domain.http_authenticator.config;
      expect(config.roles_key).toBe(value);
      expect(config.required_issuer).toBe(value);
    }
  });

  it('shows the signing key only to those who may see it; others get the placeholder and a note', () => {
    const hidden = exportServiceConfig(opensearch(FULL_JWT), OS, { revealSecrets: false });
    const doc = parse(hidden.body) as { config: { dynamic: { authc: { jwt_auth_domain: { http_authenticator: { config: Record<string, unknown> } } } } } };
    expect(doc.config.dynamic.authc.jwt_auth_domain.http_authenticator.config.signing_key).toBe(SIGNING_KEY_PLACEHOLDER);
    expect(hidden.body).not.toContain(KEY);
    expect(hidden.body).toContain('# signing_key is hidden: only those who may change this service can download it.');
    const shown = exportServiceConfig(opensearch(FULL_JWT), OS, reveal);
    expect(shown.body).toContain(KEY);
    expect(shown.body).not.toContain('signing_key is hidden');
  });

  it('refuses a service without JWT settings, or with them turned off: 409 not configured', () => {
    const none = thrown(() => exportServiceConfig(opensearch(undefined), OS, reveal));
    expect(none.status).toBe(409);
    expect(none.message).toBe('Service search is not configured for JWT authentication: set jwt.enabled and jwt.signing_key first (not configured)');
    const off = thrown(() => exportServiceConfig(opensearch({ ...FULL_JWT, enabled: false }), OS, reveal));
    expect(off.status).toBe(409);
    expect(off.message).toBe('Service search has JWT authentication turned off (jwt.enabled is false): not configured');
  });
});

describe('format and query', () => {
  it('refuses a format that is not the service type’s: 400 on the format field', () => {
    const error = thrown(() => exportServiceConfig(opensearch(FULL_JWT), KAFKA_4, reveal));
    expect(error.status).toBe(400);
    expect(error.fieldErrors).toEqual({ format: ['kafka-properties is not for OpenSearch services: use opensearch-security-yaml'] });
    expect(thrown(() => exportServiceConfig(kafka(FULL_KAFKA), OS, reveal)).fieldErrors).toEqual({
      format: ['opensearch-security-yaml is not for Kafka services: use kafka-properties'],
    });
  });

  it.each([
    ['format=kafka-properties', { format: 'kafka-properties', kafka_version: '4' }],
    ['format=kafka-properties&kafka_version=3.9', { format: 'kafka-properties', kafka_version: '3.9' }],
    ['format=opensearch-security-yaml', { format: 'opensearch-security-yaml', kafka_version: '4' }],
  ])('reads %s', (query, expected) => {
    expect(parseConfigExportQuery(new URLSearchParams(query))).toEqual(expected);
  });

  it.each([
    ['', { format: ['Use kafka-properties or opensearch-security-yaml'] }],
    ['format=json', { format: ['Use kafka-properties or opensearch-security-yaml'] }],
    ['format=kafka-properties&kafka_version=3.8', { kafka_version: ['Use 3.9 or 4'] }],
    ['format=kafka-properties&extra=1', { '': ['Unknown query parameter extra'] }],
    ['format=kafka-properties&format=opensearch-security-yaml', { format: ['Give it once'] }],
  ])('refuses %j with 400 and the field', (query, fieldErrors) => {
    const error = thrown(() => parseConfigExportQuery(new URLSearchParams(query)));
    expect(error.status).toBe(400);
    expect(error.fieldErrors).toEqual(fieldErrors);
  });
});
