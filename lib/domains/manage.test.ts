import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domains, users } from '@/db/tables';
import type { OrgCall } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { seedIdentityProvider } from '@/lib/testing/domains';
import { startTestDnsServer, type TestDnsServer } from '@/lib/testing/dns-server';
import { asyncRejection, rejection } from '@/lib/testing/errors';
import { addMember, callAs, seedOrganizationWithAdmin, setUserFields } from '@/lib/testing/members';
import { advance, listAuditEvents, seedUser, testCtx } from '@/lib/testing/seed';
import { challengeRecordName, challengeValue } from './challenge';
import {
  addDomain,
  countManagedUsersOfDomain,
  deleteDomain,
  getDomain,
  linkDomain,
  listDomains,
  listLinkableMethods,
  listMethodDomains,
  unlinkDomain,
  updateDomain,
  verifyDomain,
} from './manage';
import { first } from '@/db/async';

// The domain rules on in-memory SQLite, with verification against a real DNS server on
// 127.0.0.1 that each test publishes its records in.

let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startTestDnsServer();
});
afterAll(() => dns.close());

const settings = () => ({ dnsServers: [dns.server], timeoutMs: 800, httpBase: null, outbound: 'jwks' as const });

let n = 0;
/** A fresh organization with a super admin, and a domain name no other test uses. */
async function setup(ctx: Ctx = testCtx()) {
  const { organization, admin } = await seedOrganizationWithAdmin(ctx, { adminEmail: `admin${++n}@acme-admin.test` });
  const call = await callAs(ctx, admin.id, organization.id);
  return { ctx, organization, admin, call, name: `corp${n}.test` };
}

/** Publishes the domain's challenge in the test DNS server (the domain itself exists). */
function publish(domainName: string, token: string) {
  dns.set(domainName, {});
  dns.set(challengeRecordName(domainName), { txt: [challengeValue(token)] });
}

async function addVerified(call: OrgCall, name: string) {
  const { domain } = await addDomain({ ...call, input: { domain_name: name } });
  publish(name, domain.challengeToken);
  const verified = await verifyDomain({ ...call, domainId: domain.id, settings: settings() });
  expect(verified.domain.state).toBe('verified');
  return verified.domain;
}

const events = async (ctx: Ctx, prefix = 'domain.') => (await listAuditEvents(ctx)).filter((e) => e.event.startsWith(prefix));
const managerOf = async (ctx: Ctx, userId: string) =>
  (await first(ctx.db.select({ m: users.managingOrganizationId }).from(users).where(eq(users.id, userId)).limit(1)))!.m;

describe('addDomain', () => {
  it('stores the ASCII form, unverified, with a random challenge; audited', async () => {
    const { ctx, call, organization } = await setup();
    const { domain, linkedMethodIds } = await addDomain({ ...call, input: { domain_name: 'Bücher.Example' } });
    expect(domain).toMatchObject({ domainName: 'xn--bcher-kva.example', state: 'unverified', verificationType: 'dns', organizationId: organization.id });
    expect(domain.challengeToken).toMatch(/^[0-9a-f]{32}$/);
    expect(linkedMethodIds).toEqual([]);
    expect((await events(ctx)).map((e) => [e.event, e.details])).toEqual([
      ['domain.created', { domain_id: domain.id, domain_name: 'xn--bcher-kva.example', verification_type: 'dns' }],
    ]);
  });

  it('refuses a duplicate in the organization, whatever its spelling, with 409 "already exists"', async () => {
    const { call } = await setup();
    await addDomain({ ...call, input: { domain_name: 'xn--bcher-kva.example' } });
    for (const spelling of ['xn--bcher-kva.example', 'BÜCHER.example.', ' bücher.example ']) {
      const error = await rejection(() => addDomain({ ...call, input: { domain_name: spelling } }));
      expect(error.status).toBe(409);
      expect(error.message).toMatch(/already exists/);
      expect(error.fieldErrors.domain_name?.[0]).toMatch(/already exists/);
    }
  });

  it('lets another organization add the same name (each with its own challenge)', async () => {
    const ctx = testCtx();
    const a = await setup(ctx);
    const b = await setup(ctx);
    const da = (await addDomain({ ...a.call, input: { domain_name: 'shared.test' } })).domain;
    const db = (await addDomain({ ...b.call, input: { domain_name: 'shared.test' } })).domain;
    expect(da.challengeToken).not.toBe(db.challengeToken);
  });

  it.each([
    [{ domain_name: 'not a domain' }, 'domain_name'],
    [{ domain_name: 'example.com', verification_type: 'txt' }, 'verification_type'],
    [{}, 'domain_name'],
  ])('refuses %j with 400 and the field', async (input, field) => {
    const { ctx, call } = await setup();
    const error = await rejection(() => addDomain({ ...call, input }));
    expect(error.status).toBe(400);
    expect(Object.keys(error.fieldErrors)).toContain(field);
    expect(await ctx.db.select().from(domains)).toEqual([]);
  });

  it('is for super admins only', async () => {
    const { ctx, organization } = await setup();
    const member = await addMember(ctx, organization.id);
    const call = await callAs(ctx, member.id, organization.id);
    expect((await rejection(() => addDomain({ ...call, input: { domain_name: 'x.test' } }))).status).toBe(403);
    expect((await rejection(() => listDomains(call))).status).toBe(403);
  });
});

