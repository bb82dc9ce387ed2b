import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { organizations } from '@/db/tables';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { principalOf, seedTotp } from '@/lib/testing/members';
import { TestIdp } from '@/lib/testing/saml-idp';
import { listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser } from '@/lib/testing/seed';
import { createTestDb } from '@/lib/testing/db';
import { assertNoHeldBackSession, authorizeSessionStart, linkPreview } from './authorize-start';
import { SamlError } from './errors';
import { seedOrganizationWithSamlIdp } from '@/lib/testing/identity-providers';
import { updateMethod } from '@/lib/identity-providers/manage';
import { findMethod } from './start';

// Who may start a flow that spends the browser's session (link, test), and when a browser's
// session may not start SSO at all. The attacker: Mallory, admin of her own organization with
// an IdP whose keys she holds; the victim: Vic, a member of another organization.

const BASE = 'https://console.example.test';
const SAME = new Headers({ origin: BASE, 'sec-fetch-site': 'same-origin' });
const META = { ip: '192.0.2.7', userAgent: 'vitest' };
let idp: TestIdp;
beforeAll(async () => {
  idp = await TestIdp.create('https://idp.mallory.test/saml');
});

async function setup() {
  const ctx: Ctx = { db: createTestDb(), now: new Date() };
  const mallorysIdp = { organizationName: 'Mallory Org', adminEmail: 'mallory@mallory.test', name: 'Mallory IdP', idpUrl: 'https://idp.mallory.test/sso' };
  const { organization: mallorys, admin: mallory, call, method } = await seedOrganizationWithSamlIdp(ctx, idp, mallorysIdp);
  const found = async () => (await findMethod(ctx, mallorys.accountId, method.id))!;
  const victims = await seedOrganization(ctx, { name: 'Victim Org' });
  const vic = await seedUser(ctx, { email: 'vic@victim.test' });
  await seedMembership(ctx, { organizationId: victims.id, userId: vic.id });
  const session = async (userId: string, authMethod = 'password') => (await seedToken(ctx, userId, { kind: 'session', authMethod, createdManually: false, maxAgeSeconds: 3600 })).fullToken;
  const start = async (purpose: 'link' | 'test', cookieToken: string | null, headers: Headers = SAME) =>
    await authorizeSessionStart({ ctx, input: { purpose, found: await found(), cookieToken, headers, baseUrl: BASE, ...META } });
  return { ctx, mallorys, mallory, method, found, victims, vic, session, start, call };
}

