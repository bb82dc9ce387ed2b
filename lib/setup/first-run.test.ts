import argon2 from 'argon2';
import { describe, expect, it } from 'vitest';
import { memberships, organizations, passwordCredentials, users } from '@/db/tables';
import { iso, type Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { dumpDatabase, listAuditEvents, seedOrganization, T0, testCtx } from '@/lib/testing/seed';
import { completeSetup, isSetupNeeded, setupFromEnvironment } from './first-run';
import { asyncRejection as rejection } from '@/lib/testing/errors';
import { first } from '@/db/async';

const PASSWORD = 'correct horse battery staple';
const valid = { organizationName: '  Acme Corp  ', email: ' Admin@Example.TEST ', password: PASSWORD };
const consoleMeta = { ip: '203.0.113.1', userAgent: 'browser' };


async function rowCounts(ctx: Ctx) {
  return {
    organizations: (await ctx.db.select().from(organizations)).length,
    users: (await ctx.db.select().from(users)).length,
    memberships: (await ctx.db.select().from(memberships)).length,
    passwords: (await ctx.db.select().from(passwordCredentials)).length,
  };
}

describe('completeSetup', () => {
  it('creates the organization, its super admin and an argon2id hash of the password', async () => {
    const ctx = testCtx();
    expect(await isSetupNeeded(ctx)).toBe(true);
    const { organization, user } = await completeSetup({ ctx, input: valid, meta: consoleMeta });

    expect(await isSetupNeeded(ctx)).toBe(false);
    expect(organization).toMatchObject({ name: 'Acme Corp', tier: 'business', ipAllowlist: [], createTime: iso(T0) });
    expect(organization.id).toMatch(/^org[0-9a-f]{11}$/);
    expect(organization.accountId).toMatch(/^a[0-9a-f]{11}$/);
    expect(user).toMatchObject({ email: 'admin@example.test', state: 'active', isApplicationUser: false });
    expect(await ctx.db.select().from(memberships)).toEqual([
      { organizationId: organization.id, userId: user.id, isSuperAdmin: true, joinTime: iso(T0) },
    ]);

    const credential = (await first(ctx.db.select().from(passwordCredentials).limit(1)))!;
    expect(credential.userId).toBe(user.id);
    expect(credential.passwordHash).toMatch(/^\$argon2id\$/);
    expect(credential.passwordHash).not.toContain(PASSWORD);
    expect(await argon2.verify(credential.passwordHash, PASSWORD)).toBe(true);
    expect(await argon2.verify(credential.passwordHash, `${PASSWORD}!`)).toBe(false);

    // The plain password is nowhere in the database.
    const dump = await dumpDatabase(ctx);
    expect(dump).toContain(credential.passwordHash);
    expect(dump).not.toContain(PASSWORD);

    expect(await listAuditEvents(ctx)).toMatchObject([
      {
        event: 'setup.completed',
        organizationId: organization.id,
        actorUserId: user.id,
        actorEmail: 'admin@example.test',
        ip: '203.0.113.1',
        userAgent: 'browser',
        details: { organization_name: 'Acme Corp', source: 'console' },
      },
    ]);
  });

  it('runs once: a second setup is a 409 and changes nothing', async () => {
    const ctx = testCtx();
    await completeSetup({ ctx, input: valid, meta: consoleMeta });
    const before = await rowCounts(ctx);
    const error = await rejection(() =>
      completeSetup({ ctx, input: { ...valid, organizationName: 'Other', email: 'other@example.test' }, meta: consoleMeta }),
    );
    expect(error.status).toBe(409);
    expect(error.code).toBe('conflict');
    expect(await rowCounts(ctx)).toEqual(before);
  });

  it('is a 409 when any organization already exists', async () => {
    const ctx = testCtx();
    await seedOrganization(ctx);
    expect(await isSetupNeeded(ctx)).toBe(false);
    expect((await rejection(() => completeSetup({ ctx, input: valid, meta: consoleMeta }))).status).toBe(409);
    expect((await rowCounts(ctx)).users).toBe(0);
  });

  it.each([
    ['nothing', {}, ['organizationName', 'email', 'password']],
    ['not an object', 'setup', ['']],
    ['null', null, ['']],
    ['a blank organization name', { ...valid, organizationName: '   ' }, ['organizationName']],
    ['a long organization name', { ...valid, organizationName: 'x'.repeat(129) }, ['organizationName']],
    ['a bad email', { ...valid, email: 'not-an-email' }, ['email']],
    ['a long email', { ...valid, email: `${'x'.repeat(250)}@example.test` }, ['email']],
    ['a short password', { ...valid, password: 'short' }, ['password']],
    ['an 11-character password', { ...valid, password: 'x'.repeat(11) }, ['password']],
    ['a long password', { ...valid, password: 'x'.repeat(257) }, ['password']],
    ['a numeric password', { ...valid, password: 123456789012 }, ['password']],
    ['a bad email and a short password', { ...valid, email: 'x', password: 'y' }, ['email', 'password']],
  ])('400 with field errors for %s', async (_name, input, fields) => {
    const ctx = testCtx();
    const error = await rejection(() => completeSetup({ ctx, input, meta: consoleMeta }));
    expect(error.status).toBe(400);
    expect(Object.keys(error.fieldErrors).sort()).toEqual([...fields].sort());
    for (const field of fields) expect(error.fieldErrors[field]!.length).toBeGreaterThan(0);
    expect(await isSetupNeeded(ctx)).toBe(true);
  });

  it('names the password rule in the field error', async () => {
    const error = await rejection(() => completeSetup({ ctx: testCtx(), input: { ...valid, password: 'short' }, meta: consoleMeta }));
    expect(error.fieldErrors.password).toEqual(['Use at least 12 characters']);
    expect(error.message).toBe('password: Use at least 12 characters');
  });
});

describe('setupFromEnvironment', () => {
  const env = {
    PORTCULLIS_ORG_NAME: 'Env Org',
    PORTCULLIS_ADMIN_EMAIL: 'Root@Example.test',
    PORTCULLIS_ADMIN_PASSWORD: PASSWORD,
  };

  it('sets up from all three variables, recorded as from the environment', async () => {
    const ctx = testCtx();
    const result = await setupFromEnvironment(ctx, { ...env, UNRELATED: 'x' });
    expect(result?.organization.name).toBe('Env Org');
    expect(result?.user.email).toBe('root@example.test');
    expect(await isSetupNeeded(ctx)).toBe(false);
    expect(await listAuditEvents(ctx)).toMatchObject([
      { event: 'setup.completed', ip: null, userAgent: null, details: { organization_name: 'Env Org', source: 'environment' } },
    ]);
  });

  it.each([
    ['none', {}],
    ['all empty', { PORTCULLIS_ORG_NAME: '', PORTCULLIS_ADMIN_EMAIL: '', PORTCULLIS_ADMIN_PASSWORD: '' }],
  ])('does nothing with %s', async (_name, vars) => {
    const ctx = testCtx();
    expect(await setupFromEnvironment(ctx, vars)).toBeNull();
    expect(await isSetupNeeded(ctx)).toBe(true);
  });

  it.each([
    [['PORTCULLIS_ORG_NAME'], 'PORTCULLIS_ADMIN_EMAIL, PORTCULLIS_ADMIN_PASSWORD'],
    [['PORTCULLIS_ORG_NAME', 'PORTCULLIS_ADMIN_EMAIL'], 'PORTCULLIS_ADMIN_PASSWORD'],
    [['PORTCULLIS_ADMIN_PASSWORD'], 'PORTCULLIS_ORG_NAME, PORTCULLIS_ADMIN_EMAIL'],
  ] as const)('throws with only %j, naming what is missing', async (given, missing) => {
    const ctx = testCtx();
    const vars = Object.fromEntries(given.map((name) => [name, env[name]]));
    await expect(setupFromEnvironment(ctx, vars)).rejects.toThrow(`missing: ${missing}`);
    expect(await isSetupNeeded(ctx)).toBe(true);
  });

  it('instances started together make one organization: the ones that lose the race start as if it were set up', async () => {
    const ctx = testCtx();
    const results = await Promise.all([setupFromEnvironment(ctx, env), setupFromEnvironment(ctx, env), setupFromEnvironment(ctx, env)]);
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect((await ctx.db.select().from(organizations)).map((o) => o.name)).toEqual(['Env Org']);
    expect((await ctx.db.select().from(users)).map((u) => u.email)).toEqual(['root@example.test']);
  });

  it('treats an empty variable as missing', async () => {
    const ctx = testCtx();
    await expect(setupFromEnvironment(ctx, { ...env, PORTCULLIS_ADMIN_PASSWORD: '' })).rejects.toThrow(
      'missing: PORTCULLIS_ADMIN_PASSWORD',
    );
  });

  it('turns invalid values into a start-up error, not an AppError', async () => {
    const ctx = testCtx();
    const promise = setupFromEnvironment(ctx, { ...env, PORTCULLIS_ADMIN_PASSWORD: 'short' });
    await expect(promise).rejects.toThrow('First-run setup from the environment failed: password: Use at least 12 characters');
    await expect(promise).rejects.not.toBeInstanceOf(AppError);
    expect(await isSetupNeeded(ctx)).toBe(true);
  });

  it.each([
    ['all three', env],
    ['a partial set', { PORTCULLIS_ORG_NAME: 'Late' }],
  ])('ignores %s once set up', async (_name, vars) => {
    const ctx = testCtx();
    const existing = await seedOrganization(ctx, { name: 'Existing' });
    expect(await setupFromEnvironment(ctx, vars)).toBeNull();
    expect((await ctx.db.select().from(organizations)).map((o) => o.id)).toEqual([existing.id]);
    expect(await ctx.db.select().from(users)).toEqual([]);
  });
});