describe('list, get and update', () => {
  it('show the organization its own domains only; another organization\'s id is not found', async () => {
    const ctx = testCtx();
    const a = await setup(ctx);
    const b = await setup(ctx);
    const mine = (await addDomain({ ...a.call, input: { domain_name: 'b.test' } })).domain;
    await addDomain({ ...a.call, input: { domain_name: 'a.test' } });
    const theirs = (await addDomain({ ...b.call, input: { domain_name: 'c.test' } })).domain;
    expect((await listDomains(a.call)).map((v) => v.domain.domainName)).toEqual(['a.test', 'b.test']);
    expect((await getDomain(a.call, mine.id)).domain.id).toBe(mine.id);
    expect((await rejection(() => getDomain(a.call, theirs.id))).status).toBe(404);
    expect((await rejection(() => updateDomain({ ...a.call, domainId: theirs.id, input: { verification_type: 'http' } }))).status).toBe(404);
    expect((await rejection(() => deleteDomain({ ...a.call, domainId: theirs.id }))).status).toBe(404);
  });

  it('changes the verification type, audited with old and new; bad input is 400', async () => {
    const { ctx, call } = await setup();
    const { domain } = await addDomain({ ...call, input: { domain_name: 'u.test' } });
    expect((await updateDomain({ ...call, domainId: domain.id, input: { verification_type: 'http' } })).domain.verificationType).toBe('http');
    expect((await events(ctx)).at(-1)).toMatchObject({
      event: 'domain.updated',
      details: { domain_id: domain.id, old: { verification_type: 'dns' }, new: { verification_type: 'http' } },
    });
    expect((await rejection(() => updateDomain({ ...call, domainId: domain.id, input: { verification_type: 'smtp' } }))).status).toBe(400);
    expect((await rejection(() => updateDomain({ ...call, domainId: domain.id, input: {} }))).status).toBe(400);
  });
});

