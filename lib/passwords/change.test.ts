import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { type TokenKind } from '@/db/schema';
import { organizations, passwordCredentials, signInFailures, tokens, users } from '@/db/tables';
import type { Principal } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { listMemberships } from '@/lib/model/memberships';
import { asyncRejection, rejection } from '@/lib/testing/errors';
import { advance, listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { hashPassword, verifyPassword } from './hash';
import { changePassword, RECENT_SIGN_IN_MS, SESSION_REQUIRED_MESSAGE, WRONG_CURRENT_PASSWORD } from './change';
import { ACCOUNT_LIMIT, assertSignInAllowed, recordSignInFailure } from '@/lib/auth/rate-limit';
import { first } from '@/db/async';

const META = { ip: '198.51.100.7', userAgent: 'vitest' };
const CURRENT = 'the current password 1';
const NEW = 'a brand new password 2';
let currentHash: string;
beforeAll(async () => {
  currentHash = await hashPassword(CURRENT);
});

async function principalOf(ctx: Ctx, userId: string, token: { id: string }): Promise<Principal> {
  const user = (await first(ctx.db.select().from(users).where(eq(users.id, userId)).limit(1)))!;
  const row = (await first(ctx.db.select().from(tokens).where(eq(tokens.id, token.id)).limit(1)))!;
  return { user, token: row, memberships: await listMemberships(ctx, userId) };
}

/** A member of Acme with a password, signed in (a session), another session and a personal token. */
async function member(ctx: Ctx, { password = true }: { password?: boolean } = {}) {
  const organization = await seedOrganization(ctx, { name: 'Acme' });
  const user = await seedUser(ctx, { email: 'ann@x.test', passwordHash: password ? currentHash : undefined });
  await seedMembership(ctx, { organizationId: organization.id, userId: user.id });
  const session = (await seedToken(ctx, user.id, { kind: 'session', createdManually: false })).token;
  const otherSession = (await seedToken(ctx, user.id, { kind: 'session', createdManually: false })).token;
  const personal = (await seedToken(ctx, user.id, { kind: 'personal' })).token;
  return { organization, user, session, otherSession, personal, principal: () => principalOf(ctx, user.id, session) };
}

const tokenIds = async (ctx: Ctx, userId: string) =>
  (await ctx.db.select({ id: tokens.id }).from(tokens).where(eq(tokens.userId, userId))).map((t) => t.id).sort();
const hashOf = async (ctx: Ctx, userId: string) =>
  (await first(ctx.db.select({ h: passwordCredentials.passwordHash }).from(passwordCredentials).where(eq(passwordCredentials.userId, userId)).limit(1)))?.h;

describe('changePassword with a password', () => {
  it('checks the current one, sets the new one, ends every other session, keeps this one and the personal tokens, and audits', async () => {
    const ctx = testCtx();
    const { organization, user, session, otherSession, personal, principal } = await member(ctx);
    const result = await changePassword({ ctx, principal: await principal(), meta: META, input: { password: CURRENT, new_password: NEW } });

    expect(result).toEqual({ firstPassword: false, sessionsEnded: 1, personalTokensRevoked: 0 });
    expect(await verifyPassword((await hashOf(ctx, user.id))!, NEW)).toBe(true);
    expect(await verifyPassword((await hashOf(ctx, user.id))!, CURRENT)).toBe(false);
    expect(await tokenIds(ctx, user.id)).toEqual([session.id, personal.id].sort());
    expect(await tokenIds(ctx, user.id)).not.toContain(otherSession.id);
    expect(await listAuditEvents(ctx)).toMatchObject([
      {
        event: 'user.password_changed',
        organizationId: organization.id,
        actorUserId: user.id,
        ip: META.ip,
        details: { first_password: false, sessions_ended: 1, personal_tokens_revoked: 0, token_prefix: session.tokenPrefix },
      },
    ]);
  });

  it('"also revoke my tokens" revokes the personal tokens too; other users keep theirs', async () => {
    const ctx = testCtx();
    const { user, session, principal } = await member(ctx);
    const bystander = await seedUser(ctx);
    const theirs = (await seedToken(ctx, bystander.id)).token;
    const result = await changePassword({ ctx, principal: await principal(), meta: META, input: { password: CURRENT, new_password: NEW, revoke_tokens: true } });
    expect(result).toEqual({ firstPassword: false, sessionsEnded: 1, personalTokensRevoked: 1 });
    expect(await tokenIds(ctx, user.id)).toEqual([session.id]);
    expect(await tokenIds(ctx, bystander.id)).toEqual([theirs.id]);
  });

  it('a wrong current password is 403, changes nothing, is audited and counts as a failed sign-in until the limit (429)', async () => {
    const ctx = testCtx();
    const { user, principal } = await member(ctx);
    const before = await tokenIds(ctx, user.id);
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      const error = await asyncRejection(changePassword({ ctx, principal: await principal(), meta: META, input: { password: `wrong ${i}`, new_password: NEW } }));
      expect([error.status, error.message, error.fieldErrors]).toEqual([403, WRONG_CURRENT_PASSWORD, { password: [WRONG_CURRENT_PASSWORD] }]);
    }
    // The limit is the sign-in one: now even the right password is held back.
    const limited = await asyncRejection(changePassword({ ctx, principal: await principal(), meta: META, input: { password: CURRENT, new_password: NEW } }));
    expect([limited.status, limited.message]).toEqual([429, 'Too many failed sign-in attempts for this account. Try again in 15 minutes.']);
    expect(await hashOf(ctx, user.id)).toBe(currentHash);
    expect(await tokenIds(ctx, user.id)).toEqual(before);
    expect((await listAuditEvents(ctx)).map((e) => [e.event, e.details])).toEqual(
      Array.from({ length: ACCOUNT_LIMIT }, () => ['user.password_change_failed', { reason: 'wrong_password' }]),
    );
    // Counted for this account: the sign-in page holds it back too, from any address.
    const atSignIn = await rejection(() => assertSignInAllowed(ctx, { email: user.email, ip: null }));
    expect([atSignIn.status, atSignIn.message]).toEqual([429, 'Too many failed sign-in attempts for this account. Try again in 15 minutes.']);
  });

  it('a password changed meanwhile (after the current one was read) wins: 409, and nothing is overwritten or ended', async () => {
    const ctx = testCtx();
    const { user, principal } = await member(ctx);
    const changing = changePassword({ ctx, principal: await principal(), meta: META, input: { password: CURRENT, new_password: NEW } });
    // changePassword reads the current hash, then counts the attempt (a sign_in_failures row),
    // then checks the password (argon2, off the loop, tens of milliseconds): once the row is
    // there, the hash has been read and the check is running, on either engine.
    while ((await ctx.db.select().from(signInFailures)).length === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    // The current password has been read; another request changes it before this one writes.
    await ctx.db.update(passwordCredentials).set({ passwordHash: 'changed-meanwhile' }).where(eq(passwordCredentials.userId, user.id));
    const error = await asyncRejection(changing);
    expect([error.status, error.message]).toEqual([409, 'Your password changed meanwhile: reload and try again']);
    expect(await hashOf(ctx, user.id)).toBe('changed-meanwhile');
    expect(await tokenIds(ctx, user.id)).toHaveLength(3);
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'user.password_changed')).toEqual([]);
  });

  it('failed sign-ins count here too (one counter), and the right password clears it', async () => {
    const ctx = testCtx();
    const { user, principal } = await member(ctx);
    for (let i = 0; i < ACCOUNT_LIMIT - 1; i++) await recordSignInFailure(ctx, { email: user.email, ip: '203.0.113.9' });
    await changePassword({ ctx, principal: await principal(), meta: META, input: { password: CURRENT, new_password: NEW } });
    // Cleared: five more wrong guesses are needed before the limit.
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      expect((await asyncRejection(changePassword({ ctx, principal: await principal(), meta: META, input: { password: 'x', new_password: 'another password 3' } }))).status).toBe(403);
    }
    expect((await asyncRejection(changePassword({ ctx, principal: await principal(), meta: META, input: { password: NEW, new_password: 'another password 3' } }))).status).toBe(429);
  });

  it.each<[string, Record<string, unknown>, number, string, Record<string, string[]>]>([
    ['the current password again', { password: CURRENT, new_password: CURRENT }, 400, 'Choose a new password: this is your current one', { new_password: ['Choose a new password: this is your current one'] }],
    ['a short new password', { password: CURRENT, new_password: 'short' }, 400, 'new_password: Use at least 12 characters', { new_password: ['Use at least 12 characters'] }],
    ['a new password too long', { password: CURRENT, new_password: 'x'.repeat(257) }, 400, 'new_password: Use at most 256 characters', { new_password: ['Use at most 256 characters'] }],
    ['no new password', { password: CURRENT }, 400, 'new_password: Enter a password', { new_password: ['Enter a password'] }],
    ['no current password', { new_password: NEW }, 400, 'Enter your current password', { password: ['Enter your current password'] }],
    ['an empty current password', { password: '', new_password: NEW }, 400, 'Enter your current password', { password: ['Enter your current password'] }],
    ['a field the API does not have', { password: CURRENT, new_password: NEW, user_id: 'u123' }, 400, 'Unrecognized key: "user_id"', { '': ['Unrecognized key: "user_id"'] }],
    ['a number as password', { password: 5, new_password: NEW }, 400, 'password: Invalid input: expected string, received number', { password: ['Invalid input: expected string, received number'] }],
  ])('refuses %s (%i) and changes nothing', async (_name, input, status, message, fieldErrors) => {
    const ctx = testCtx();
    const { user, principal } = await member(ctx);
    const error = await asyncRejection(changePassword({ ctx, principal: await principal(), meta: META, input }));
    expect([error.status, error.message, error.fieldErrors]).toEqual([status, message, fieldErrors]);
    expect(await hashOf(ctx, user.id)).toBe(currentHash);
    expect(await tokenIds(ctx, user.id)).toHaveLength(3);
  });

  it('"same as current" is told only after the current password proved right: a wrong one is the plain 403', async () => {
    const ctx = testCtx();
    const { principal } = await member(ctx);
    const error = await asyncRejection(changePassword({ ctx, principal: await principal(), meta: META, input: { password: 'a guess at it 99', new_password: 'a guess at it 99' } }));
    expect([error.status, error.message]).toEqual([403, WRONG_CURRENT_PASSWORD]);
  });

  it.each<TokenKind>(['personal', 'application'])('a %s token cannot change the password (403), even with the right current one', async (kind) => {
    const ctx = testCtx();
    const { user } = await member(ctx);
    const token = (await seedToken(ctx, user.id, { kind })).token;
    const error = await asyncRejection(changePassword({ ctx, principal: await principalOf(ctx, user.id, token), meta: META, input: { password: CURRENT, new_password: NEW } }));
    expect([error.status, error.message]).toEqual([403, SESSION_REQUIRED_MESSAGE]);
    expect(await hashOf(ctx, user.id)).toBe(currentHash);
    expect(await listAuditEvents(ctx)).toEqual([]);
  });
});

