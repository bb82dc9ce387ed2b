import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';
import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import { auditOf, seedMember, seedOrgMember, unique } from '../support/seed';

// OpenSearch's jwt.signing_key on the wire, in the forms seed 003 gives it ("base64-encoded
// signing key (PEM-formatted RSA/ECDSA public key or HMAC secret key)"), sent as
// `PUT /v1/project/{project}/service/{service}` with {"user_config": {"jwt": {...}}} (the seed's
// curl, and what `avn service update -c jwt.signing_key=...` sends). A public key comes back as
// the base64 of its DER; a refused key gets 400 with the API error body and nothing is stored.

const json = (token: string, value: unknown) => ({
  headers: { ...auth(token), 'content-type': 'application/json' },
  data: Buffer.from(JSON.stringify(value)),
});
const octet = (token: string) => ({ ...auth(token), 'content-type': 'application/octet-stream' });

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = (key: KeyObject) => key.export({ format: 'pem', type: 'spki' }) as string;
const der64 = (key: KeyObject) => (key.export({ format: 'der', type: 'spki' }) as Buffer).toString('base64');
const b64 = (text: string) => Buffer.from(text).toString('base64');

async function organizationService(request: APIRequestContext, token: string) {
  const accountId = (await (await request.get('/v1/account', { headers: octet(token) })).json()).accounts[0].account_id as string;
  const project = unique('search').toLowerCase();
  expect((await request.post('/v1/project', json(token, { project, account_id: accountId }))).status()).toBe(200);
  const service = `os-${randomBytes(3).toString('hex')}`;
  const created = await request.post(`/v1/project/${project}/service`, json(token, { service_name: service, service_type: 'opensearch', plan: 'startup-4' }));
  expect(created.status(), await created.text()).toBe(200);
  return { project, service, path: `/v1/project/${project}/service/${service}` };
}

const setKey = (request: APIRequestContext, token: string, path: string, signing_key: string) =>
  request.put(path, json(token, { user_config: { jwt: { enabled: true, signing_key } } }));

test.describe('OpenSearch jwt.signing_key', () => {
  test('a raw PEM, base64 of a PEM and base64 of the DER are stored as base64 of the DER; an HMAC secret as given', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const { path } = await organizationService(request, token);
    for (const [given, stored] of [
      [pem(rsa.publicKey), der64(rsa.publicKey)],
      [b64(pem(rsa.publicKey)), der64(rsa.publicKey)],
      [b64(pem(ec.publicKey)), der64(ec.publicKey)],
      [der64(ec.publicKey), der64(ec.publicKey)],
    ] as const) {
      const put = await setKey(request, token, path, given);
      expect(put.status(), await put.text()).toBe(200);
      expect((await put.json()).service.user_config.jwt).toEqual({ enabled: true, signing_key: stored });
      const get = await request.get(path, { headers: octet(token) });
      expect((await get.json()).service.user_config.jwt).toEqual({ enabled: true, signing_key: stored });
    }
    const secret = randomBytes(48).toString('base64');
    const put = await setKey(request, token, path, secret);
    expect((await put.json()).service.user_config.jwt.signing_key).toBe(secret);

    // Sending back what GET returned (avn reads the service before each update) changes nothing.
    await setKey(request, token, path, der64(rsa.publicKey));
    const before = (await auditOf(servers.main.database, { event: 'service.updated', actorEmail: member.email })).length;
    expect((await setKey(request, token, path, der64(rsa.publicKey))).status()).toBe(200);
    expect(await auditOf(servers.main.database, { event: 'service.updated', actorEmail: member.email })).toHaveLength(before);
  });

  test('bad keys get 400 with the API error body and leave the stored key alone', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const { path } = await organizationService(request, token);
    const good = der64(ec.publicKey);
    expect((await setKey(request, token, path, good)).status()).toBe(200);

    const rsa4096 = generateKeyPairSync('rsa', { modulusLength: 4096 }).publicKey;
    const garbage = b64('-----BEGIN PUBLIC KEY-----\nTUlJQklqQU5CZ2txaGtpRzl3MEJBUUVGQUFPQ0FROEFNSUlCQ2c=\n-----END PUBLIC KEY-----\n');
    const cases: [string, string, string | RegExp][] = [
      ['base64 of PEM text that is no key', garbage, "not a readable PEM public key (it is base64 of a PEM block): the block's body is damaged or is no RSA/ECDSA public key"],
      ['a private key', ec.privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, 'that is a private key: a key that verifies tokens must be public, and a private key is never stored; give its public key (openssl pkey -pubout)'],
      ['base64 of an RSA 4096-bit PEM', b64(pem(rsa4096)), `1,068 characters, over the limit of 1,024: give this RSA 4096-bit public key as the PEM itself (${pem(rsa4096).trim().length} characters) or as base64 of its DER, the PEM's body without header lines (736 characters)`],
      ['a short HMAC secret', randomBytes(16).toString('base64'), 'the HMAC secret is 16 bytes; use at least 32 (256 bits)'],
      ['text that is not base64', 'my secret!', 'not base64: encode the secret first (for example `printf %s "$SECRET" | base64`)'],
      ['an empty value', '', 'enter a key'],
    ];
    for (const [name, value, message] of cases) {
      const refused = await setKey(request, token, path, value);
      expect(refused.status(), name).toBe(400);
      expect(await refused.json(), name).toEqual({
        message: `jwt.signing_key: ${message}`,
        errors: [{ error_code: 'bad_request', message: `user_config.jwt.signing_key: ${message}`, status: 400 }],
      });
    }
    // The RSA 4096-bit key in the form the message names is taken.
    const taken = await setKey(request, token, path, pem(rsa4096));
    expect((await taken.json()).service.user_config.jwt.signing_key).toBe(der64(rsa4096));
  });

  // Whoever may not change the service cannot set its key (nor learn whether a key would be
  // accepted): a plain member and a read-only token get 403 before the key is read, another
  // organization's super admin 404 (the project does not exist for them).
  test('a plain member, a read-only token and another organization’s admin cannot set it', async ({ request, member }) => {
    const adminToken = await login(request, member.email, member.password);
    const { project, path } = await organizationService(request, adminToken);
    const good = der64(rsa.publicKey);
    expect((await setKey(request, adminToken, path, good)).status()).toBe(200);

    const colleague = await seedOrgMember(servers.main.database, member.organizationId);
    const memberToken = await login(request, colleague.email, colleague.password);
    const readOnly = (await (await request.post('/v1/access_token', json(adminToken, { description: 'read', scopes: ['projects:read'] }))).json()).full_token as string;
    const stranger = await seedMember(servers.main.database);
    const strangerToken = await login(request, stranger.email, stranger.password);

    const mine = der64(ec.publicKey);
    for (const [who, token, status, message] of [
      ['plain member', memberToken, 403, `Only super admins of organization "${member.organizationName}" may change project ${project}`],
      ['read-only token', readOnly, 403, "This token's scopes (projects:read) do not allow write access to projects"],
      ['another organization’s admin', strangerToken, 404, `Project ${project} not found`],
    ] as const) {
      for (const value of [mine, 'not a key']) {
        const refused = await setKey(request, token, path, value);
        expect(refused.status(), who).toBe(status);
        expect((await refused.json()).message, who).toBe(message);
      }
    }
    const stored = await request.get(path, { headers: octet(adminToken) });
    expect((await stored.json()).service.user_config.jwt.signing_key).toBe(good);
    expect(await auditOf(servers.main.database, { event: 'service.updated', actorEmail: colleague.email })).toHaveLength(0);
  });
});
