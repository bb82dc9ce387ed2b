import { describe, expect, it } from 'vitest';
import { authenticate } from '@/lib/auth/gate';
import { projects } from '@/db/schema';
import { rejection } from '@/lib/testing/errors';
import { listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { createAccount, deleteAccount, updateAccount } from './accounts';
import { listMemberships } from './memberships';

const META = { ip: '203.0.113.5', userAgent: 'vitest' };

function caller(ctx: ReturnType<typeof testCtx>, superAdmin = true) {
  const org = seedOrganization(ctx);
  const user = seedUser(ctx);
  seedMembership(ctx, { organizationId: org.id, userId: user.id, isSuperAdmin: superAdmin });
  const principal = authenticate({ ctx, input: { authorization: `aivenv1 ${seedToken(ctx, user.id).fullToken}`, cookieToken: null, ...META } });
  return { org, user, call: { ctx, principal, meta: META } };
}

describe('accounts', () => {
  it('POST /v1/account makes the caller super admin of a new organization, audited', () => {
    const ctx = testCtx();
    const { user, call } = caller(ctx);
    const created = createAccount({ ...call, input: { account_name: '  New Org ' } });
    expect(created).toMatchObject({ isSuperAdmin: true, organization: { name: 'New Org' } });
    expect(listMemberships(ctx, user.id).find((m) => m.organization.id === created.organization.id)?.isSuperAdmin).toBe(true);
    expect(listAuditEvents(ctx).find((e) => e.event === 'organization.created')).toMatchObject({ organizationId: created.organization.id });
  });

  it('a new organization trusts only its own identity providers until its admin opts in', () => {
    const ctx = testCtx();
    const created = createAccount({ ...caller(ctx).call, input: { account_name: 'Fresh' } });
    expect(created.organization.samlAllowExternal).toBe(false);
  });

  it.each([[{}], [{ account_name: '' }], [{ account_name: 'x'.repeat(129) }], [{ account_name: 'x', parent_account_id: 'a123' }]])('refuses %j', (input) => {
    const ctx = testCtx();
    expect(rejection(() => createAccount({ ...caller(ctx).call, input })).status).toBe(400);
  });

  it('renames and deletes for super admins only; keeps the last organization and those with projects', () => {
    const ctx = testCtx();
    const { call, org } = caller(ctx);
    const membership = listMemberships(ctx, call.principal.user.id)[0]!;
    expect(updateAccount({ ...call, membership, input: { account_name: 'Renamed' } }).organization.name).toBe('Renamed');
    expect(rejection(() => deleteAccount({ ...call, membership })).message).toMatch(/last one on this installation/);

    const other = caller(ctx, false);
    const otherMembership = listMemberships(ctx, other.user.id)[0]!;
    expect(rejection(() => updateAccount({ ...other.call, membership: otherMembership, input: { account_name: 'x' } })).status).toBe(403);
    expect(rejection(() => deleteAccount({ ...other.call, membership: otherMembership })).status).toBe(403);

    ctx.db.insert(projects).values({ id: 'p1', name: 'p1', organizationId: org.id, createTime: 'x', updateTime: 'x' }).run();
    expect(rejection(() => deleteAccount({ ...call, membership })).status).toBe(409);
    ctx.db.delete(projects).run();
    // As the gate would load it for the next request: renamed.
    deleteAccount({ ...call, membership: listMemberships(ctx, call.principal.user.id)[0]! });
    expect(listMemberships(ctx, call.principal.user.id)).toEqual([]);
    expect(listAuditEvents(ctx).find((e) => e.event === 'organization.deleted')).toMatchObject({ organizationId: null, details: { organization_name: 'Renamed' } });
  });
});
