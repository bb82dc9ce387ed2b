import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { type Organization, type PersonalTokenMode } from '@/db/schema';
import { organizations, tokens, users } from '@/db/tables';
import { iso, type Ctx } from '@/lib/context';
import { principalOf, TEST_META } from '@/lib/testing/members';
import { rejection } from '@/lib/testing/errors';
import { advance, listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { countTokens, createPersonalToken, expireAllTokens, findOwnToken, listTokens, revokeOtherTokens, revokeToken, updateTokenDescription } from './manage';
import { first } from '@/db/async';

// The caller's own tokens (lib/tokens/manage.ts): which organizations' policies refuse a new
// personal token, and that every other operation reaches the caller's tokens only.

async function setMode(ctx: Ctx, organizationId: string, personalTokensMode: PersonalTokenMode) {
  await ctx.db.update(organizations).set({ personalTokensMode }).where(eq(organizations.id, organizationId));
}

async function manage(ctx: Ctx, userId: string, organizationId: string | null) {
  await ctx.db.update(users).set({ managingOrganizationId: organizationId }).where(eq(users.id, userId));
}

/** A user in organizations with these token modes; `managedBy` is the index of the managing one. */
async function member(ctx: Ctx, modes: PersonalTokenMode[], managedBy: number | null = null) {
  const user = await seedUser(ctx);
  const orgs: Organization[] = [];
  for (const [i, mode] of modes.entries()) {
    const organization = await seedOrganization(ctx, { name: `Org ${i}` });
    await setMode(ctx, organization.id, mode);
    await seedMembership(ctx, { organizationId: organization.id, userId: user.id });
    orgs.push(organization);
  }
  if (managedBy !== null) await manage(ctx, user.id, orgs[managedBy]!.id);
  return { user, orgs, call: { ctx, principal: await principalOf(ctx, user.id), meta: TEST_META } };
}

const create = (call: Awaited<ReturnType<typeof member>>['call']) => createPersonalToken({ ...call, input: { description: 'mine' } });

describe('createPersonalToken: the organizations\' personal token modes', () => {
  it('an organization that turned personal tokens off refuses them, naming itself', async () => {
    const ctx = testCtx();
    const { call } = await member(ctx, ['disabled']);
    const error = await rejection(() => create(call));
    expect([error.status, error.message]).toEqual([403, 'Organization "Org 0" does not allow personal tokens; use an application user']);
    expect(await ctx.db.select().from(tokens).where(eq(tokens.kind, 'personal'))).toHaveLength(1); // the caller's own, from principalOf
  });

  it('"disabled for managed users" refuses the users it manages and lets everyone else create tokens', async () => {
    const ctx = testCtx();
    const managed = await member(ctx, ['disabled_for_managed'], 0);
    expect((await rejection(() => create(managed.call))).message).toBe('Organization "Org 0" does not allow its managed users to create personal tokens');
    // Managed by another organization, or by none: the token is for use elsewhere, and this
    // organization's gate keeps it out of its resources.
    const unmanaged = await member(ctx, ['disabled_for_managed']);
    expect((await create(unmanaged.call)).token.kind).toBe('personal');
    const other = await member(ctx, ['disabled_for_managed', 'enabled'], 1);
    expect((await create(other.call)).token.kind).toBe('personal');
  });

  it('the managing organization refuses even when the others allow tokens, wherever it is listed', async () => {
    const ctx = testCtx();
    const first = await member(ctx, ['disabled', 'enabled'], 0);
    expect((await rejection(() => create(first.call))).message).toBe('Organization "Org 0" does not allow personal tokens; use an application user');
    // An earlier organization refuses too, but only as one of several: the managing one is named.
    const last = await member(ctx, ['disabled', 'enabled', 'disabled_for_managed'], 2);
    expect((await rejection(() => create(last.call))).message).toBe('Organization "Org 2" does not allow its managed users to create personal tokens');
  });

  it('an organization that does not manage the user refuses only together with all the others', async () => {
    const ctx = testCtx();
    expect((await create((await member(ctx, ['disabled', 'enabled'])).call)).token.kind).toBe('personal');
    expect((await create((await member(ctx, ['enabled', 'disabled'])).call)).token.kind).toBe('personal');
    // Managed by an organization that allows tokens: another's refusal does not decide.
    expect((await create((await member(ctx, ['disabled', 'enabled'], 1)).call)).token.kind).toBe('personal');
    const all = await member(ctx, ['disabled', 'disabled']);
    expect((await rejection(() => create(all.call))).message).toBe('Organization "Org 0" does not allow personal tokens; use an application user');
  });

  it('a user in no organization may create tokens', async () => {
    const ctx = testCtx();
    expect((await create((await member(ctx, [])).call)).token.kind).toBe('personal');
  });

  it('the new token carries the sign-in method of the token that made it, and the creation is audited in each organization', async () => {
    const ctx = testCtx();
    const { call, orgs, user } = await member(ctx, ['enabled', 'enabled']);
    const oauthToken = (await seedToken(ctx, user.id, { kind: 'session', authMethod: 'oauth_github' })).token;
    const { token, fullToken } = await createPersonalToken({ ...call, principal: { ...call.principal, token: oauthToken }, input: { description: 'from github' } });
    expect(token).toMatchObject({ authMethod: 'oauth_github', userId: user.id, createdManually: true, description: 'from github' });
    expect(fullToken.startsWith(token.tokenPrefix)).toBe(true);
    const created = (await listAuditEvents(ctx)).filter((e) => e.event === 'token.created');
    expect(created.map((e) => e.organizationId).sort()).toEqual(orgs.map((o) => o.id).sort());
    expect(created[0]).toMatchObject({ actorUserId: user.id, actorEmail: user.email, ip: TEST_META.ip, details: { token_prefix: token.tokenPrefix, description: 'from github' } });
  });
});

describe('the caller\'s own tokens', () => {
  async function twoUsers() {
    const ctx = testCtx();
    const alice = await member(ctx, ['enabled']);
    const bob = await member(ctx, ['enabled']);
    return { ctx, alice, bob };
  }

  it('lists newest first, pages, and counts only the caller\'s tokens', async () => {
    const { ctx, alice, bob } = await twoUsers();
    advance(ctx, 1000);
    const second = (await seedToken(ctx, alice.user.id, { description: 'second' })).token;
    advance(ctx, 1000);
    const third = (await seedToken(ctx, alice.user.id, { description: 'third' })).token;
    await seedToken(ctx, bob.user.id);
    const ids = (await listTokens(ctx, alice.user.id)).map((t) => t.id);
    expect(ids).toEqual([third.id, second.id, alice.call.principal.token.id]);
    expect((await listTokens(ctx, alice.user.id, { limit: 1, offset: 1 })).map((t) => t.id)).toEqual([second.id]);
    expect((await listTokens(ctx, alice.user.id, { limit: 2 })).map((t) => t.id)).toEqual([third.id, second.id]);
    expect(await countTokens(ctx, alice.user.id)).toBe(3);
  });

  it('finds a token by its prefix or by the full token, never someone else\'s', async () => {
    const { ctx, alice, bob } = await twoUsers();
    const { token, fullToken } = await seedToken(ctx, alice.user.id);
    expect((await findOwnToken(ctx, alice.user.id, token.tokenPrefix)).id).toBe(token.id);
    expect((await findOwnToken(ctx, alice.user.id, fullToken)).id).toBe(token.id);
    const byPrefix = await rejection(() => findOwnToken(ctx, bob.user.id, token.tokenPrefix));
    expect([byPrefix.status, byPrefix.message]).toEqual([404, `Token ${token.tokenPrefix} not found`]);
    // A full token is never echoed back in the error.
    expect((await rejection(() => findOwnToken(ctx, bob.user.id, fullToken))).message).toBe('Token not found');
  });

  it('renames its own token, audited with the old and new description; another user\'s is not found', async () => {
    const { ctx, alice, bob } = await twoUsers();
    const { token } = await seedToken(ctx, alice.user.id, { description: 'old' });
    expect((await updateTokenDescription({ ...alice.call, prefix: token.tokenPrefix, input: { description: 'new' } })).description).toBe('new');
    expect((await listAuditEvents(ctx)).find((e) => e.event === 'token.updated')?.details).toEqual({
      token_prefix: token.tokenPrefix,
      old: { description: 'old' },
      new: { description: 'new' },
    });
    expect((await rejection(() => updateTokenDescription({ ...bob.call, prefix: token.tokenPrefix, input: { description: 'mine now' } }))).status).toBe(404);
    expect((await rejection(() => updateTokenDescription({ ...alice.call, prefix: token.tokenPrefix, input: { description: 7 } }))).status).toBe(400);
    expect((await findOwnToken(ctx, alice.user.id, token.tokenPrefix)).description).toBe('new');
  });

  it('revokes its own token only', async () => {
    const { ctx, alice, bob } = await twoUsers();
    const { token } = await seedToken(ctx, alice.user.id);
    expect((await rejection(() => revokeToken({ ...bob.call, prefixOrToken: token.tokenPrefix }))).status).toBe(404);
    expect((await revokeToken({ ...alice.call, prefixOrToken: token.tokenPrefix })).id).toBe(token.id);
    expect((await rejection(() => findOwnToken(ctx, alice.user.id, token.tokenPrefix))).status).toBe(404);
    expect((await listAuditEvents(ctx)).find((e) => e.event === 'token.revoked')?.details).toEqual({ token_prefix: token.tokenPrefix, kind: 'personal', description: 'test token' });
  });

  it('"sign out everywhere else" keeps the calling token and the other users\' tokens', async () => {
    const { ctx, alice, bob } = await twoUsers();
    await seedToken(ctx, alice.user.id);
    await seedToken(ctx, alice.user.id, { kind: 'session' });
    expect(await revokeOtherTokens(alice.call)).toBe(2);
    expect((await listTokens(ctx, alice.user.id)).map((t) => t.id)).toEqual([alice.call.principal.token.id]);
    expect(await countTokens(ctx, bob.user.id)).toBe(1);
    expect((await listAuditEvents(ctx)).find((e) => e.event === 'token.revoked')?.details).toEqual({
      scope: 'all_other_tokens',
      count: 2,
      kept: alice.call.principal.token.tokenPrefix,
    });
  });

  it('expiring all tokens ends the calling one too and records when', async () => {
    const { ctx, alice, bob } = await twoUsers();
    await seedToken(ctx, alice.user.id);
    advance(ctx, 5000);
    expect(await expireAllTokens(alice.call)).toBe(2);
    expect(await countTokens(ctx, alice.user.id)).toBe(0);
    expect(await countTokens(ctx, bob.user.id)).toBe(1);
    const row = async (id: string) => (await first(ctx.db.select().from(users).where(eq(users.id, id)).limit(1)))!;
    expect((await row(alice.user.id)).tokenValidityBegin).toBe(iso(ctx.now));
    expect((await row(bob.user.id)).tokenValidityBegin).toBeNull();
    expect((await listAuditEvents(ctx)).find((e) => e.event === 'token.revoked')?.details).toEqual({ scope: 'all_tokens', count: 2 });
  });
});
