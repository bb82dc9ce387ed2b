import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { authenticate } from '@/lib/auth/gate';
import { authenticationMethods, externalIdentities, projects, tokens, users } from '@/db/tables';
import type { MembershipWithOrg } from '@/lib/call';
import { iso } from '@/lib/context';
import { newRowId } from '@/lib/ids';
import { rejection } from '@/lib/testing/errors';
import { setUserFields } from '@/lib/testing/members';
import { advance, listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { createAccount, deleteAccount, updateAccount } from './accounts';
import { listMemberships } from '@/lib/model/memberships';
import { first } from '@/db/async';

const META = { ip: '203.0.113.5', userAgent: 'vitest' };

/** createAccount without parent_account_id: an organization, never a unit. */
async function createOrganization(...args: Parameters<typeof createAccount>): Promise<MembershipWithOrg> {
  const created = await createAccount(...args);
  if ('unit' in created) throw new Error('expected an organization');
  return created;
}

async function caller(ctx: ReturnType<typeof testCtx>, superAdmin = true) {
  const org = await seedOrganization(ctx);
  const user = await seedUser(ctx);
  await seedMembership(ctx, { organizationId: org.id, userId: user.id, isSuperAdmin: superAdmin });
  const principal = await authenticate({ ctx, input: { authorization: `aivenv1 ${(await seedToken(ctx, user.id)).fullToken}`, cookieToken: null, ...META } });
  return { org, user, call: { ctx, principal, meta: META } };
}

describe('accounts', () => {
  it('POST /v1/account makes the caller super admin of a new organization, audited', async () => {
    const ctx = testCtx();
    const { user, call } = await caller(ctx);
    const created = await createOrganization({ ...call, input: { account_name: '  New Org ' } });
    expect(created).toMatchObject({ isSuperAdmin: true, organization: { name: 'New Org' } });
    expect((await listMemberships(ctx, user.id)).find((m) => m.organization.id === created.organization.id)?.isSuperAdmin).toBe(true);
    expect((await listAuditEvents(ctx)).find((e) => e.event === 'organization.created')).toMatchObject({ organizationId: created.organization.id });
    expect((await listAuditEvents(ctx)).find((e) => e.event === 'organization.created')!.details).toEqual({
      organization_name: 'New Org',
      account_id: created.organization.accountId,
    });
  });

  it('a new organization trusts only its own identity providers until its admin opts in', async () => {
    const ctx = testCtx();
    const created = await createOrganization({ ...(await caller(ctx)).call, input: { account_name: 'Fresh' } });
    expect(created.organization.samlAllowExternal).toBe(false);
  });

  it.each<[Record<string, unknown>, string]>([
    [{}, 'account_name: account_name must be a string'],
    [{ account_name: '' }, 'account_name: Enter the organization name'],
    [{ account_name: '  ', parent_account_id: 'a123' }, 'account_name: Enter the unit name'],
    [{ account_name: 'x'.repeat(129) }, 'account_name: Use at most 128 characters'],
    [{ account_name: 'x', parent_account_id: '' }, 'parent_account_id: parent_account_id must not be empty'],
    [{ account_name: 'x', parent_account_id: 42 }, 'parent_account_id: parent_account_id must be a string'],
  ])('refuses %j with 400', async (input, message) => {
    const ctx = testCtx();
    const error = await rejection(async () => await createAccount({ ...(await caller(ctx)).call, input }));
    expect([error.status, error.message]).toEqual([400, message]);
  });

  it('renames and deletes for super admins only; keeps the last organization and those with projects', async () => {
    const ctx = testCtx();
    const { call, org } = await caller(ctx);
    const membership = (await listMemberships(ctx, call.principal.user.id))[0]!;
    expect((await updateAccount({ ...call, membership, input: { account_name: 'Renamed' } })).organization.name).toBe('Renamed');
    expect((await rejection(() => deleteAccount({ ...call, membership }))).message).toMatch(/last one on this installation/);

    const other = await caller(ctx, false);
    const otherMembership = (await listMemberships(ctx, other.user.id))[0]!;
    expect((await rejection(() => updateAccount({ ...other.call, membership: otherMembership, input: { account_name: 'x' } }))).status).toBe(403);
    expect((await rejection(() => deleteAccount({ ...other.call, membership: otherMembership }))).status).toBe(403);

    await ctx.db.insert(projects).values({ id: 'p1', name: 'p1', organizationId: org.id, createTime: 'x', updateTime: 'x' });
    expect((await rejection(() => deleteAccount({ ...call, membership }))).status).toBe(409);
    await ctx.db.delete(projects);
    // As the gate would load it for the next request: renamed.
    await deleteAccount({ ...call, membership: (await listMemberships(ctx, call.principal.user.id))[0]! });
    expect(await listMemberships(ctx, call.principal.user.id)).toEqual([]);
    expect((await listAuditEvents(ctx)).find((e) => e.event === 'organization.deleted')).toMatchObject({ organizationId: null, details: { organization_name: 'Renamed' } });
  });

  it('a rename records the old and the new name; the same name again changes and records nothing', async () => {
    const ctx = testCtx();
    const { call } = await caller(ctx);
    const membership = (await listMemberships(ctx, call.principal.user.id))[0]!;
    const before = membership.organization;
    advance(ctx, 60_000);
    const same = await updateAccount({ ...call, membership, input: { account_name: before.name } });
    expect(same.organization).toEqual(before);
    expect((await listMemberships(ctx, call.principal.user.id))[0]!.organization.updateTime).toBe(before.updateTime);
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'organization.updated')).toEqual([]);

    const renamed = await updateAccount({ ...call, membership, input: { account_name: 'Renamed' } });
    expect(renamed.organization).toMatchObject({ id: before.id, name: 'Renamed', updateTime: '2026-03-01T12:01:00Z' });
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'organization.updated')).toMatchObject([
      { organizationId: before.id, actorUserId: call.principal.user.id },
    ]);
    expect((await listAuditEvents(ctx)).find((e) => e.event === 'organization.updated')!.details).toEqual({ old: { name: before.name }, new: { name: 'Renamed' } });
  });

  it('deleting an organization that manages users through a verified domain releases them: they stay, unmanaged', async () => {
    const ctx = testCtx();
    const { call } = await caller(ctx);
    const doomed = (await listMemberships(ctx, call.principal.user.id))[0]!;
    await caller(ctx); // another organization, so that the doomed one is not the last
    const managed = await seedUser(ctx);
    await seedMembership(ctx, { organizationId: doomed.organization.id, userId: managed.id });
    await setUserFields(ctx, managed.id, { managingOrganizationId: doomed.organization.id });

    await deleteAccount({ ...call, membership: doomed });
    const after = await first(ctx.db.select().from(users).where(eq(users.id, managed.id)).limit(1));
    expect(after?.managingOrganizationId).toBeNull();
    expect((await listAuditEvents(ctx)).find((e) => e.event === 'organization.deleted')!.details).toMatchObject({ managed_users_released: 1 });
  });

  it('deleting an organization ends the sessions and tokens made through its identity providers, for everyone, and its application users', async () => {
    const ctx = testCtx();
    const { call } = await caller(ctx);
    const doomed = (await listMemberships(ctx, call.principal.user.id))[0]!;
    const { org: staying } = await caller(ctx);
    const idp = async (organizationId: string) => {
      const id = `am${newRowId().slice(0, 10)}`;
      await ctx.db.insert(authenticationMethods).values({ id, organizationId, name: 'IdP', type: 'saml', spPrivateKey: 'k', spCertificate: 'c', createTime: iso(ctx.now), updateTime: iso(ctx.now) });
      return `saml:${id}`;
    };
    const theirs = await idp(doomed.organization.id);
    const kept = await idp(staying.id);
    // Someone of the other organization who signed in through the doomed organization's IdP.
    const outsider = await seedUser(ctx);
    await seedMembership(ctx, { organizationId: staying.id, userId: outsider.id });
    await ctx.db.insert(externalIdentities).values({ id: newRowId(), userId: outsider.id, provider: theirs, subject: 's', createTime: iso(ctx.now) });
    const token = async (userId: string, kind: 'session' | 'personal' | 'application', authMethod: string) =>
      (await seedToken(ctx, userId, { kind, authMethod, createdManually: kind !== 'session' })).token.id;
    const ended = [await token(outsider.id, 'session', theirs), await token(outsider.id, 'personal', theirs), await token(call.principal.user.id, 'session', theirs)];
    const survive = [await token(outsider.id, 'session', kept), await token(outsider.id, 'session', 'password'), await token(outsider.id, 'personal', 'password')];
    const appUser = await seedUser(ctx);
    await setUserFields(ctx, appUser.id, { isApplicationUser: true });
    await seedMembership(ctx, { organizationId: doomed.organization.id, userId: appUser.id });
    ended.push(await token(appUser.id, 'application', 'application'), await token(appUser.id, 'application', 'application'));
    const otherApp = await seedUser(ctx);
    await setUserFields(ctx, otherApp.id, { isApplicationUser: true });
    await seedMembership(ctx, { organizationId: staying.id, userId: otherApp.id });
    survive.push(await token(otherApp.id, 'application', 'application'));

    await deleteAccount({ ...call, membership: doomed });
    const left = (await ctx.db.select({ id: tokens.id }).from(tokens)).map((t) => t.id);
    for (const id of ended) expect(left).not.toContain(id);
    for (const id of survive) expect(left).toContain(id);
    expect((await ctx.db.select().from(users)).map((u) => u.id)).not.toContain(appUser.id);
    expect((await ctx.db.select().from(users)).map((u) => u.id)).toContain(otherApp.id);
    expect(await ctx.db.select().from(externalIdentities)).toEqual([]);
    expect((await listAuditEvents(ctx)).find((e) => e.event === 'organization.deleted')!.details).toMatchObject({
      sessions_ended: 2,
      personal_tokens_revoked: 1,
      application_users_deleted: 1,
      application_tokens_revoked: 2,
    });
  });
});
