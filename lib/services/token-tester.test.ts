import { randomBytes } from 'node:crypto';
import { exportSPKI, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWith, startServer, startTestIdp, type TestIdp } from '@/lib/testing/jwks-server';
import { parseSigningKey } from './signing-key';
import { checkJwksEndpoint, testToken, type TokenTestResult } from './token-tester';

const NOW = new Date();
const seconds = (offset: number) => Math.floor(NOW.getTime() / 1000) + offset;
const byId = (result: TokenTestResult) => Object.fromEntries(result.checks.map((c) => [c.id, c]));

describe('Kafka token tester (keys from the JWKS URL)', () => {
  let idp: TestIdp;
  let ecIdp: TestIdp;
  beforeAll(async () => {
    idp = await startTestIdp({ alg: 'RS256' });
    ecIdp = await startTestIdp({ alg: 'ES256', kid: 'ec-1' });
  });
  afterAll(async () => {
    await idp.close();
    await ecIdp.close();
  });

  const kafkaConfig = (jwksUrl: string, extra: Record<string, unknown> = {}) => ({
    kafka: {
      sasl_oauthbearer_jwks_endpoint_url: jwksUrl,
      sasl_oauthbearer_expected_issuer: 'https://idp.test/',
      sasl_oauthbearer_expected_audience: 'kafka-a, kafka-b',
      ...extra,
    },
  });
  const run = (token: string, config: Record<string, unknown> = kafkaConfig(idp.jwksUrl)) => testToken({ serviceType: 'kafka', userConfig: config, token, now: NOW });

  it.each([['RS256'], ['ES256']] as const)('accepts a good %s token and names its principal', async (alg) => {
    const source = alg === 'RS256' ? idp : ecIdp;
    const token = await source.sign({ iss: 'https://idp.test/', aud: ['other', 'kafka-b'], sub: 'svc-orders' });
    const result = await run(token, kafkaConfig(source.jwksUrl));
    expect(result.checks.filter((c) => c.ok === false)).toEqual([]);
    expect(result).toMatchObject({ accepted: true, subject: 'svc-orders', roles: null });
    expect(byId(result).signature!.detail).toContain(alg);
  });

  it.each([
    ['wrong audience', { aud: 'someone-else' }, 'audience', /wrong audience: aud is "someone-else"; expected one of "kafka-a", "kafka-b"/],
    ['no audience', { aud: undefined }, 'audience', /aud is missing/],
    ['wrong issuer', { iss: 'https://evil.test/' }, 'issuer', /expected "https:\/\/idp.test\/"/],
    ['no subject', { sub: undefined }, 'subject', /no non-empty string claim "sub"/],
    ['expired beyond the skew', { exp: seconds(-31) }, 'expiry', /expired at .* \(30 s skew allowed\)/],
    ['not yet valid beyond the skew', { nbf: seconds(31) }, 'not_before', /not valid before/],
  ] as const)('refuses a token with %s', async (_name, claims, failing, detail) => {
    const token = await idp.sign({ iss: 'https://idp.test/', aud: 'kafka-a', sub: 'svc', ...claims });
    const result = await run(token);
    expect(result.accepted).toBe(false);
    expect(result.checks.filter((c) => c.ok === false).map((c) => c.id)).toEqual([failing]);
    expect(byId(result)[failing]!.detail).toMatch(detail);
  });

  it('allows 30 s of clock skew on exp and nbf', async () => {
    const token = await idp.sign({ iss: 'https://idp.test/', aud: 'kafka-a', sub: 'svc', exp: seconds(-29), nbf: seconds(29) });
    expect((await run(token)).accepted).toBe(true);
  });

  it('requires exp, as Kafka does', async () => {
    const token = await idp.sign({ iss: 'https://idp.test/', aud: 'kafka-a', sub: 'svc' }, { expiresIn: null });
    const result = await run(token);
    expect(result.accepted).toBe(false);
    expect(byId(result).expiry).toMatchObject({ ok: false, detail: 'the token has no exp claim, which Kafka requires' });
  });

  it('uses the configured subject claim', async () => {
    const token = await idp.sign({ iss: 'https://idp.test/', aud: 'kafka-a', client_id: 'orders' });
    const result = await run(token, kafkaConfig(idp.jwksUrl, { sasl_oauthbearer_sub_claim_name: 'client_id' }));
    expect(result).toMatchObject({ accepted: true, subject: 'orders' });
  });

  it('skips issuer and audience checks that are not configured', async () => {
    const token = await idp.sign({ sub: 'svc' });
    const result = await run(token, { kafka: { sasl_oauthbearer_jwks_endpoint_url: idp.jwksUrl } });
    expect(result.accepted).toBe(true);
    expect(byId(result).issuer!.ok).toBeNull();
    expect(byId(result).audience!.ok).toBeNull();
  });

  it('refuses a token signed by a key not in the set', async () => {
    const other = await generateKeyPair('RS256');
    const token = await signWith(other.privateKey, 'RS256', { iss: 'https://idp.test/', aud: 'kafka-a', sub: 'svc' }, { kid: 'test-key-1' });
    const result = await run(token);
    expect(byId(result).signature).toMatchObject({ ok: false, detail: 'the signature does not match the key' });
  });

  it('refuses a token whose kid is not in the set', async () => {
    const token = await idp.sign({ sub: 'svc', iss: 'https://idp.test/', aud: 'kafka-a' }, { kid: 'unknown' });
    expect(byId(await run(token)).signature!.detail).toMatch(/no key in the key set matches/);
  });

  it('refuses HMAC tokens: a key set verifies public-key signatures only', async () => {
    const token = await signWith(randomBytes(32), 'HS256', { sub: 'svc' });
    expect(byId(await run(token)).signature!.ok).toBe(false);
  });

  it('reports an unreachable key set and a missing URL', async () => {
    const token = await idp.sign({ sub: 'svc', iss: 'https://idp.test/', aud: 'kafka-a' });
    const down = await run(token, kafkaConfig('http://127.0.0.1:1/jwks.json'));
    expect(byId(down).signature!.detail).toMatch(/fetching the key set failed: Connection failed: ECONNREFUSED/);
    const off = await run(token, { kafka: {} } as never);
    expect(byId(off).signature!.detail).toMatch(/not set: OAUTHBEARER is off/);
  });

  it('refuses what is not a JWT', async () => {
    const result = await run('not.a.jwt');
    expect(result).toMatchObject({ accepted: false, subject: null });
    expect(result.checks.map((c) => c.id)).toEqual(['format']);
  });
});

