import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authorizeProject } from '@/lib/auth/gate';
import type { Ctx } from '@/lib/context';
import { createProject, projectAccess } from '@/lib/projects/manage';
import { findProjectOwner } from '@/lib/model/projects';
import { rejection } from '@/lib/testing/errors';
import { addMember, API_META, apiSignIn, seedOrganizationWithAdmin } from '@/lib/testing/members';
import { dumpDatabase, listAuditEvents, testCtx } from '@/lib/testing/seed';
import { startServer, startTestIdp } from '@/lib/testing/jwks-server';
import {
  assertRollingRestartConfirmed,
  checkServiceJwks,
  createService,
  deleteService,
  getService,
  listServices,
  mayChangeService,
  rollingRestartKeys,
  testServiceToken,
  updateService,
} from './manage';
import { maskedFlatUserConfig } from './secrets';
import { describeSigningKey } from './signing-key';
import { serviceToWire } from './wire';

async function setup(ctx: Ctx, { superAdmin = true } = {}) {
  const { organization: org, admin: user } = await seedOrganizationWithAdmin(ctx, { adminPasswordHash: null });
  const { principal } = await apiSignIn(ctx, user.id, API_META);
  await createProject({ ctx, principal, meta: API_META, input: { project: 'prod', account_id: org.accountId } });
  const member = await addMember(ctx, org.id, { passwordHash: null });
  const memberPrincipal = (await apiSignIn(ctx, member.id, API_META)).principal;
  const callOf = async (p: typeof principal) => ({
    ctx,
    principal: p,
    meta: API_META,
    access: await projectAccess(ctx, p, 'prod', authorizeProject(p, 'prod', await findProjectOwner(ctx, 'prod'), API_META.ip)),
  });
  const scopedAdmin = async (scopes: string[]) =>
    await callOf((await apiSignIn(ctx, user.id, API_META, { scopes })).principal);
  return { org, call: await callOf(superAdmin ? principal : memberPrincipal), adminCall: await callOf(principal), memberCall: await callOf(memberPrincipal), scopedAdmin };
}

const SUB = { kafka: { sasl_oauthbearer_sub_claim_name: 'sub' } };

describe('services', () => {
  it('are created, listed, read and deleted, each step audited', async () => {
    const ctx = testCtx();
    const { call, org } = await setup(ctx);
    const kafka = await createService({ ...call, input: { service_name: 'kafka-1', service_type: 'kafka', plan: 'business-4' } });
    await createService({ ...call, input: { service_name: 'search', service_type: 'opensearch', plan: 'startup-4', cloud: 'aws-eu-west-1' } });
    expect((await listServices(call)).map((s) => s.name)).toEqual(['kafka-1', 'search']);
    expect(serviceToWire(await getService({ ...call, name: 'kafka-1' }), call.access.project, { revealSecrets: true })).toMatchObject({
      service_name: 'kafka-1',
      service_type: 'kafka',
      plan: 'business-4',
      state: 'RUNNING',
      user_config: {},
      project_name: 'prod',
    });
    await deleteService({ ...call, name: kafka.name });
    expect((await rejection(() => getService({ ...call, name: 'kafka-1' }))).status).toBe(404);
    const events = (await listAuditEvents(ctx)).filter((e) => e.event.startsWith('service.'));
    expect(events.map((e) => [e.event, e.details.service, e.organizationId])).toEqual(
      expect.arrayContaining([
        ['service.created', 'kafka-1', org.id],
        ['service.created', 'search', org.id],
        ['service.deleted', 'kafka-1', org.id],
      ]),
    );
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['an unknown type', { service_name: 's', service_type: 'pg', plan: 'startup-4' }, 'service_type', /kafka" or "opensearch/],
    ['an unknown plan', { service_name: 's', service_type: 'kafka', plan: 'hobbyist' }, 'plan', /one of startup-2/],
    ['a bad name', { service_name: 'Kafka 1', service_type: 'kafka', plan: 'startup-2' }, 'service_name', /lowercase/],
    ['bad user_config', { service_name: 's', service_type: 'kafka', plan: 'startup-2', user_config: { kafka: { nope: 1 } } }, 'user_config.kafka', /Unsupported option "nope"/],
  ])('refuses %s beside the field', async (_name, input, field, message) => {
    const ctx = testCtx();
    const error = await rejection(async () => await createService({ ...(await setup(ctx)).call, input }));
    expect(error.status).toBe(400);
    expect(error.fieldErrors[field]![0]).toMatch(message);
  });

  it('refuses a duplicate name with 409 and changes by members who are not super admins', async () => {
    const ctx = testCtx();
    const { adminCall, memberCall } = await setup(ctx);
    await createService({ ...adminCall, input: { service_name: 'k', service_type: 'kafka', plan: 'startup-2' } });
    const duplicate = await rejection(() => createService({ ...adminCall, input: { service_name: 'k', service_type: 'kafka', plan: 'startup-2' } }));
    expect([duplicate.status, duplicate.message, duplicate.fieldErrors]).toEqual([409, 'Service prod/k already exists', { service_name: ['Service prod/k already exists'] }]);
    // Members read; they do not change.
    expect(await listServices(memberCall)).toHaveLength(1);
    expect((await rejection(() => updateService({ ...memberCall, name: 'k', input: { user_config: SUB } }))).status).toBe(403);
    expect((await rejection(() => deleteService({ ...memberCall, name: 'k' }))).status).toBe(403);
    expect((await rejection(() => createService({ ...memberCall, input: { service_name: 'k2', service_type: 'kafka', plan: 'startup-2' } }))).status).toBe(403);
  });
});

