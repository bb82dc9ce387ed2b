import { describe, expect, it } from 'vitest';
import { userConfigSchema } from './user-config';
import { configOptions, describeConstraints, SERVICE_TYPES, typesOf, USER_CONFIG_SCHEMAS, type JsonSchema } from './user-config-schema';

const kafka = (key: string, value: unknown) => ({ kafka: { [key]: value } });
const jwt = (key: string, value: unknown) => ({ jwt: { [key]: value } });

/** `[key, value]` cases from `[key, values]` groups, so that each key is written once. */
const byKey = (groups: [string, unknown[]][]) => groups.flatMap(([key, values]) => values.map((value) => [key, value] as const));

function errorsOf(type: 'kafka' | 'opensearch', mode: 'patch' | 'full', value: unknown): Record<string, string[]> {
  const result = userConfigSchema(type, mode).safeParse(value);
  if (result.success) return {};
  const out: Record<string, string[]> = {};
  for (const issue of result.error.issues) (out[issue.path.join('.')] ??= []).push(issue.message);
  return out;
}

describe('user_config JSON Schema', () => {
  it('gives every property a type, as avn needs', () => {
    const walk = (node: JsonSchema, path: string): void => {
      expect(node.type, path).toBeDefined();
      for (const [name, child] of Object.entries(node.properties ?? {})) walk(child, `${path}.${name}`);
    };
    for (const type of SERVICE_TYPES) walk(USER_CONFIG_SCHEMAS[type], type);
  });

  it('lists the keys of the reference, dotted as avn -c takes them', () => {
    expect(configOptions('kafka').map((o) => o.key)).toEqual([
      'kafka.sasl_oauthbearer_jwks_endpoint_url',
      'kafka.sasl_oauthbearer_expected_issuer',
      'kafka.sasl_oauthbearer_expected_audience',
      'kafka.sasl_oauthbearer_sub_claim_name',
    ]);
    expect(configOptions('opensearch').map((o) => o.key)).toEqual([
      'jwt.enabled',
      'jwt.signing_key',
      'jwt.jwt_header',
      'jwt.jwt_url_parameter',
      'jwt.subject_key',
      'jwt.roles_key',
      'jwt.required_audience',
      'jwt.required_issuer',
      'jwt.jwt_clock_skew_tolerance_seconds',
    ]);
  });

  it('lets avn remove every optional key (type lists null) but not the required jwt keys', () => {
    const removable = (type: 'kafka' | 'opensearch') => configOptions(type).filter((o) => typesOf(o.schema).includes('null')).map((o) => o.key);
    expect(removable('kafka')).toHaveLength(4);
    expect(removable('opensearch')).not.toContain('jwt.enabled');
    expect(removable('opensearch')).not.toContain('jwt.signing_key');
    expect(removable('opensearch')).toHaveLength(7);
    expect(USER_CONFIG_SCHEMAS.opensearch.properties!.jwt!.required).toEqual(['enabled', 'signing_key']);
  });

  it('describes constraints in words', () => {
    expect(describeConstraints(USER_CONFIG_SCHEMAS.opensearch.properties!.jwt!.properties!.jwt_clock_skew_tolerance_seconds!)).toBe(
      'integer, 0 to 300, default 20',
    );
    expect(describeConstraints(USER_CONFIG_SCHEMAS.kafka.properties!.kafka!.properties!.sasl_oauthbearer_expected_issuer!)).toBe(
      'string, at most 128 characters, one line',
    );
  });
});