describe('OpenSearch token tester (the signing key)', () => {
  it('accepts an HMAC token and reports subject and roles', async () => {
    const secret = randomBytes(32);
    const config = {
      jwt: {
        enabled: true,
        signing_key: parseSigningKey(secret.toString('base64')).stored,
        roles_key: 'roles',
        subject_key: 'preferred_username',
        required_audience: 'search',
        required_issuer: 'https://idp.test/',
      },
    };
    const token = await signWith(secret, 'HS256', { preferred_username: 'alice', roles: ['admin', 'reader'], aud: 'search', iss: 'https://idp.test/' });
    const result = await testToken({ serviceType: 'opensearch', userConfig: config, token, now: NOW });
    expect(result.checks.filter((c) => c.ok === false)).toEqual([]);
    expect(result).toMatchObject({ accepted: true, subject: 'alice', roles: ['admin', 'reader'] });
  });

  it.each([['RS256'], ['ES256'], ['PS256']] as const)('verifies %s with a PEM public key', async (alg) => {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const config = { jwt: { enabled: true, signing_key: parseSigningKey(await exportSPKI(publicKey)).stored } };
    const token = await signWith(privateKey, alg, { sub: 'bob' });
    const result = await testToken({ serviceType: 'opensearch', userConfig: config, token, now: NOW });
    expect(result).toMatchObject({ accepted: true, subject: 'bob' });
  });

  // Seed 003's form, base64 of the PEM: once kept as an HMAC secret, so an RS256 token was refused.
  it.each([['RS256', 'RSA 2048-bit public key'], ['ES256', 'ECDSA P-256 public key']] as const)(
    'verifies %s with a key given as base64 of its PEM, and names the key',
    async (alg, label) => {
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
      const given = Buffer.from(await exportSPKI(publicKey)).toString('base64');
      const config = { jwt: { enabled: true, signing_key: parseSigningKey(given).stored } };
      const result = await testToken({ serviceType: 'opensearch', userConfig: config, token: await signWith(privateKey, alg, { sub: 'bob' }), now: NOW });
      expect(result).toMatchObject({ accepted: true, subject: 'bob' });
      expect(byId(result).signature!.detail).toBe(`verified with the ${label} (${alg})`);
    },
  );

  it('refuses an HS256 token forged with the public key as its secret (algorithm confusion)', async () => {
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    const stored = parseSigningKey(await exportSPKI(publicKey)).stored;
    const token = await signWith(new TextEncoder().encode(stored), 'HS256', { sub: 'mallory' });
    const result = await testToken({ serviceType: 'opensearch', userConfig: { jwt: { enabled: true, signing_key: stored } }, token, now: NOW });
    expect(byId(result).signature!.ok).toBe(false);
  });

  it('takes roles as a comma-separated string, and says when the claim is missing', async () => {
    const secret = randomBytes(32);
    const config = { jwt: { enabled: true, signing_key: secret.toString('base64'), roles_key: 'groups' } };
    const withRoles = await testToken({ serviceType: 'opensearch', userConfig: config, token: await signWith(secret, 'HS256', { sub: 'a', groups: 'x, y' }), now: NOW });
    expect(withRoles.roles).toEqual(['x', 'y']);
    const without = await testToken({ serviceType: 'opensearch', userConfig: config, token: await signWith(secret, 'HS256', { sub: 'a' }), now: NOW });
    expect(without).toMatchObject({ accepted: true, roles: [] });
    expect(byId(without).roles!.detail).toMatch(/no "groups" claim/);
  });

  it('uses the configured clock skew, 20 s by default', async () => {
    const secret = randomBytes(32);
    const token = await signWith(secret, 'HS256', { sub: 'a', exp: seconds(-25) });
    const base = { enabled: true, signing_key: secret.toString('base64') };
    expect((await testToken({ serviceType: 'opensearch', userConfig: { jwt: base }, token, now: NOW })).accepted).toBe(false);
    const lenient = { jwt: { ...base, jwt_clock_skew_tolerance_seconds: 30 } };
    expect((await testToken({ serviceType: 'opensearch', userConfig: lenient, token, now: NOW })).accepted).toBe(true);
  });

  it('accepts a token without exp (OpenSearch does not require one) and refuses when JWT is off', async () => {
    const secret = randomBytes(32);
    const token = await signWith(secret, 'HS256', { sub: 'a' }, { expiresIn: null });
    const on = await testToken({ serviceType: 'opensearch', userConfig: { jwt: { enabled: true, signing_key: secret.toString('base64') } }, token, now: NOW });
    expect(on.accepted).toBe(true);
    expect(byId(on).expiry!.ok).toBeNull();
    const off = await testToken({ serviceType: 'opensearch', userConfig: { jwt: { enabled: false, signing_key: secret.toString('base64') } }, token, now: NOW });
    expect(off.accepted).toBe(false);
    expect(byId(off).enabled!.detail).toMatch(/accepts no JWT/);
  });

  it('refuses a token signed with another secret, and wrong audience and issuer', async () => {
    const config = { jwt: { enabled: true, signing_key: randomBytes(32).toString('base64'), required_audience: 'search', required_issuer: 'https://idp.test/' } };
    const token = await signWith(randomBytes(32), 'HS256', { sub: 'a', aud: 'other', iss: 'https://other.test/' });
    const result = await testToken({ serviceType: 'opensearch', userConfig: config, token, now: NOW });
    expect(result.checks.filter((c) => c.ok === false).map((c) => c.id)).toEqual(['signature', 'issuer', 'audience']);
  });
});

