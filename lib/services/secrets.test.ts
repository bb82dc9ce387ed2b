import { describe, expect, it } from 'vitest';
import { maskSecrets, maskedFlatUserConfig, secretKeys, userConfigFor } from './secrets';
import { maskSecret } from './signing-key';

const KEY = 'c2VjcmV0LWtleS1mb3ItaG1hYy1zaWduZWQtdG9rZW5zLTEyMzQ1Njc4OTA=';

describe('secrets in user_config, from the schema', () => {
  it('are the keys marked x-secret', () => {
    expect([...secretKeys('opensearch')]).toEqual(['jwt.signing_key']);
    expect([...secretKeys('kafka')]).toEqual([]);
  });

  it.each([
    ['a set key', { jwt: { enabled: true, signing_key: KEY, roles_key: 'roles' } }, { jwt: { enabled: true, signing_key: maskSecret(KEY), roles_key: 'roles' } }],
    ['no jwt object', {}, {}],
    ['no key in jwt (nothing to mask, no fingerprint invented)', { jwt: { enabled: false } }, { jwt: { enabled: false } }],
    ['a null key', { jwt: { enabled: false, signing_key: null } }, { jwt: { enabled: false, signing_key: null } }],
    ['jwt that is not an object', { jwt: 'x' }, { jwt: 'x' }],
  ])('maskSecrets: %s', (_name, config, expected) => {
    const before = JSON.stringify(config);
    expect(maskSecrets('opensearch', config)).toEqual(expected);
    // The stored object is never changed.
    expect(JSON.stringify(config)).toBe(before);
  });

  it('userConfigFor reveals them only when told; the console form never gets them', () => {
    const service = { serviceType: 'opensearch' as const, userConfig: { jwt: { enabled: true, signing_key: KEY } } };
    expect(userConfigFor(service, { revealSecrets: true })).toEqual(service.userConfig);
    expect(JSON.stringify(userConfigFor(service, { revealSecrets: false }))).not.toContain(KEY);
    expect(maskedFlatUserConfig(service)).toEqual({ 'jwt.enabled': true, 'jwt.signing_key': maskSecret(KEY) });
  });

  it('leave Kafka settings as they are (none is secret)', () => {
    const config = { kafka: { sasl_oauthbearer_jwks_endpoint_url: 'https://idp.test/jwks' } };
    expect(maskSecrets('kafka', config)).toEqual(config);
  });
});
