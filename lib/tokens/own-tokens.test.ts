import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { organizations, tokens, users, type PersonalTokenMode } from '@/db/schema';
import { iso, type Ctx } from '@/lib/context';
import { principalOf, TEST_META } from '@/lib/testing/members';
import { rejection } from '@/lib/testing/errors';
import { advance, listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { countTokens, createPersonalToken, expireAllTokens, findOwnToken, listTokens, revokeOtherTokens, revokeToken, updateTokenDescription } from './manage';

// The caller's own tokens (lib/tokens/manage.ts): which organizations' policies refuse a new
// personal token, and that every other operation reaches the caller's tokens only.

function setMode(ctx: Ctx, organizationId: string, personalTokensMode: PersonalTokenMode) {
  ctx.db.update(organizations).set({ personalTokensMode }).where(eq(organizations.id, organizationId)).run();
}

function manage(ctx: Ctx, userId: string, organizationId: string | null) {
  ctx.db.update(users).set({ managingOrganizationId: organizationId }).where(eq(users.id, userId)).run();
}

/** A user in organizations with these token modes; `managedBy` is the index of the managing one. */
function member(ctx: Ctx, modes: PersonalTokenMode[], managedBy: number | null = null) {
  const user = seedUser(ctx);
  const orgs = modes.map((mode, i) => {
    const organization = seedOrganization(ctx, { name: `Org ${i}` });
    setMode(ctx, organization.id, mode);
    seedMembership(ctx, { organizationId: organization.id, userId: user.id });
    return organization;
  });
  if (managedBy !== null) manage(ctx, user.id, orgs[managedBy]!.id);
  return { user, orgs, call: { ctx, principal: principalOf(ctx, user.id), meta: TEST_META } };
}

const create = (call: ReturnType<typeof member>['call']) => createPersonalToken({ ...call, input: { description: 'mine' } });

describe('createPersonalToken: the organizations\' personal token modes', () => {
  it('an organization that turned personal tokens off refuses them, naming itself', () => {
    const ctx = testCtx();
    const { call } = member(ctx, ['disabled']);
    const error = rejection(() => create(call));
    expect([error.status, error.message]).toEqual([403, 'Organization "Org 0" does not allow personal tokens; use an application user']);
    expect(ctx.db.select().from(tokens).where(eq(tokens.kind, 'personal')).all()).toHaveLength(1); // the caller's own, from principalOf
  });

  it('"disabled for managed users" refuses the users it manages and lets everyone else create tokens', () => {
    const ctx = testCtx();
    const managed = member(ctx, ['disabled_for_managed'], 0);
    expect(rejection(() => create(managed.call)).message).toBe('Organization "Org 0" does not allow its managed users to create personal tokens');
    // Managed by another organization, or by none: the token is for use elsewhere, and this
    // organization's gate keeps it out of its resources.
    const unmanaged = member(ctx, ['disabled_for_managed']);
    expect(create(unmanaged.call).token.kind).toBe('personal');
    const other = member(ctx, ['disabled_for_managed', 'enabled'], 1);
    expect(create(other.call).token.kind).toBe('personal');
  });

  it('the managing organization refuses even when the others allow tokens, wherever it is listed', () => {
    const ctx = testCtx();
    const first = member(ctx, ['disabled', 'enabled'], 0);
    expect(rejection(() => create(first.call)).message).toBe('Organization "Org 0" does not allow personal tokens; use an application user');
    // An earlier organization refuses too, but only as one of several: the managing one is named.
    const last = member(ctx, ['disabled', 'enabled', 'disabled_for_managed'], 2);
    expect(rejection(() => create(last.call)).message).toBe('Organization "Org 2" does not allow its managed users to create personal tokens');
  });

  it('an organization that does not manage the user refuses only together with all the others', () => {
    const ctx = testCtx();
    expect(create(member(ctx, ['disabled', 'enabled']).call).token.kind).toBe('personal');
    expect(create(member(ctx, ['enabled', 'disabled']).call).token.kind).toBe('personal');
    // Managed by an organization that allows tokens: another's refusal does not decide.
    expect(create(member(ctx, ['disabled', 'enabled'], 1).call).token.kind).toBe('personal');
    const all = member(ctx, ['disabled', 'disabled']);
    expect(rejection(() => create(all.call)).message).toBe('Organization "Org 0" does not allow personal tokens; use an application user');
  });

  it('a user in no organization may create tokens', () => {
    const ctx = testCtx();
    expect(create(member(ctx, []).call).token.kind).toBe('personal');
  });

  it('the new token carries the sign-in method of the token that made it, and the creation is audited in each organization', () => {
    const ctx = testCtx();
    const { call, orgs, user } = member(ctx, ['enabled', 'enabled']);
    const oauthToken = seedToken(ctx, user.id, { kind: 'session', authMethod: 'oauth_github' }).token;
    const { token, fullToken } = createPersonalToken({ ...call, principal: { ...call.principal, token: oauthToken }, input: { description: 'from github' } });
    expect(token).toMatchObject({ authMethod: 'oauth_github', userId: user.id, createdManually: true, description: 'from github' });
    expect(fullToken.startsWith(token.tokenPrefix)).toBe(true);
    const created = listAuditEvents(ctx).filter((e) => e.event === 'token.created');
    expect(created.map((e) => e.organizationId).sort()).toEqual(orgs.map((o) => o.id).sort());
    expect(created[0]).toMatchObject({ actorUserId: user.id, actorEmail: user.email, ip: TEST_META.ip, details: { token_prefix: token.tokenPrefix, description: 'from github' } });
  });
});

describe('the caller\'s own tokens', () => {
  function twoUsers() {
    const ctx = testCtx();
    const alice = member(ctx, ['enabled']);
    const bob = member(ctx, ['enabled']);
    return { ctx, alice, bob };
  }

  it('lists newest first, pages, and counts only the caller\'s tokens', () => {
    const { ctx, alice, bob } = twoUsers();
    advance(ctx, 1000);
    const second = seedToken(ctx, alice.user.id, { description: 'second' }).token;
    advance(ctx, 1000);
    const third = seedToken(ctx, alice.user.id, { description: 'third' }).token;
    seedToken(ctx, bob.user.id);
    const ids = listTokens(ctx, alice.user.id).map((t) => t.id);
    expect(ids).toEqual([third.id, second.id, alice.call.principal.token.id]);
    expect(listTokens(ctx, alice.user.id, { limit: 1, offset: 1 }).map((t) => t.id)).toEqual([second.id]);
    expect(listTokens(ctx, alice.user.id, { limit: 2 }).map((t) => t.id)).toEqual([third.id, second.id]);
    expect(countTokens(ctx, alice.user.id)).toBe(3);
  });

  it('finds a token by its prefix or by the full token, never someone else\'s', () => {
    const { ctx, alice, bob } = twoUsers();
    const { token, fullToken } = seedToken(ctx, alice.user.id);
    expect(findOwnToken(ctx, alice.user.id, token.tokenPrefix).id).toBe(token.id);
    expect(findOwnToken(ctx, alice.user.id, fullToken).id).toBe(token.id);
    const byPrefix = rejection(() => findOwnToken(ctx, bob.user.id, token.tokenPrefix));
    expect([byPrefix.status, byPrefix.message]).toEqual([404, `Token ${token.tokenPrefix} not found`]);
    // A full token is never echoed back in the error.
    expect(rejection(() => findOwnToken(ctx, bob.user.id, fullToken)).message).toBe('Token not found');
  });

  it('renames its own token, audited with the old and new description; another user\'s is not found', () => {
    const { ctx, alice, bob } = twoUsers();
    const { token } = seedToken(ctx, alice.user.id, { description: 'old' });
    expect(updateTokenDescription({ ...alice.call, prefix: token.tokenPrefix, input: { description: 'new' } }).description).toBe('new');
    expect(listAuditEvents(ctx).find((e) => e.event === 'token.updated')?.details).toEqual({
      token_prefix: token.tokenPrefix,
      old: { description: 'old' },
      new: { description: 'new' },
    });
    expect(rejection(() => updateTokenDescription({ ...bob.call, prefix: token.tokenPrefix, input: { description: 'mine now' } })).status).toBe(404);
    expect(rejection(() => updateTokenDescription({ ...alice.call, prefix: token.tokenPrefix, input: { description: 7 } })).status).toBe(400);
    expect(findOwnToken(ctx, alice.user.id, token.tokenPrefix).description).toBe('new');
  });

  it('revokes its own token only', () => {
    const { ctx, alice, bob } = twoUsers();
    const { token } = seedToken(ctx, alice.user.id);
    expect(rejection(() => revokeToken({ ...bob.call, prefixOrToken: token.tokenPrefix })).status).toBe(404);
    expect(revokeToken({ ...alice.call, prefixOrToken: token.tokenPrefix }).id).toBe(token.id);
    expect(rejection(() => findOwnToken(ctx, alice.user.id, token.tokenPrefix)).status).toBe(404);
    expect(listAuditEvents(ctx).find((e) => e.event === 'token.revoked')?.details).toEqual({ token_prefix: token.tokenPrefix, kind: 'personal', description: 'test token' });
  });

  it('"sign out everywhere else" keeps the calling token and the other users\' tokens', () => {
    const { ctx, alice, bob } = twoUsers();
    seedToken(ctx, alice.user.id);
    seedToken(ctx, alice.user.id, { kind: 'session' });
    expect(revokeOtherTokens(alice.call)).toBe(2);
    expect(listTokens(ctx, alice.user.id).map((t) => t.id)).toEqual([alice.call.principal.token.id]);
    expect(countTokens(ctx, bob.user.id)).toBe(1);
    expect(listAuditEvents(ctx).find((e) => e.event === 'token.revoked')?.details).toEqual({
      scope: 'all_other_tokens',
      count: 2,
      kept: alice.call.principal.token.tokenPrefix,
    });
  });

  it('expiring all tokens ends the calling one too and records when', () => {
    const { ctx, alice, bob } = twoUsers();
    seedToken(ctx, alice.user.id);
    advance(ctx, 5000);
    expect(expireAllTokens(alice.call)).toBe(2);
    expect(countTokens(ctx, alice.user.id)).toBe(0);
    expect(countTokens(ctx, bob.user.id)).toBe(1);
    const row = (id: string) => ctx.db.select().from(users).where(eq(users.id, id)).get()!;
    expect(row(alice.user.id).tokenValidityBegin).toBe(iso(ctx.now));
    expect(row(bob.user.id).tokenValidityBegin).toBeNull();
    expect(listAuditEvents(ctx).find((e) => e.event === 'token.revoked')?.details).toEqual({ scope: 'all_tokens', count: 2 });
  });
});