describe('verifyDomain', () => {
  it('records each attempt: not found first, then verified once the record is published', async () => {
    const { ctx, call, name } = await setup();
    const { domain } = await addDomain({ ...call, input: { domain_name: name } });
    dns.set(name, {});

    const missing = await verifyDomain({ ...call, domainId: domain.id, settings: settings() });
    expect(missing.result.status).toBe('no_txt_record');
    expect(missing.domain.state).toBe('unverified');
    expect(missing.domain.lastCheckResult).toMatchObject({ status: 'no_txt_record', target: `_portcullis-challenge.${name}` });
    expect(missing.domain.lastCheckTime).not.toBeNull();

    dns.set(challengeRecordName(name), { txt: ['token=somebody-else,expiry=never'] });
    const wrong = await verifyDomain({ ...call, domainId: domain.id, settings: settings() });
    expect(wrong.result).toMatchObject({ status: 'mismatch', records: ['token=somebody-else,expiry=never'] });
    expect(wrong.domain.state).toBe('unverified');

    publish(name, domain.challengeToken);
    const ok = await verifyDomain({ ...call, domainId: domain.id, settings: settings() });
    expect(ok.result.status).toBe('verified');
    expect(ok.domain.state).toBe('verified');
    expect(ok.domain.verifiedTime).not.toBeNull();

    expect((await events(ctx, 'domain.verif')).map((e) => [e.event, e.details.result])).toEqual([
      ['domain.verification_failed', 'no_txt_record'],
      ['domain.verification_failed', 'mismatch'],
      ['domain.verified', 'verified'],
    ]);
  });

  it('reports a missing domain and a slow server without changing the state', async () => {
    const { call, name } = await setup();
    const { domain } = await addDomain({ ...call, input: { domain_name: name } });
    expect((await verifyDomain({ ...call, domainId: domain.id, settings: settings() })).result.status).toBe('nxdomain');
    dns.set(challengeRecordName(name), { slow: true });
    const slow = await verifyDomain({ ...call, domainId: domain.id, settings: { ...settings(), timeoutMs: 300 } });
    expect(slow.result.status).toBe('timeout');
    expect(slow.domain.state).toBe('unverified');
  });

  it('uses the HTTP check for an http domain', async () => {
    const { call, name } = await setup();
    const { domain } = await addDomain({ ...call, input: { domain_name: name, verification_type: 'http' } });
    const checked: string[] = [];
    const outcome = await verifyDomain({
      ...call,
      domainId: domain.id,
      settings: settings(),
      checker: async (d) => (checked.push(d.verificationType), { status: 'verified', verification_type: 'http', domain_name: d.domainName, target: 'x' }),
    });
    expect(checked).toEqual(['http']);
    expect(outcome.domain.state).toBe('verified');
  });

  it('makes the people on the domain managed users, and only them, in the same step', async () => {
    const { ctx, call, organization, name } = await setup();
    const onDomain = await addMember(ctx, organization.id, { email: `alice@${name}` });
    const notAMember = await seedUser(ctx, { email: `bob@${name}` });
    const subdomain = await addMember(ctx, organization.id, { email: `carol@eu.${name}` });
    const elsewhere = await addMember(ctx, organization.id, { email: `dave@other-${name}` });
    const lookalike = await seedUser(ctx, { email: `eve@x${name}` });
    const appUser = await seedUser(ctx, { email: `app@${name}` });
    await setUserFields(ctx, appUser.id, { isApplicationUser: true });

    const { domain } = await addDomain({ ...call, input: { domain_name: name } });
    publish(name, domain.challengeToken);
    await verifyDomain({ ...call, domainId: domain.id, settings: settings() });

    expect(await managerOf(ctx, onDomain.id)).toBe(organization.id);
    expect(await managerOf(ctx, notAMember.id)).toBe(organization.id);
    for (const user of [subdomain, elsewhere, lookalike, appUser]) expect(await managerOf(ctx, user.id)).toBeNull();
    expect((await events(ctx, 'domain.verified'))[0]!.details.managed_users_added).toBe(2);
  });

  it('a domain verified by one organization cannot be verified by another (409), even when both publish', async () => {
    const ctx = testCtx();
    const a = await setup(ctx);
    const b = await setup(ctx);
    const name = a.name;
    await addVerified(a.call, name);
    const theirs = (await addDomain({ ...b.call, input: { domain_name: name } })).domain;
    dns.set(challengeRecordName(name), { txt: [challengeValue(theirs.challengeToken)] });
    const error = await asyncRejection(() => verifyDomain({ ...b.call, domainId: theirs.id, settings: settings() }));
    expect(error.status).toBe(409);
    expect(error.message).toMatch(/verified by another organization/);
    expect((await getDomain(b.call, theirs.id)).domain.state).toBe('unverified');
    expect((await events(ctx, 'domain.verification_failed')).at(-1)).toMatchObject({
      organizationId: b.organization.id,
      details: { result: 'verified_by_another_organization' },
    });
  });

  it('the database refuses the second verification when both check at once (409, nothing written)', async () => {
    const ctx = testCtx();
    const a = await setup(ctx);
    const b = await setup(ctx);
    const da = (await addDomain({ ...a.call, input: { domain_name: 'race.test' } })).domain;
    const dbDomain = (await addDomain({ ...b.call, input: { domain_name: 'race.test' } })).domain;
    const verifiedResult = { status: 'verified' as const, verification_type: 'dns' as const, domain_name: 'race.test', target: 'x' };
    const user = await seedUser(ctx, { email: 'someone@race.test' });
    const error = await asyncRejection(async () =>
      await verifyDomain({
        ...b.call,
        domainId: dbDomain.id,
        settings: settings(),
        // While B looks the record up, A's verification completes.
        checker: async () => {
          await verifyDomain({ ...a.call, domainId: da.id, settings: settings(), checker: async () => verifiedResult });
          return verifiedResult;
        },
      }),
    );
    expect(error.status).toBe(409);
    expect((await getDomain(b.call, dbDomain.id)).domain).toMatchObject({ state: 'unverified', lastCheckTime: null });
    expect(await managerOf(ctx, user.id)).toBe(a.organization.id);
  });

  it('a verified domain whose record is gone becomes unverified and releases its users; a timeout changes nothing', async () => {
    const { ctx, call, organization, name } = await setup();
    const alice = await addMember(ctx, organization.id, { email: `alice@${name}` });
    const domain = await addVerified(call, name);
    expect(await managerOf(ctx, alice.id)).toBe(organization.id);

    dns.set(challengeRecordName(name), { slow: true });
    const slow = await verifyDomain({ ...call, domainId: domain.id, settings: { ...settings(), timeoutMs: 300 } });
    expect(slow.domain.state).toBe('verified');
    expect(await managerOf(ctx, alice.id)).toBe(organization.id);

    dns.set(challengeRecordName(name), undefined);
    const gone = await verifyDomain({ ...call, domainId: domain.id, settings: settings() });
    expect(gone.result.status).toBe('no_txt_record');
    expect(gone.domain.state).toBe('unverified');
    expect(await managerOf(ctx, alice.id)).toBeNull();
    expect((await events(ctx, 'domain.verification_failed')).at(-1)!.details).toMatchObject({ became_unverified: true, managed_users_released: 1 });
  });
});