describe('updateService (avn service update -c)', () => {
  it('merges the keys given, removes those set to null, keeps the rest, and audits old and new values', async () => {
    const ctx = testCtx();
    const { call } = await setup(ctx);
    await createService({ ...call, input: { service_name: 'k', service_type: 'kafka', plan: 'startup-2' } });
    await updateService({ ...call, name: 'k', input: { plan: 'startup-2', user_config: { kafka: { sasl_oauthbearer_jwks_endpoint_url: 'https://idp.test/jwks', sasl_oauthbearer_expected_issuer: 'https://idp.test/' } } } });
    const { service, changedKeys } = await updateService({ ...call, name: 'k', input: { plan: 'startup-2', user_config: SUB } });
    expect(changedKeys).toEqual(['kafka.sasl_oauthbearer_sub_claim_name']);
    expect(service.userConfig).toEqual({
      kafka: { sasl_oauthbearer_jwks_endpoint_url: 'https://idp.test/jwks', sasl_oauthbearer_expected_issuer: 'https://idp.test/', sasl_oauthbearer_sub_claim_name: 'sub' },
    });
    const removed = await updateService({ ...call, name: 'k', input: { plan: 'startup-2', user_config: { kafka: { sasl_oauthbearer_expected_issuer: null } } } });
    expect(removed.service.userConfig).toEqual({ kafka: { sasl_oauthbearer_jwks_endpoint_url: 'https://idp.test/jwks', sasl_oauthbearer_sub_claim_name: 'sub' } });
    const last = (await listAuditEvents(ctx)).filter((e) => e.event === 'service.updated').at(-1)!;
    expect(last.details).toEqual({
      project: 'prod',
      service: 'k',
      service_type: 'kafka',
      old: { 'user_config.kafka.sasl_oauthbearer_expected_issuer': 'https://idp.test/' },
      new: { 'user_config.kafka.sasl_oauthbearer_expected_issuer': null },
    });
  });

  it('an empty user_config changes nothing and records nothing', async () => {
    const ctx = testCtx();
    const { call } = await setup(ctx);
    await createService({ ...call, input: { service_name: 'k', service_type: 'kafka', plan: 'startup-2', user_config: SUB } });
    const before = (await listAuditEvents(ctx)).length;
    expect((await updateService({ ...call, name: 'k', input: { plan: 'startup-2', user_config: {} } })).changedKeys).toEqual([]);
    expect(await listAuditEvents(ctx)).toHaveLength(before);
  });

  it('stores the signing key base64, masks it in the audit log and the console', async () => {
    const ctx = testCtx();
    const { call } = await setup(ctx);
    await createService({ ...call, input: { service_name: 'os', service_type: 'opensearch', plan: 'startup-4' } });
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = publicKey.export({ format: 'pem', type: 'spki' }) as string;
    const { service } = await updateService({ ...call, name: 'os', input: { user_config: { jwt: { enabled: true, signing_key: pem } } } });
    const stored = (service.userConfig.jwt as { signing_key: string }).signing_key;
    expect(stored).toBe((publicKey.export({ format: 'der', type: 'spki' }) as Buffer).toString('base64'));
    expect(maskedFlatUserConfig(service)['jwt.signing_key']).toMatch(/^•+ \(sha256 [0-9a-f]{8}\)$/);
    const secret = randomBytes(32).toString('base64');
    await updateService({ ...call, name: 'os', input: { user_config: { jwt: { signing_key: secret } } } });
    const audit = JSON.stringify(await listAuditEvents(ctx));
    expect(audit).not.toContain(stored);
    expect(audit).not.toContain(secret);
    expect(audit).toContain('user_config.jwt.signing_key');
    // The audit log shows each key's type and size beside its fingerprint.
    const change = (await listAuditEvents(ctx)).filter((e) => e.event === 'service.updated').at(-1)!.details as { old: Record<string, string>; new: Record<string, string> };
    expect(change.old['user_config.jwt.signing_key']).toMatch(/^ECDSA P-256 public key •{8} \(sha256 [0-9a-f]{8}\)$/);
    expect(change.new['user_config.jwt.signing_key']).toMatch(/^HMAC secret, 32 bytes •{8} \(sha256 [0-9a-f]{8}\)$/);
  });

  it('reads base64 of a PEM as the public key it is (it was once kept as a 451-byte HMAC secret), and its stored form round-trips', async () => {
    const ctx = testCtx();
    const { call } = await setup(ctx);
    await createService({ ...call, input: { service_name: 'os', service_type: 'opensearch', plan: 'startup-4' } });
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const given = Buffer.from(publicKey.export({ format: 'pem', type: 'spki' }) as string).toString('base64');
    const { service } = await updateService({ ...call, name: 'os', input: { user_config: { jwt: { enabled: true, signing_key: given } } } });
    const stored = (service.userConfig.jwt as { signing_key: string }).signing_key;
    expect(stored).toBe((publicKey.export({ format: 'der', type: 'spki' }) as Buffer).toString('base64'));
    expect(describeSigningKey(stored)).toMatch(/^RSA 2048-bit public key •{8}/);
    // What GET returned, sent back (avn, Terraform): nothing changes, nothing is audited.
    const before = (await listAuditEvents(ctx)).length;
    expect((await updateService({ ...call, name: 'os', input: { user_config: { jwt: { enabled: true, signing_key: stored } } } })).changedKeys).toEqual([]);
    expect(await listAuditEvents(ctx)).toHaveLength(before);
  });

  it('refuses base64 of an RSA 4096-bit PEM over the 1,024-character limit with the forms that fit, and writes nothing', async () => {
    const ctx = testCtx();
    const { call } = await setup(ctx);
    await createService({ ...call, input: { service_name: 'os', service_type: 'opensearch', plan: 'startup-4' } });
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 4096 });
    const pem = publicKey.export({ format: 'pem', type: 'spki' }) as string;
    const before = await dumpDatabase(ctx);
    const error = await rejection(async () =>
      await updateService({ ...call, name: 'os', input: { user_config: { jwt: { enabled: true, signing_key: Buffer.from(pem).toString('base64') } } } }),
    );
    expect(error.status).toBe(400);
    expect(error.fieldErrors).toEqual({
      'user_config.jwt.signing_key': [
        "1,068 characters, over the limit of 1,024: give this RSA 4096-bit public key as the PEM itself (799 characters) or as base64 of its DER, the PEM's body without header lines (736 characters)",
      ],
    });
    expect(await dumpDatabase(ctx)).toBe(before);
    // The PEM itself, as the message says, is taken.
    const { service } = await updateService({ ...call, name: 'os', input: { user_config: { jwt: { enabled: true, signing_key: pem } } } });
    expect(describeSigningKey((service.userConfig.jwt as { signing_key: string }).signing_key)).toMatch(/^RSA 4096-bit public key/);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['a weak HMAC key', { jwt: { enabled: true, signing_key: 'c2hvcnQ=' } }, 'user_config.jwt.signing_key', /use at least 32/],
    ['base64 of PEM text that is no key', { jwt: { enabled: true, signing_key: Buffer.from('-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n').toString('base64') } }, 'user_config.jwt.signing_key', /^not a readable PEM public key \(it is base64 of a PEM block\)/],
    ['a private key', { jwt: { enabled: true, signing_key: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }) as string } }, 'user_config.jwt.signing_key', /^that is a private key:/],
    ['jwt without its signing key', { jwt: { enabled: true } }, 'user_config.jwt.signing_key', /Required/],
    ['a skew out of range', { jwt: { jwt_clock_skew_tolerance_seconds: 301 } }, 'user_config.jwt.jwt_clock_skew_tolerance_seconds', /0 to 300/],
    ['removing a required key', { jwt: { enabled: null } }, 'user_config.jwt.enabled', /true or false/],
    ['a nested __proto__ key', JSON.parse('{"jwt": {"__proto__": {"x": 1}}}'), 'user_config.jwt', /Unsupported option "__proto__"/],
  ])('refuses %s and writes nothing', async (_name, userConfig, field, message) => {
    const ctx = testCtx();
    const { call } = await setup(ctx);
    await createService({ ...call, input: { service_name: 'os', service_type: 'opensearch', plan: 'startup-4' } });
    const before = await dumpDatabase(ctx);
    const error = await rejection(() => updateService({ ...call, name: 'os', input: { user_config: userConfig } }));
    expect(error.status).toBe(400);
    expect(error.fieldErrors[field]![0]).toMatch(message);
    expect(await dumpDatabase(ctx)).toBe(before);
  });

  it('drops a top-level __proto__ key (zod records skip it) without touching any prototype', async () => {
    const ctx = testCtx();
    const { call } = await setup(ctx);
    await createService({ ...call, input: { service_name: 'k', service_type: 'kafka', plan: 'startup-2' } });
    const result = await updateService({ ...call, name: 'k', input: JSON.parse('{"user_config": {"__proto__": {"polluted": 1}}}') });
    expect(result.changedKeys).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('changes the plan within the type’s plans and refuses others', async () => {
    const ctx = testCtx();
    const { call } = await setup(ctx);
    await createService({ ...call, input: { service_name: 'k', service_type: 'kafka', plan: 'startup-2' } });
    expect((await updateService({ ...call, name: 'k', input: { plan: 'business-4', user_config: {} } })).service.plan).toBe('business-4');
    const refused = await rejection(() => updateService({ ...call, name: 'k', input: { plan: 'startup-4' } }));
    const plans = 'Plan must be one of startup-2, business-4, business-8, premium-6x-8';
    expect([refused.status, refused.message, refused.fieldErrors]).toEqual([400, plans, { plan: [plans] }]);
  });

  it('reads a signing key only of OpenSearch and only as text: Kafka has no jwt options, a number is no key', async () => {
    const ctx = testCtx();
    const { call } = await setup(ctx);
    const kafka = await rejection(() => createService({ ...call, input: { service_name: 'k', service_type: 'kafka', plan: 'startup-2', user_config: { jwt: { signing_key: 'not base64!' } } } }));
    expect([kafka.status, kafka.message, kafka.fieldErrors]).toEqual([400, 'user_config: Unsupported option "jwt"', { user_config: ['Unsupported option "jwt"'] }]);
    const notText = await rejection(() => createService({ ...call, input: { service_name: 'os', service_type: 'opensearch', plan: 'startup-4', user_config: { jwt: { enabled: true, signing_key: 42 } } } }));
    expect([notText.status, notText.message, notText.fieldErrors]).toEqual([400, 'user_config: jwt.signing_key: Enter text', { 'user_config.jwt.signing_key': ['Enter text'] }]);
    expect(await listServices(call)).toEqual([]);
  });

  it("the console's choice of algorithm reaches the signing key check: a PEM where HMAC was chosen is refused", async () => {
    const ctx = testCtx();
    const { call } = await setup(ctx);
    await createService({ ...call, input: { service_name: 'os', service_type: 'opensearch', plan: 'startup-4' } });
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }) as string;
    const before = await dumpDatabase(ctx);
    const refused = await rejection(() => updateService({ ...call, name: 'os', signingKeyKind: 'hmac', input: { user_config: { jwt: { enabled: true, signing_key: pem } } } }));
    expect([refused.status, refused.fieldErrors]).toEqual([
      400,
      { 'user_config.jwt.signing_key': ['that is a PEM key; choose RSA/ECDSA for it, or for HMAC enter the shared secret in base64'] },
    ]);
    expect(await dumpDatabase(ctx)).toBe(before);
    expect((await updateService({ ...call, name: 'os', signingKeyKind: 'public_key', input: { user_config: { jwt: { enabled: true, signing_key: pem } } } })).changedKeys).toEqual([
      'jwt.enabled',
      'jwt.signing_key',
    ]);
  });
});