async function thrown(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

async function samlRefusal(run: () => unknown): Promise<SamlError> {
  const error = await thrown(run);
  expect(error).toBeInstanceOf(SamlError);
  return error as SamlError;
}

describe('authorizeSessionStart: link', () => {
  it('a member of the IdP\'s organization may link it, from a page of ours', async () => {
    const s = await setup();
    const colleague = await seedUser(s.ctx, { email: 'col@mallory.test' });
    await seedMembership(s.ctx, { organizationId: s.mallorys.id, userId: colleague.id });
    expect((await s.start('link', await s.session(colleague.id))).principal.user.id).toBe(colleague.id);
    // Without Origin, the browser's Sec-Fetch-Site: same-origin is enough.
    expect((await s.start('link', await s.session(colleague.id), new Headers({ 'sec-fetch-site': 'same-origin' }))).principal.user.id).toBe(colleague.id);
  });

  it('a POST made on another site is refused before the session is used, and audited for both sides', async () => {
    const s = await setup();
    const error = await samlRefusal(async () => await s.start('link', await s.session(s.vic.id), new Headers({ origin: 'https://mallory.example', 'sec-fetch-site': 'cross-site' })));
    expect(error.reason).toBe('cross_site');
    expect(error.status).toBe(403);
    expect(error.message).toBe('This request was not made on a page of this console (the browser says it came from a cross-site page).');
    const audit = (await listAuditEvents(s.ctx)).filter((e) => e.event === 'auth.sign_in_failed');
    expect(audit.map((e) => e.organizationId).sort()).toEqual([s.mallorys.id, s.victims.id].sort());
    expect(audit[0]).toMatchObject({
      actorUserId: s.vic.id,
      actorEmail: 'vic@victim.test',
      ip: META.ip,
      userAgent: META.userAgent,
      details: { method: 'saml', purpose: 'link', stage: 'start', reason: 'cross_site' },
    });
  });

  it('a cross-site POST without the cookie is audited in the IdP\'s organization only', async () => {
    const s = await setup();
    expect((await samlRefusal(() => s.start('link', null, new Headers({ origin: 'null' })))).reason).toBe('cross_site');
    expect((await listAuditEvents(s.ctx)).filter((e) => e.event === 'auth.sign_in_failed')).toMatchObject([{ organizationId: s.mallorys.id, actorUserId: null }]);
  });

  it('another organization\'s member may not link it, even with other organizations\' IdPs allowed in theirs', async () => {
    const s = await setup();
    await s.ctx.db.update(organizations).set({ samlAllowExternal: true }).where(eq(organizations.id, s.victims.id));
    const error = await samlRefusal(async () => await s.start('link', await s.session(s.vic.id)));
    expect(error.reason).toBe('link_not_member');
    expect(error.status).toBe(403);
    expect(error.message).toBe(
      'You can link only identity providers of organizations you belong to: "Mallory IdP" belongs to organization "Mallory Org", which you are not a member of.',
    );
    expect((await listAuditEvents(s.ctx)).filter((e) => e.event === 'auth.sign_in_failed').map((e) => e.organizationId).sort()).toEqual([s.mallorys.id, s.victims.id].sort());
  });

  it('no session: 401 (sign in first); a revoked or unknown cookie likewise', async () => {
    const s = await setup();
    for (const cookie of [null, 'pcls_not-a-token']) {
      const error = await thrown(() => s.start('link', cookie));
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(401);
    }
  });

  it('the full gate: an organization IP allowlist that does not admit the address refuses', async () => {
    const s = await setup();
    await s.ctx.db.update(organizations).set({ ipAllowlist: ['10.0.0.0/8'] }).where(eq(organizations.id, s.victims.id));
    await seedMembership(s.ctx, { organizationId: s.mallorys.id, userId: s.vic.id });
    const error = await samlRefusal(async () => await s.start('link', await s.session(s.vic.id)));
    expect(error.reason).toBe('forbidden');
    expect(error.message).toMatch(/IP address 192\.0\.2\.7 is not in the IP allowlist of organization "Victim Org"/);
  });

  it('a password session held back by required 2FA enrollment may not link; an enrolled user or an SSO session may', async () => {
    const s = await setup();
    const colleague = await seedUser(s.ctx, { email: 'col@mallory.test' });
    await seedMembership(s.ctx, { organizationId: s.mallorys.id, userId: colleague.id });
    await seedMembership(s.ctx, { organizationId: s.victims.id, userId: colleague.id });
    // Held back by the other organization: a link is the user's own business, every organization governs it.
    await s.ctx.db.update(organizations).set({ twoFactorRequired: true }).where(eq(organizations.id, s.victims.id));
    const error = await samlRefusal(async () => await s.start('link', await s.session(colleague.id)));
    expect(error.reason).toBe('two_factor_enrollment_required');
    expect(error.status).toBe(403);
    expect(error.message).toBe(
      'Organization "Victim Org" requires two-factor authentication for password sign-ins. Set up an authenticator to continue. ' +
        'Until then this session cannot start single sign-on or link an identity provider: set up an authenticator under Profile → Authentication, or sign out first.',
    );
    // An SSO session is not held back (once Victim Org admits other organizations' IdPs at all).
    await s.ctx.db.update(organizations).set({ samlAllowExternal: true }).where(eq(organizations.id, s.victims.id));
    expect((await s.start('link', await s.session(colleague.id, `saml:${s.method.id}`))).principal.user.id).toBe(colleague.id);
    await seedTotp(s.ctx, colleague.id);
    expect((await s.start('link', await s.session(colleague.id))).principal.user.id).toBe(colleague.id);
  });
});

describe('authorizeSessionStart: test', () => {
  it('super admins of the IdP\'s organization only, from a page of ours', async () => {
    const s = await setup();
    expect((await s.start('test', await s.session(s.mallory.id))).principal.user.id).toBe(s.mallory.id);
    expect((await samlRefusal(async () => await s.start('test', await s.session(s.mallory.id), new Headers({ origin: 'https://evil.example' })))).reason).toBe('cross_site');
    const plain = await seedUser(s.ctx);
    await seedMembership(s.ctx, { organizationId: s.mallorys.id, userId: plain.id });
    for (const userId of [plain.id, s.vic.id]) {
      const error = await samlRefusal(async () => await s.start('test', await s.session(userId)));
      expect(error.reason).toBe('forbidden');
      expect(error.message).toBe('Only super admins of the organization may test its identity providers.');
    }
  });

  it('only the IdP\'s organization governs a test: another organization of the admin does not hold it back', async () => {
    const s = await setup();
    await seedMembership(s.ctx, { organizationId: s.victims.id, userId: s.mallory.id });
    await s.ctx.db.update(organizations).set({ twoFactorRequired: true, ipAllowlist: ['10.0.0.0/8'] }).where(eq(organizations.id, s.victims.id));
    expect((await s.start('test', await s.session(s.mallory.id))).principal.user.id).toBe(s.mallory.id);
  });

  it('the IdP organization\'s IP allowlist refuses a test by its super admin, in the allowlist\'s words', async () => {
    const s = await setup();
    await s.ctx.db.update(organizations).set({ ipAllowlist: ['10.0.0.0/8'] }).where(eq(organizations.id, s.mallorys.id));
    const error = await samlRefusal(async () => await s.start('test', await s.session(s.mallory.id)));
    expect(error.reason).toBe('forbidden');
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/IP address 192\.0\.2\.7 is not in the IP allowlist of organization "Mallory Org"/);
  });

  it('a held-back password session of the admin may not test', async () => {
    const s = await setup();
    await s.ctx.db.update(organizations).set({ twoFactorRequired: true }).where(eq(organizations.id, s.mallorys.id));
    expect((await samlRefusal(async () => await s.start('test', await s.session(s.mallory.id)))).reason).toBe('two_factor_enrollment_required');
  });
});

