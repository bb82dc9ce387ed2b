import { describe, expect, it } from 'vitest';
import { organizations } from '@/db/tables';
import { authenticate, gate } from '@/lib/auth/gate';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { listMemberships } from '@/lib/model/memberships';
import { API_META, apiSignIn, seedOrganizationWithAdmin } from '@/lib/testing/members';
import { dumpDatabase, listAuditEvents, seedToken, testCtx } from '@/lib/testing/seed';
import {
  countApplicationTokens,
  createApplicationToken,
  createApplicationUser,
  deleteApplicationUser,
  getApplicationUser,
  listApplicationTokens,
  listApplicationUsers,
  revokeApplicationToken,
  updateApplicationUser,
} from './manage';
import { asyncRejection as rejection } from '@/lib/testing/errors';

async function adminCall(ctx: Ctx, { superAdmin = true } = {}) {
  const { organization, admin } = await seedOrganizationWithAdmin(ctx, { adminPasswordHash: null, superAdmin });
  const { principal } = await apiSignIn(ctx, admin.id, API_META, { kind: 'session' });
  const membership = (await listMemberships(ctx, admin.id))[0]!;
  return { organization, call: { ctx, principal, membership, meta: API_META } };
}


describe('application users', () => {
  it('are created, listed, renamed and promoted by super admins, each change audited', async () => {
    const ctx = testCtx();
    const { call, organization } = await adminCall(ctx);
    const created = await createApplicationUser({ ...call, input: { name: '  Terraform ' } });
    expect(created).toMatchObject({ isSuperAdmin: false, user: { realName: 'Terraform', isApplicationUser: true } });
    expect(created.user.email).toMatch(/@application-users\.invalid$/);
    expect((await listApplicationUsers(call)).map((a) => a.user.id)).toEqual([created.user.id]);
    const updated = await updateApplicationUser({ ...call, userId: created.user.id, input: { name: 'Terraform CI', is_super_admin: true } });
    expect(updated).toMatchObject({ isSuperAdmin: true, user: { realName: 'Terraform CI' } });
    const events = (await listAuditEvents(ctx)).filter((e) => e.event.startsWith('application_user.'));
    expect(events.map((e) => e.event)).toEqual(['application_user.created', 'application_user.updated']);
    expect(events[1]!.details).toMatchObject({ old: { name: 'Terraform', is_super_admin: false }, new: { name: 'Terraform CI', is_super_admin: true } });
    expect(events.every((e) => e.organizationId === organization.id)).toBe(true);
  });

  it('are for super admins only', async () => {
    const ctx = testCtx();
    const { call } = await adminCall(ctx, { superAdmin: false });
    expect((await rejection(() => createApplicationUser({ ...call, input: { name: 'x' } }))).status).toBe(403);
    expect((await rejection(() => listApplicationUsers(call))).status).toBe(403);
  });

  it.each([
    [{}, /name/],
    [{ name: '' }, /Enter a name/],
    [{ name: 'x'.repeat(257) }, /at most 256/],
    [{ name: 'x', is_super_admin: 'yes' }, /is_super_admin must be true or false/],
    [{ name: 'x', email: 'a@b.c' }, /Unrecognized key/],
  ])('refuse bad input %j with 400', async (input, message) => {
    const ctx = testCtx();
    const { call } = await adminCall(ctx);
    const error = await rejection(() => createApplicationUser({ ...call, input }));
    expect(error.status).toBe(400);
    expect(error.message).toMatch(message);
    expect(await listApplicationUsers(call)).toHaveLength(0);
  });

  it('of another organization, and human members, are not found', async () => {
    const ctx = testCtx();
    const { call } = await adminCall(ctx);
    const other = await adminCall(ctx);
    const theirs = await createApplicationUser({ ...other.call, input: { name: 'theirs' } });
    expect((await rejection(() => getApplicationUser(call, theirs.user.id))).status).toBe(404);
    expect((await rejection(() => getApplicationUser(call, call.principal.user.id))).status).toBe(404);
    expect((await rejection(() => deleteApplicationUser({ ...call, userId: theirs.user.id }))).status).toBe(404);
  });
});