describe('rolling restart confirmation', () => {
  it.each<[string, 'kafka' | 'opensearch', string[], string[]]>([
    ['every Kafka OAUTHBEARER key', 'kafka', ['kafka.sasl_oauthbearer_jwks_endpoint_url', 'kafka.sasl_oauthbearer_expected_issuer', 'kafka.sasl_oauthbearer_expected_audience', 'kafka.sasl_oauthbearer_sub_claim_name'], ['kafka.sasl_oauthbearer_jwks_endpoint_url', 'kafka.sasl_oauthbearer_expected_issuer', 'kafka.sasl_oauthbearer_expected_audience', 'kafka.sasl_oauthbearer_sub_claim_name']],
    ['no OpenSearch key', 'opensearch', ['jwt.enabled', 'jwt.signing_key'], []],
    ['nothing for an empty patch', 'kafka', [], []],
  ])('%s', (_name, type, keys, expected) => expect(rollingRestartKeys(type, keys)).toEqual(expected));

  it('refuses an unconfirmed Kafka change and lets a confirmed one through', async () => {
    const keys = ['kafka.sasl_oauthbearer_sub_claim_name'];
    expect((await rejection(() => assertRollingRestartConfirmed('kafka', keys, false))).message).toMatch(/restarts the Kafka brokers one by one: confirm/);
    expect(() => assertRollingRestartConfirmed('kafka', keys, true)).not.toThrow();
    expect(() => assertRollingRestartConfirmed('opensearch', ['jwt.enabled'], false)).not.toThrow();
  });
});

