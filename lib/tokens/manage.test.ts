import { describe, expect, it } from 'vitest';
import { type TokenKind } from '@/db/schema';
import { tokens } from '@/db/tables';
import { authenticate } from '@/lib/auth/gate';
import type { Ctx } from '@/lib/context';
import { rejection } from '@/lib/testing/errors';
import { advance, listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import type { CreateTokenInput } from './create';
import { createPersonalToken } from './manage';

const META = { ip: '203.0.113.5', userAgent: 'vitest' };

/** A member calling with a token of this kind and these limits (through the Authorization header). */
async function caller(ctx: Ctx, kind: TokenKind, limits: Partial<Omit<CreateTokenInput, 'userId' | 'kind'>> = {}) {
  const organization = await seedOrganization(ctx);
  const user = await seedUser(ctx);
  await seedMembership(ctx, { organizationId: organization.id, userId: user.id });
  const { fullToken, token } = await seedToken(ctx, user.id, { kind, ...limits });
  const principal = await authenticate({ ctx, input: { authorization: `aivenv1 ${fullToken}`, cookieToken: null, ip: '10.1.2.3', userAgent: 'vitest' } });
  return { call: { ctx, principal, meta: META }, user, organization, parent: token };
}

describe('createPersonalToken: never wider than the token that asks', () => {
  it('a scoped personal token cannot mint an unscoped one: 403 naming the scopes, audited, nothing created', async () => {
    const ctx = testCtx();
    const { call, user, organization, parent } = await caller(ctx, 'personal', { scopes: ['projects:read'] });
    const before = (await ctx.db.select().from(tokens)).length;
    const error = await rejection(() => createPersonalToken({ ...call, input: { description: 'wider' } }));
    expect([error.status, error.message]).toEqual([403, 'This token\'s scopes (projects:read) do not allow creating a token with scopes (all)']);
    expect(await ctx.db.select().from(tokens)).toHaveLength(before);
    const events = (await listAuditEvents(ctx)).filter((e) => e.event.startsWith('token.'));
    expect(events).toMatchObject([
      {
        event: 'token.creation_refused',
        organizationId: organization.id,
        actorUserId: user.id,
        ip: META.ip,
        details: {
          reason: error.message,
          parent_token_prefix: parent.tokenPrefix,
          parent_kind: 'personal',
          requested: { scopes: [], ip_allowlist: [], max_age_seconds: null, extend_when_used: false },
        },
      },
    ]);
  });

  it('a fenced token cannot mint one open to anywhere or to a wider range', async () => {
    const ctx = testCtx();
    const { call } = await caller(ctx, 'personal', { ipAllowlist: ['10.0.0.0/8'] });
    expect((await rejection(() => createPersonalToken({ ...call, input: { description: 'x' } }))).message).toBe(
      'This token\'s IP allowlist (10.0.0.0/8) does not allow creating a token with IP allowlist (anywhere)',
    );
    // Normalized before the comparison: "10.1.2.3/7" is 10.0.0.0/7.
    expect((await rejection(() => createPersonalToken({ ...call, input: { description: 'x', ip_allowlist: ['10.1.2.3/7'] } }))).message).toBe(
      'This token\'s IP allowlist (10.0.0.0/8) does not allow creating a token with IP allowlist (10.0.0.0/7)',
    );
    const { token } = await createPersonalToken({ ...call, input: { description: 'x', ip_allowlist: ['::ffff:10.1.0.0/112'] } });
    expect(token.ipAllowlist).toEqual(['10.1.0.0/16']);
  });

  it('an expiring token cannot mint one that outlives it', async () => {
    const ctx = testCtx();
    const { call, parent } = await caller(ctx, 'personal', { maxAgeSeconds: 3600 });
    advance(ctx, 600_000);
    const prefix = `This token's expiry (${parent.expiryTime}) does not allow creating a token`;
    expect((await rejection(() => createPersonalToken({ ...call, input: { description: 'x' } }))).message).toBe(`${prefix} without a max age`);
    expect((await rejection(() => createPersonalToken({ ...call, input: { description: 'x', max_age_seconds: 3001 } }))).message).toMatch(
      new RegExp(`^${prefix.replace(/[().]/g, '\\$&')} with max age 3001 seconds \\(it would expire at .*; at most 3000 seconds\\)$`),
    );
    expect((await rejection(() => createPersonalToken({ ...call, input: { description: 'x', max_age_seconds: 600, extend_when_used: true } }))).message).toBe(
      `${prefix} that extends when used`,
    );
    const { token } = await createPersonalToken({ ...call, input: { description: 'x', max_age_seconds: 3000 } });
    expect(token.expiryTime).toBe(parent.expiryTime);
  });

  it('a narrower request succeeds, is audited as before, and keeps its limits', async () => {
    const ctx = testCtx();
    const { call } = await caller(ctx, 'personal', { scopes: ['user', 'projects'], ipAllowlist: ['10.0.0.0/8'], maxAgeSeconds: 86_400 });
    const { token } = await createPersonalToken({
      ...call,
      input: { description: 'narrow', scopes: ['projects:read'], ip_allowlist: ['10.1.0.0/16'], max_age_seconds: 3600 },
    });
    expect(token).toMatchObject({ kind: 'personal', scopes: ['projects:read'], ipAllowlist: ['10.1.0.0/16'], maxAgeSeconds: 3600 });
    expect((await listAuditEvents(ctx)).filter((e) => e.event.startsWith('token.')).map((e) => e.event)).toEqual(['token.created']);
  });

  it('a login session may create any token, however it is limited itself', async () => {
    const ctx = testCtx();
    const { call } = await caller(ctx, 'session', { maxAgeSeconds: 600, extendWhenUsed: true, ipAllowlist: ['10.0.0.0/8'], scopes: ['user'] });
    const { token } = await createPersonalToken({ ...call, input: { description: 'anything' } });
    expect(token).toMatchObject({ scopes: [], ipAllowlist: [], expiryTime: null });
  });

  it('an unlimited personal token may create any token', async () => {
    const ctx = testCtx();
    const { call } = await caller(ctx, 'personal');
    expect((await createPersonalToken({ ...call, input: { description: 'x', max_age_seconds: 600, extend_when_used: true } })).token.extendWhenUsed).toBe(true);
  });

  it('bad input is still a 400 before any comparison', async () => {
    const ctx = testCtx();
    const { call } = await caller(ctx, 'personal', { scopes: ['user'] });
    const error = await rejection(() => createPersonalToken({ ...call, input: { description: 'x', scopes: ['everything'] } }));
    expect(error.status).toBe(400);
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'token.creation_refused')).toEqual([]);
  });
});