describe('deleteDomain', () => {
  it('removes the domain with its links, releases its managed users, audited', async () => {
    const { ctx, call, organization, name } = await setup();
    const alice = await addMember(ctx, organization.id, { email: `alice@${name}` });
    const idp = await seedIdentityProvider(ctx, organization.id);
    const domain = await addVerified(call, name);
    await linkDomain({ ...call, methodId: idp.id, input: { domain_id: domain.id } });

    await deleteDomain({ ...call, domainId: domain.id });
    expect(await listDomains(call)).toEqual([]);
    expect(await listMethodDomains(call, idp.id)).toEqual([]);
    expect(await managerOf(ctx, alice.id)).toBeNull();
    expect((await events(ctx)).at(-1)).toMatchObject({
      event: 'domain.deleted',
      details: { domain_id: domain.id, domain_name: name, unlinked_authentication_method_ids: [idp.id], managed_users_released: 1 },
    });
    expect((await rejection(() => deleteDomain({ ...call, domainId: domain.id }))).status).toBe(404);
  });

  it('removing an unverified domain leaves users managed through a verified one alone', async () => {
    const ctx = testCtx();
    const a = await setup(ctx);
    const b = await setup(ctx);
    const alice = await seedUser(ctx, { email: `alice@${a.name}` });
    await addVerified(a.call, a.name);
    const theirs = (await addDomain({ ...b.call, input: { domain_name: a.name } })).domain;
    await deleteDomain({ ...b.call, domainId: theirs.id });
    expect(await managerOf(ctx, alice.id)).toBe(a.organization.id);
  });
});