describe('checkJwksEndpoint', () => {
  it('lists the keys with kid, algorithm and type', async () => {
    const idp = await startTestIdp({ alg: 'ES256', kid: 'k-ec' });
    try {
      expect(await checkJwksEndpoint(idp.jwksUrl)).toEqual({ ok: true, keys: [{ kid: 'k-ec', alg: 'ES256', kty: 'EC', use: 'sig', crv: 'P-256' }] });
    } finally {
      await idp.close();
    }
  });

  it.each([
    ['an HTTP error', (res: import('node:http').ServerResponse) => res.writeHead(500).end('boom'), /HTTP 500/],
    ['a body that is not JSON', (res: import('node:http').ServerResponse) => res.writeHead(200).end('<html>'), /not JSON/],
    ['JSON that is not a key set', (res: import('node:http').ServerResponse) => res.writeHead(200).end('{"a":1}'), /no "keys" list/],
    ['an empty key set', (res: import('node:http').ServerResponse) => res.writeHead(200).end('{"keys":[]}'), /holds no keys/],
    ['a redirect', (res: import('node:http').ServerResponse) => res.writeHead(302, { location: 'http://169.254.169.254/' }).end(), /redirects are not followed/],
  ])('reports %s exactly', async (_name, route, message) => {
    const server = await startServer({ '/jwks': (_req, res) => route(res) });
    try {
      const result = await checkJwksEndpoint(server.url('/jwks'));
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error).toMatch(message);
    } finally {
      await server.close();
    }
  });

  it('refuses the metadata address without connecting', async () => {
    expect(await checkJwksEndpoint('http://169.254.169.254/latest/meta-data/')).toEqual({
      ok: false,
      error: 'Refused: 169.254.169.254 is link-local (cloud metadata services live here)',
    });
  });
});