describe('application tokens', () => {
  it('are created with limits, act as the application user, are never touched by the policy, and are revoked', async () => {
    const ctx = testCtx();
    const { call, organization } = await adminCall(ctx);
    const { user } = await createApplicationUser({ ...call, input: { name: 'CI' } });
    const { fullToken, token } = await createApplicationToken({
      ...call,
      userId: user.id,
      input: { description: 'deploys', max_age_seconds: 3600, extend_when_used: true, ip_allowlist: ['203.0.113.0/24'] },
    });
    expect(token).toMatchObject({ kind: 'application', authMethod: 'application', ipAllowlist: ['203.0.113.0/24'], maxAgeSeconds: 3600 });
    expect(await dumpDatabase(ctx)).not.toContain(fullToken);

    const asApp = async (ip: string) =>
      await gate({ ctx, input: { authorization: `aivenv1 ${fullToken}`, cookieToken: null, ip, userAgent: null, scope: { kind: 'organization', organizationId: organization.id } } });
    expect((await asApp('203.0.113.9')).principal.user.id).toBe(user.id);
    // The policy's methods and token settings do not reach application tokens.
    await ctx.db.update(organizations).set({ passwordAuthEnabled: false, oauthEnabled: false, samlEnabled: false, personalTokensMode: 'disabled', personalTokensRequireAllowedAuthMethod: true });
    expect((await asApp('203.0.113.9')).principal.user.id).toBe(user.id);
    // The token's own allowlist does.
    await expect(asApp('198.51.100.1')).rejects.toThrow(/this token's IP allowlist/);

    expect((await listApplicationTokens(call, user.id)).map((t) => t.tokenPrefix)).toEqual([token.tokenPrefix]);
    await revokeApplicationToken({ ...call, userId: user.id, prefix: token.tokenPrefix });
    await expect(asApp('203.0.113.9')).rejects.toThrow(/Invalid token/);
  });

  it('an admin calling with a scoped or fenced token cannot mint a wider application token: 403, audited', async () => {
    const ctx = testCtx();
    const { call, organization } = await adminCall(ctx);
    const { user } = await createApplicationUser({ ...call, input: { name: 'CI' } });
    const { fullToken, token: parent } = await seedToken(ctx, call.principal.user.id, { kind: 'personal', scopes: ['organizations'], ipAllowlist: ['203.0.113.0/24'] });
    const principal = await authenticate({ ctx, input: { authorization: `aivenv1 ${fullToken}`, cookieToken: null, ...API_META } });
    const asToken = { ...call, principal };
    const error = await rejection(() => createApplicationToken({ ...asToken, userId: user.id, input: { description: 'wide' } }));
    expect([error.status, error.message]).toEqual([
      403,
      'This token\'s scopes (organizations) do not allow creating a token with scopes (all); This token\'s IP allowlist (203.0.113.0/24) does not allow creating a token with IP allowlist (anywhere)',
    ]);
    expect(await countApplicationTokens(ctx, user.id)).toBe(0);
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'token.creation_refused')).toMatchObject([
      { organizationId: organization.id, details: { application_user_id: user.id, parent_token_prefix: parent.tokenPrefix, reason: error.message } },
    ]);
    // Within its limits it works; the admin's session may create any.
    const narrow = await createApplicationToken({ ...asToken, userId: user.id, input: { description: 'n', scopes: ['organizations:read'], ip_allowlist: ['203.0.113.7'] } });
    expect(narrow.token).toMatchObject({ scopes: ['organizations:read'], ipAllowlist: ['203.0.113.7/32'] });
    expect((await createApplicationToken({ ...call, userId: user.id, input: { description: 'any' } })).token.scopes).toEqual([]);
  });

  it('refuse bad input: extend when used needs a max age, at most 100 CIDRs', async () => {
    const ctx = testCtx();
    const { call } = await adminCall(ctx);
    const { user } = await createApplicationUser({ ...call, input: { name: 'CI' } });
    for (const input of [
      { description: 'x', extend_when_used: true },
      { description: 'x', ip_allowlist: Array.from({ length: 101 }, (_, i) => `10.${i}.0.0/16`) },
      { description: '', max_age_seconds: 600 },
    ]) {
      expect((await rejection(() => createApplicationToken({ ...call, userId: user.id, input }))).status).toBe(400);
    }
    expect(await countApplicationTokens(ctx, user.id)).toBe(0);
  });

  it('go with their user when it is deleted, and the count is reported', async () => {
    const ctx = testCtx();
    const { call } = await adminCall(ctx);
    const { user } = await createApplicationUser({ ...call, input: { name: 'CI' } });
    for (const description of ['a', 'b', 'c']) await createApplicationToken({ ...call, userId: user.id, input: { description } });
    expect(await deleteApplicationUser({ ...call, userId: user.id })).toBe(3);
    expect(await countApplicationTokens(ctx, user.id)).toBe(0);
    expect(await listApplicationUsers(call)).toHaveLength(0);
    expect((await listAuditEvents(ctx)).find((e) => e.event === 'application_user.deleted')?.details).toMatchObject({ tokens_revoked: 3 });
  });
});