describe('assertNoHeldBackSession (signin, signup)', () => {
  it('no cookie, a dead cookie or a session that nothing holds back: the start goes on', async () => {
    const s = await setup();
    const check = async (cookieToken: string | null) => await assertNoHeldBackSession({ ctx: s.ctx, input: { purpose: 'signin', found: await s.found(), cookieToken, ...META } });
    await check(null);
    await check('pcls_dead');
    await check(await s.session(s.vic.id));
  });

  it('a held-back password session may not trade itself for an SSO session, and the refusal is audited', async () => {
    const s = await setup();
    await s.ctx.db.update(organizations).set({ twoFactorRequired: true }).where(eq(organizations.id, s.victims.id));
    const session = await s.session(s.vic.id);
    for (const purpose of ['signin', 'signup'] as const) {
      const error = await samlRefusal(async () => await assertNoHeldBackSession({ ctx: s.ctx, input: { purpose, found: await s.found(), cookieToken: session, ...META } }));
      expect(error.reason).toBe('two_factor_enrollment_required');
    }
    const refused = (await listAuditEvents(s.ctx)).filter((e) => e.event === 'auth.sign_in_failed' && e.details.reason === 'two_factor_enrollment_required');
    expect(refused).toHaveLength(4);
    for (const event of refused) expect(event).toMatchObject({ actorUserId: s.vic.id, actorEmail: 'vic@victim.test', ip: META.ip, userAgent: META.userAgent });
    await seedTotp(s.ctx, s.vic.id);
    await assertNoHeldBackSession({ ctx: s.ctx, input: { purpose: 'signin', found: await s.found(), cookieToken: session, ...META } });
  });
});

describe('linkPreview (the confirmation page)', () => {
  it('says why instead of offering the button: not a member, or the IdP cannot be used now', async () => {
    const s = await setup();
    expect((await linkPreview(s.ctx, await principalOf(s.ctx, s.vic.id), await s.found())).refusal).toMatch(/^You can link only identity providers of organizations you belong to/);
    expect((await linkPreview(s.ctx, await principalOf(s.ctx, s.mallory.id), await s.found())).refusal).toBeNull();
    await updateMethod({ ...s.call, methodId: s.method.id, input: { authentication_method_enabled: false } });
    expect((await linkPreview(s.ctx, await principalOf(s.ctx, s.mallory.id), await s.found())).refusal).toBe('Identity provider "Mallory IdP" is disabled.');
  });
});