describe('Kafka user_config validation', () => {
  it.each(
    byKey([
      ['sasl_oauthbearer_jwks_endpoint_url', ['https://idp.example.com/jwks', 'http://127.0.0.1:8080/jwks.json', `https://idp.example.com/${'a'.repeat(2048 - 24)}`]],
      ['sasl_oauthbearer_expected_issuer', ['https://idp.example.com/', '', 'x'.repeat(128)]],
      ['sasl_oauthbearer_expected_audience', ['my-audience, another-audience']],
      ['sasl_oauthbearer_sub_claim_name', ['sub', ' custom-sub ', 'x'.repeat(128)]],
    ]),
  )('accepts %s = %j', (key, value) => expect(errorsOf('kafka', 'patch', kafka(key, value))).toEqual({}));

  it.each([
    ['sasl_oauthbearer_jwks_endpoint_url', `https://idp.example.com/${'a'.repeat(2048)}`, 'Use at most 2048 characters'],
    ['sasl_oauthbearer_jwks_endpoint_url', 'not a url', 'Enter an http:// or https:// URL'],
    ['sasl_oauthbearer_jwks_endpoint_url', 'file:///etc/passwd', 'Enter an http:// or https:// URL'],
    ['sasl_oauthbearer_jwks_endpoint_url', 42, 'Enter text'],
    ['sasl_oauthbearer_jwks_endpoint_url', 'https://idp.example.com/a\nb', 'Use one line (no line breaks)'],
    ['sasl_oauthbearer_expected_issuer', 'x'.repeat(129), 'Use at most 128 characters'],
    ['sasl_oauthbearer_expected_issuer', 'a\nb', 'Use one line (no line breaks)'],
    ['sasl_oauthbearer_expected_issuer', 'a\rb', 'Use one line (no line breaks)'],
    ['sasl_oauthbearer_expected_audience', 'x'.repeat(129), 'Use at most 128 characters'],
    ['sasl_oauthbearer_expected_audience', 'a\nb', 'Use one line (no line breaks)'],
    ['sasl_oauthbearer_expected_audience', ['a', 'b'], 'Enter text'],
    ['sasl_oauthbearer_sub_claim_name', '', 'Use one line that is not blank'],
    ['sasl_oauthbearer_sub_claim_name', '   ', 'Use one line that is not blank'],
    ['sasl_oauthbearer_sub_claim_name', 'a\nb', 'Use one line that is not blank'],
    ['sasl_oauthbearer_sub_claim_name', 'x'.repeat(129), 'Use at most 128 characters'],
  ])('refuses %s = %j: %s', (key, value, message) => {
    expect(errorsOf('kafka', 'patch', kafka(key, value))).toEqual({ [`kafka.${key}`]: [message] });
  });

  it('takes null (remove) in a patch, never in the stored result', () => {
    expect(errorsOf('kafka', 'patch', kafka('sasl_oauthbearer_sub_claim_name', null))).toEqual({});
    expect(errorsOf('kafka', 'full', kafka('sasl_oauthbearer_sub_claim_name', null))).toEqual({
      'kafka.sasl_oauthbearer_sub_claim_name': ['Enter text'],
    });
  });

  it('refuses unknown keys and other services’ keys', () => {
    expect(errorsOf('kafka', 'patch', kafka('sasl_oauthbearer_nope', 'x'))).toEqual({ kafka: ['Unsupported option "sasl_oauthbearer_nope"'] });
    expect(errorsOf('kafka', 'patch', jwt('enabled', true))).toEqual({ '': ['Unsupported option "jwt"'] });
    expect(errorsOf('kafka', 'patch', { kafka: 'x' })).toEqual({ kafka: ['Expected an object'] });
  });
});

describe('OpenSearch user_config validation', () => {
  it.each(
    byKey([
      ['enabled', [true, false]],
      ['signing_key', ['k', 'k'.repeat(1024)]],
      ['jwt_header', ['Authorization', 'h'.repeat(256)]],
      ['jwt_url_parameter', ['token']],
      ['subject_key', ['preferred_username']],
      ['roles_key', ['roles']],
      ['required_audience', ['a'.repeat(1024)]],
      ['required_issuer', ['https://idp.example.com/']],
      ['jwt_clock_skew_tolerance_seconds', [0, 300, 45]],
    ]),
  )('accepts jwt.%s = %j', (key, value) => expect(errorsOf('opensearch', 'patch', jwt(key, value))).toEqual({}));

  it.each<[string, unknown, string]>([
    ['enabled', 'true', 'Use true or false'],
    ['enabled', null, 'Use true or false'],
    ['signing_key', '', 'Enter a value (or remove the option)'],
    ['signing_key', 'k'.repeat(1025), 'Use at most 1024 characters'],
    ['signing_key', null, 'Enter text'],
    ...(['jwt_header', 'jwt_url_parameter', 'subject_key', 'roles_key'] as const).flatMap((key): [string, unknown, string][] => [
      [key, '', 'Enter a value (or remove the option)'],
      [key, 'x'.repeat(257), 'Use at most 256 characters'],
      [key, 'a\nb', 'Use one line (no line breaks)'],
      [key, 7, 'Enter text'],
    ]),
    ...(['required_audience', 'required_issuer'] as const).flatMap((key): [string, unknown, string][] => [
      [key, '', 'Enter a value (or remove the option)'],
      [key, 'x'.repeat(1025), 'Use at most 1024 characters'],
      [key, 'a\r\nb', 'Use one line (no line breaks)'],
    ]),
    ['jwt_clock_skew_tolerance_seconds', -1, 'Enter a number from 0 to 300'],
    ['jwt_clock_skew_tolerance_seconds', 301, 'Enter a number from 0 to 300'],
    ['jwt_clock_skew_tolerance_seconds', 1.5, 'Enter a whole number'],
    ['jwt_clock_skew_tolerance_seconds', '30', 'Enter a whole number'],
  ])('refuses jwt.%s = %j: %s', (key, value, message) => {
    expect(errorsOf('opensearch', 'patch', jwt(key, value))[`jwt.${key}`]).toEqual([message]);
  });

  it('requires enabled and signing_key in the stored result', () => {
    expect(errorsOf('opensearch', 'full', { jwt: { enabled: true } })).toEqual({ 'jwt.signing_key': ['Required: set this option as well'] });
    expect(errorsOf('opensearch', 'full', { jwt: { signing_key: 'k' } })).toEqual({ 'jwt.enabled': ['Required: set this option as well'] });
    expect(errorsOf('opensearch', 'full', { jwt: { enabled: false, signing_key: 'k' } })).toEqual({});
    expect(errorsOf('opensearch', 'full', {})).toEqual({});
  });

  it('removes the whole jwt object with null in a patch', () => {
    expect(errorsOf('opensearch', 'patch', { jwt: null })).toEqual({});
  });
});