describe('application users: partial updates and the audit trail', () => {
  it('an update changes only the fields it names', async () => {
    const ctx = testCtx();
    const { call } = await adminCall(ctx);
    const { user } = await createApplicationUser({ ...call, input: { name: 'CI', is_super_admin: true } });
    expect(await updateApplicationUser({ ...call, userId: user.id, input: { is_super_admin: false } })).toMatchObject({ isSuperAdmin: false, user: { realName: 'CI' } });
    expect(await updateApplicationUser({ ...call, userId: user.id, input: { name: 'CI bot' } })).toMatchObject({ isSuperAdmin: false, user: { realName: 'CI bot' } });
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'application_user.updated').map((e) => e.details)).toEqual([
      { user_id: user.id, old: { name: 'CI', is_super_admin: true }, new: { name: 'CI', is_super_admin: false } },
      { user_id: user.id, old: { name: 'CI', is_super_admin: false }, new: { name: 'CI bot', is_super_admin: false } },
    ]);
  });

  it('creation, token creation and revocation are audited with what they did', async () => {
    const ctx = testCtx();
    const { call, organization } = await adminCall(ctx);
    const { user } = await createApplicationUser({ ...call, input: { name: 'CI', is_super_admin: true } });
    const { token } = await createApplicationToken({ ...call, userId: user.id, input: { description: 'deploys', scopes: ['projects:read'] } });
    expect(token.createdManually).toBe(true);
    await revokeApplicationToken({ ...call, userId: user.id, prefix: token.tokenPrefix });
    const events = (await listAuditEvents(ctx)).filter((e) => e.event !== 'application_user.updated');
    expect(events.map((e) => [e.event, e.organizationId, e.actorUserId, e.details])).toEqual([
      ['application_user.created', organization.id, call.principal.user.id, { user_id: user.id, name: 'CI', is_super_admin: true }],
      [
        'token.created',
        organization.id,
        call.principal.user.id,
        { application_user_id: user.id, token_prefix: token.tokenPrefix, description: 'deploys', max_age_seconds: null, ip_allowlist: [], scopes: ['projects:read'] },
      ],
      ['token.revoked', organization.id, call.principal.user.id, { application_user_id: user.id, token_prefix: token.tokenPrefix, description: 'deploys' }],
    ]);
  });

  it('revoking a token the application user does not have is 404, and nothing is audited', async () => {
    const ctx = testCtx();
    const { call } = await adminCall(ctx);
    const { user } = await createApplicationUser({ ...call, input: { name: 'CI' } });
    const other = await createApplicationUser({ ...call, input: { name: 'other' } });
    const { token } = await createApplicationToken({ ...call, userId: other.user.id, input: { description: 'theirs' } });
    const error = await rejection(() => revokeApplicationToken({ ...call, userId: user.id, prefix: token.tokenPrefix }));
    expect([error.status, error.message]).toEqual([404, `Token ${token.tokenPrefix} not found`]);
    expect(await countApplicationTokens(ctx, other.user.id)).toBe(1);
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'token.revoked')).toEqual([]);
  });
});