describe('links to identity providers', () => {
  it('links a verified domain to one or more of the organization\'s IdPs, idempotently; unlinks; audited', async () => {
    const { ctx, call, organization, name } = await setup();
    const okta = await seedIdentityProvider(ctx, organization.id, { name: 'Okta' });
    const azure = await seedIdentityProvider(ctx, organization.id, { name: 'Azure' });
    const domain = await addVerified(call, name);

    expect((await linkDomain({ ...call, methodId: okta.id, input: { domain_id: domain.id } })).linkedMethodIds).toEqual([okta.id]);
    expect((await linkDomain({ ...call, methodId: okta.id, input: { domain_id: domain.id } })).linkedMethodIds).toEqual([okta.id]);
    expect((await linkDomain({ ...call, methodId: azure.id, input: { domain_id: domain.id } })).linkedMethodIds.sort()).toEqual([okta.id, azure.id].sort());
    expect((await listMethodDomains(call, okta.id)).map((v) => v.domain.id)).toEqual([domain.id]);
    expect(await events(ctx, 'domain.linked')).toHaveLength(2);

    expect((await unlinkDomain({ ...call, methodId: okta.id, domainId: domain.id })).linkedMethodIds).toEqual([azure.id]);
    expect(await listMethodDomains(call, okta.id)).toEqual([]);
    expect((await rejection(() => unlinkDomain({ ...call, methodId: okta.id, domainId: domain.id }))).status).toBe(404);
    expect((await events(ctx)).at(-1)).toMatchObject({ event: 'domain.unlinked', details: { authentication_method_id: okta.id, authentication_method_name: 'Okta' } });
  });

  it('refuses an unverified domain (409), another organization\'s IdP or domain (404), a non-SAML method (400), bad input (400)', async () => {
    const ctx = testCtx();
    const a = await setup(ctx);
    const b = await setup(ctx);
    const idp = await seedIdentityProvider(ctx, a.organization.id);
    const internal = await seedIdentityProvider(ctx, a.organization.id, { type: 'internal' });
    const theirIdp = await seedIdentityProvider(ctx, b.organization.id);
    const unverified = (await addDomain({ ...a.call, input: { domain_name: 'pending.test' } })).domain;
    const verified = await addVerified(a.call, a.name);
    const theirs = await addVerified(b.call, b.name);

    const unverifiedError = await rejection(() => linkDomain({ ...a.call, methodId: idp.id, input: { domain_id: unverified.id } }));
    expect([unverifiedError.status, unverifiedError.message]).toEqual([409, expect.stringMatching(/not verified/)]);
    expect((await rejection(() => linkDomain({ ...a.call, methodId: theirIdp.id, input: { domain_id: verified.id } }))).status).toBe(404);
    expect((await rejection(() => linkDomain({ ...a.call, methodId: idp.id, input: { domain_id: theirs.id } }))).status).toBe(404);
    expect((await rejection(() => listMethodDomains(a.call, theirIdp.id))).status).toBe(404);
    expect((await rejection(() => linkDomain({ ...a.call, methodId: internal.id, input: { domain_id: verified.id } }))).status).toBe(400);
    expect((await rejection(() => linkDomain({ ...a.call, methodId: idp.id, input: {} }))).status).toBe(400);
    expect((await rejection(() => linkDomain({ ...a.call, methodId: idp.id, input: { domain_id: 7 } }))).status).toBe(400);
    expect(await listMethodDomains(a.call, idp.id)).toEqual([]);
  });

  it('lists the organization\'s SAML identity providers for the page', async () => {
    const ctx = testCtx();
    const a = await setup(ctx);
    const b = await setup(ctx);
    await seedIdentityProvider(ctx, a.organization.id, { name: 'Zeta' });
    await seedIdentityProvider(ctx, a.organization.id, { name: 'Alpha', enabled: false });
    await seedIdentityProvider(ctx, a.organization.id, { name: 'Internal', type: 'internal' });
    await seedIdentityProvider(ctx, b.organization.id, { name: 'Other' });
    expect((await listLinkableMethods(a.call)).map((m) => [m.name, m.enabled])).toEqual([
      ['Alpha', false],
      ['Zeta', true],
    ]);
  });
});