describe('who may change a service: its secrets and its JWKS fetches', () => {
  const HMAC = randomBytes(32).toString('base64');

  it.each<[string, (s: Awaited<ReturnType<typeof setup>>) => Parameters<typeof mayChangeService>[0] | Promise<Parameters<typeof mayChangeService>[0]>, boolean]>([
    ['a super admin', (s) => s.adminCall, true],
    ['a super admin through a `projects` token', (s) => s.scopedAdmin(['projects']), true],
    ['a super admin through a `projects:write` token', (s) => s.scopedAdmin(['projects:write']), true],
    ['a super admin through a `projects:read` token', (s) => s.scopedAdmin(['projects:read']), false],
    ['a super admin through a `user` token', (s) => s.scopedAdmin(['user']), false],
    ['a plain member', (s) => s.memberCall, false],
  ])('%s: may change %s', async (_name, pick, expected) => {
    const ctx = testCtx();
    expect(mayChangeService(await pick(await setup(ctx)))).toBe(expected);
  });

  it('the API hands the signing key to those who may change the service, a fingerprint to everyone else', async () => {
    const ctx = testCtx();
    const { adminCall, memberCall, scopedAdmin } = await setup(ctx);
    await createService({ ...adminCall, input: { service_name: 'os', service_type: 'opensearch', plan: 'startup-4', user_config: { jwt: { enabled: true, signing_key: HMAC } } } });
    const wireFor = async (call: typeof adminCall) =>
      serviceToWire(await getService({ ...call, name: 'os' }), call.access.project, { revealSecrets: mayChangeService(call) }).user_config as { jwt: Record<string, unknown> };
    expect((await wireFor(adminCall)).jwt.signing_key).toBe(HMAC);
    for (const reader of [memberCall, await scopedAdmin(['projects:read'])]) {
      const { jwt } = await wireFor(reader);
      expect(jwt.signing_key).toMatch(/^•{8} \(sha256 [0-9a-f]{8}\)$/);
      expect(jwt.enabled).toBe(true);
      expect(JSON.stringify(jwt)).not.toContain(HMAC);
    }
  });

  it('"Check JWKS endpoint": a plain member gets 403 and the server fetches nothing; an admin gets the keys', async () => {
    const ctx = testCtx();
    const { adminCall, memberCall, scopedAdmin } = await setup(ctx);
    await createService({ ...adminCall, input: { service_name: 'k', service_type: 'kafka', plan: 'startup-2' } });
    const idp = await startTestIdp({ alg: 'ES256', kid: 'k1' });
    let hits = 0;
    const counter = await startServer({ '/jwks': (_req, res) => (hits++, res.writeHead(200).end('{"keys":[]}')) });
    try {
      for (const reader of [memberCall, await scopedAdmin(['projects:read'])]) {
        const error = await checkServiceJwks({ ...reader, name: 'k', url: counter.url('/jwks') }).then(
          () => null,
          (e: unknown) => e as { status: number; message: string },
        );
        expect(error?.status).toBe(403);
      }
      const member = await checkServiceJwks({ ...memberCall, name: 'k', url: counter.url('/jwks') }).catch((e: Error) => e.message);
      expect(member).toBe('Only super admins of organization "' + memberCall.access.membership!.organization.name + '" may change project prod');
      expect(hits).toBe(0);
      expect(await checkServiceJwks({ ...adminCall, name: 'k', url: idp.jwksUrl })).toMatchObject({ ok: true, keys: [{ kid: 'k1' }] });
      // An unknown service is 404 before anything else.
      await expect(checkServiceJwks({ ...adminCall, name: 'nope', url: idp.jwksUrl })).rejects.toMatchObject({ status: 404 });
    } finally {
      await idp.close();
      await counter.close();
    }
  });

  it('the token tester: Kafka (it fetches the JWKS URL) only for those who may change the service; OpenSearch for every reader', async () => {
    const ctx = testCtx();
    const { adminCall, memberCall } = await setup(ctx);
    await createService({ ...adminCall, input: { service_name: 'k', service_type: 'kafka', plan: 'startup-2', user_config: { kafka: { sasl_oauthbearer_jwks_endpoint_url: 'http://127.0.0.1:9/jwks' } } } });
    await createService({ ...adminCall, input: { service_name: 'os', service_type: 'opensearch', plan: 'startup-4', user_config: { jwt: { enabled: true, signing_key: HMAC } } } });
    let fetched = 0;
    const loadJwks = async () => {
      fetched++;
      return { keys: [] };
    };
    await expect(testServiceToken({ ...memberCall, name: 'k', token: 'a.b.c' }, loadJwks)).rejects.toMatchObject({ status: 403 });
    expect(fetched).toBe(0);
    expect((await testServiceToken({ ...memberCall, name: 'os', token: 'not-a-jwt' }, loadJwks)).accepted).toBe(false);
    await testServiceToken({ ...adminCall, name: 'k', token: 'a.b.c' }, loadJwks);
  });
});