describe('changePassword without a password (SSO or third-party only)', () => {
  it('sets a first password from a session less than 10 minutes old, without a current one', async () => {
    const ctx = testCtx();
    const { user, session, personal, principal } = await member(ctx, { password: false });
    expect(RECENT_SIGN_IN_MS).toBe(10 * 60 * 1000);
    advance(ctx, 10 * 60 * 1000);
    const result = await changePassword({ ctx, principal: await principal(), meta: META, input: { new_password: NEW } });
    expect(result).toEqual({ firstPassword: true, sessionsEnded: 1, personalTokensRevoked: 0 });
    expect(await verifyPassword((await hashOf(ctx, user.id))!, NEW)).toBe(true);
    expect(await tokenIds(ctx, user.id)).toEqual([session.id, personal.id].sort());
    expect((await listAuditEvents(ctx))[0]).toMatchObject({ event: 'user.password_changed', details: { first_password: true } });
  });

  it('an empty "current password" (avn prompts for one) is fine', async () => {
    const ctx = testCtx();
    const { principal } = await member(ctx, { password: false });
    expect((await changePassword({ ctx, principal: await principal(), meta: META, input: { password: '', new_password: NEW } })).firstPassword).toBe(true);
  });

  it('asks to sign in again once the session is older than 10 minutes', async () => {
    const ctx = testCtx();
    const { user, principal } = await member(ctx, { password: false });
    advance(ctx, 10 * 60 * 1000 + 1000);
    const error = await asyncRejection(changePassword({ ctx, principal: await principal(), meta: META, input: { new_password: NEW } }));
    expect([error.status, error.message]).toEqual([
      403,
      'To set a password, sign in again first: the sign-in must be less than 10 minutes old, and this session began at 2026-03-01T12:00:00Z',
    ]);
    expect(await hashOf(ctx, user.id)).toBeUndefined();
  });

  it('is refused where no organization of the user allows password sign-in', async () => {
    const ctx = testCtx();
    const { organization, user, principal } = await member(ctx, { password: false });
    await ctx.db.update(organizations).set({ passwordAuthEnabled: false }).where(eq(organizations.id, organization.id));
    const error = await asyncRejection(changePassword({ ctx, principal: await principal(), meta: META, input: { new_password: NEW } }));
    expect(error.status).toBe(403);
    expect(error.message).toMatch(/^Organization "Acme" does not allow sign-in with a password, so you cannot set one\. Allowed methods: /);
    expect(await hashOf(ctx, user.id)).toBeUndefined();

    // One organization that allows it is enough.
    const other = await seedOrganization(ctx, { name: 'Beta' });
    await seedMembership(ctx, { organizationId: other.id, userId: user.id });
    expect((await changePassword({ ctx, principal: await principal(), meta: META, input: { new_password: NEW } })).firstPassword).toBe(true);
  });

  it('two organizations that both forbid it: the message says none allows it', async () => {
    const ctx = testCtx();
    const { organization, user, principal } = await member(ctx, { password: false });
    const other = await seedOrganization(ctx, { name: 'Beta' });
    await seedMembership(ctx, { organizationId: other.id, userId: user.id });
    await ctx.db.update(organizations).set({ passwordAuthEnabled: false });
    expect(organization.id).not.toBe(other.id);
    const error = await asyncRejection(changePassword({ ctx, principal: await principal(), meta: META, input: { new_password: NEW } }));
    expect(error.message).toMatch(/^None of your organizations allows sign-in with a password, so you cannot set one\./);
  });

  it('a user of no organization may set one (sign-in allows passwords to them)', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx, { email: 'solo@x.test' });
    const session = (await seedToken(ctx, user.id, { kind: 'session' })).token;
    expect((await changePassword({ ctx, principal: await principalOf(ctx, user.id, session), meta: META, input: { new_password: NEW } })).firstPassword).toBe(true);
  });

  it('a personal token cannot set one either', async () => {
    const ctx = testCtx();
    const { user, personal } = await member(ctx, { password: false });
    const error = await asyncRejection(changePassword({ ctx, principal: await principalOf(ctx, user.id, personal), meta: META, input: { new_password: NEW } }));
    expect([error.status, error.message]).toEqual([403, SESSION_REQUIRED_MESSAGE]);
  });
});