describe('verifyDomain: what each attempt records', () => {
  const found = (d: { domainName: string }) => ({ status: 'verified' as const, verification_type: 'dns' as const, domain_name: d.domainName, target: 'x' });

  it('an http domain is looked up over HTTP when no checker is given', async () => {
    const { call, name } = await setup();
    const { domain } = await addDomain({ ...call, input: { domain_name: name, verification_type: 'http' } });
    // Nothing listens there: the attempt fails, but it was an HTTP one.
    const outcome = await verifyDomain({ ...call, domainId: domain.id, settings: { ...settings(), httpBase: 'http://127.0.0.1:9', outbound: 'all' as const } });
    expect(outcome.result).toMatchObject({ verification_type: 'http', domain_name: name });
    expect(outcome.result.status).not.toBe('verified');
  });

  it('a domain another organization verified is refused before any lookup', async () => {
    const first = await setup();
    await addVerified(first.call, first.name);
    const second = await setup(first.ctx);
    const { domain } = await addDomain({ ...second.call, input: { domain_name: first.name } });
    let lookups = 0;
    const error = await asyncRejection(verifyDomain({ ...second.call, domainId: domain.id, checker: async (d) => (lookups++, found(d)) }));
    expect([error.status, lookups]).toEqual([409, 0]);
    expect((await events(first.ctx, 'domain.verification_failed')).at(-1)).toMatchObject({
      organizationId: second.organization.id,
      details: { domain_id: domain.id, result: 'verified_by_another_organization' },
    });
  });

  it('verifying again keeps the first verification time and says it was already verified', async () => {
    const { ctx, call, organization, name } = await setup();
    const domain = await addVerified(call, name);
    // Someone joins later with an address on the domain: only a first verification adds them.
    const later = await addMember(ctx, organization.id, { email: `later@${name}` });
    advance(ctx, 60_000);
    const again = await verifyDomain({ ...call, domainId: domain.id, checker: async (d) => found(d) });
    expect(again.domain.verifiedTime).toBe(domain.verifiedTime);
    expect(again.domain.lastCheckTime).not.toBe(domain.lastCheckTime);
    expect(await managerOf(ctx, later.id)).toBeNull();
    expect((await events(ctx, 'domain.verified')).at(-1)!.details).toEqual({
      domain_id: domain.id,
      domain_name: name,
      verification_type: 'dns',
      result: 'verified',
      already_verified: true,
    });
  });

  it('a failure records the TXT values found and the error, and an unverified domain does not "become" unverified', async () => {
    const { ctx, call, name } = await setup();
    const { domain } = await addDomain({ ...call, input: { domain_name: name } });
    await verifyDomain({
      ...call,
      domainId: domain.id,
      checker: async (d) => ({ status: 'mismatch', verification_type: 'dns', domain_name: d.domainName, target: 't', records: ['token=x'], detail: 'ESERVFAIL' }),
    });
    expect((await events(ctx, 'domain.verification_failed')).at(-1)!.details).toEqual({
      domain_id: domain.id,
      domain_name: name,
      verification_type: 'dns',
      result: 'mismatch',
      records: ['token=x'],
      error: 'ESERVFAIL',
    });
  });

  it('a domain removed while it was being looked up is 404, not a conflict', async () => {
    const { call, name } = await setup();
    const { domain } = await addDomain({ ...call, input: { domain_name: name } });
    const error = await asyncRejection(
      verifyDomain({ ...call, domainId: domain.id, checker: async (d) => (await deleteDomain({ ...call, domainId: d.id }), found(d)) }),
    );
    expect([error.status, error.message]).toEqual([404, `Domain ${domain.id} not found`]);
  });
});

describe('updateDomain and the managed-user count', () => {
  it('the same verification type again changes nothing and records nothing', async () => {
    const { ctx, call, name } = await setup();
    const { domain } = await addDomain({ ...call, input: { domain_name: name } });
    expect((await updateDomain({ ...call, domainId: domain.id, input: { verification_type: 'dns' } })).domain.verificationType).toBe('dns');
    expect(await events(ctx, 'domain.updated')).toEqual([]);
  });

  it('counts the people the organization manages through the domain', async () => {
    const { ctx, call, organization, name } = await setup();
    await addMember(ctx, organization.id, { email: `alice@${name}` });
    await addMember(ctx, organization.id, { email: `bob@${name}` });
    await addMember(ctx, organization.id, { email: `carol@elsewhere-${name}` });
    expect(await countManagedUsersOfDomain(ctx, organization.id, name)).toBe(0);
    await addVerified(call, name);
    expect(await countManagedUsersOfDomain(ctx, organization.id, name)).toBe(2);
    expect(await countManagedUsersOfDomain(ctx, 'org-other', name)).toBe(0);
  });

  it('a link is audited with the identity provider it names', async () => {
    const { ctx, call, organization, name } = await setup();
    const idp = await seedIdentityProvider(ctx, organization.id);
    const domain = await addVerified(call, name);
    await linkDomain({ ...call, methodId: idp.id, input: { domain_id: domain.id } });
    expect((await events(ctx, 'domain.linked'))[0]!.details).toEqual({
      domain_id: domain.id,
      domain_name: name,
      authentication_method_id: idp.id,
      authentication_method_name: idp.name,
    });
  });
});
