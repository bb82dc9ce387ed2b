import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tokenKinds, type TokenKind } from '@/db/schema';
import { organizations, recoveryCodes, totpCredentials } from '@/db/tables';
import type { Principal } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { listMemberships } from '@/lib/model/memberships';
import { seedMembership, seedOrganization, seedToken, seedUser, testCtx, T0 } from '@/lib/testing/seed';
import { codeKind, normalizeCode } from './schema';
import {
  assertNoPendingTwoFactorEnrollment,
  hasConfirmedTotp,
  twoFactorEnrollmentError,
  pendingTwoFactorEnrollment,
  twoFactorEnrollmentRequired,
  twoFactorStatus,
} from './status';

describe('twoFactorEnrollmentRequired', () => {
  // Every combination: policy on/off × token kind × sign-in method × enrolled or not. Only a
  // password session of a user without an authenticator, under a policy, is held back.
  const rows: [policyRequires: boolean, tokenKind: TokenKind, authMethod: string, enrolled: boolean, required: boolean][] = [];
  for (const policyRequires of [true, false]) {
    for (const tokenKind of tokenKinds) {
      for (const authMethod of ['password', 'saml', 'google']) {
        for (const enrolled of [false, true]) {
          const required = policyRequires && tokenKind === 'session' && authMethod === 'password' && !enrolled;
          rows.push([policyRequires, tokenKind, authMethod, enrolled, required]);
        }
      }
    }
  }

  it('covers the whole table', () => {
    expect(rows).toHaveLength(2 * 3 * 3 * 2);
    expect(rows.filter((r) => r[4])).toEqual([[true, 'session', 'password', false, true]]);
  });

  it.each(rows)('policy %s, %s token, method %s, enrolled %s -> required %s', (policyRequires, tokenKind, authMethod, enrolled, required) => {
    expect(twoFactorEnrollmentRequired({ policyRequires, tokenKind, authMethod, enrolled })).toBe(required);
  });
});

async function setTwoFactorRequired(ctx: Ctx, organizationId: string, required = true) {
  await ctx.db.update(organizations).set({ twoFactorRequired: required }).where(eq(organizations.id, organizationId));
}

async function confirmTotp(ctx: Ctx, userId: string, confirmed = true) {
  await ctx.db
    .insert(totpCredentials)
    .values({ userId, secret: 'JBSWY3DPEHPK3PXP', confirmedTime: confirmed ? '2026-03-01T11:00:00Z' : null, createTime: '2026-03-01T11:00:00Z' });
}

/** A principal as the gate builds it: a user in the given organizations, holding one token. */
async function principalOf(ctx: Ctx, { orgs, kind = 'session', authMethod = 'password' }: { orgs: { required: boolean; name?: string }[]; kind?: TokenKind; authMethod?: string }) {
  const user = await seedUser(ctx);
  for (const org of orgs) {
    const organization = await seedOrganization(ctx, { name: org.name });
    await setTwoFactorRequired(ctx, organization.id, org.required);
    await seedMembership(ctx, { organizationId: organization.id, userId: user.id });
  }
  const { token } = await seedToken(ctx, user.id, { kind, authMethod });
  return { user, token, memberships: await listMemberships(ctx, user.id) } satisfies Principal;
}

describe('pendingTwoFactorEnrollment', () => {
  it('names the organizations requiring it, for a password session without an authenticator', async () => {
    const ctx = testCtx();
    const principal = await principalOf(ctx, { orgs: [{ required: true, name: 'Acme' }, { required: false }, { required: true, name: 'Beta' }] });
    expect((await pendingTwoFactorEnrollment(ctx, principal))?.map((m) => m.organization.name)).toEqual(['Acme', 'Beta']);

    const error = (await (async () => {
      try {
        await assertNoPendingTwoFactorEnrollment(ctx, principal, 'api');
      } catch (e) {
        return e;
      }
    })()) as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('two_factor_enrollment_required');
    expect(error.status).toBe(403);
    expect(error.message).toBe(
      'Organizations "Acme" and "Beta" require two-factor authentication for password sign-ins. ' +
        'Set up an authenticator in the console under Profile → Authentication, then sign in again with a code.',
    );
  });

  it('three or more organizations are listed with commas and a final "and"', async () => {
    const ctx = testCtx();
    const principal = await principalOf(ctx, { orgs: [{ required: true, name: 'Acme' }, { required: true, name: 'Beta' }, { required: true, name: 'Gamma' }] });
    expect(twoFactorEnrollmentError(principal.memberships, 'console').message).toBe(
      'Organizations "Acme", "Beta" and "Gamma" require two-factor authentication for password sign-ins. Set up an authenticator to continue.',
    );
  });

  it('one organization is named as such, and the console says what to do there', async () => {
    const ctx = testCtx();
    const principal = await principalOf(ctx, { orgs: [{ required: true, name: 'Acme' }] });
    await expect(assertNoPendingTwoFactorEnrollment(ctx, principal, 'console')).rejects.toThrow(
      'Organization "Acme" requires two-factor authentication for password sign-ins. Set up an authenticator to continue.',
    );
  });

  it.each([
    ['no organization requires it', { orgs: [{ required: false }] }, false],
    ['no organizations at all', { orgs: [] }, false],
    ['a personal token', { orgs: [{ required: true }], kind: 'personal' as const }, false],
    ['an application token', { orgs: [{ required: true }], kind: 'application' as const }, false],
    ['an SSO session', { orgs: [{ required: true }], authMethod: 'saml' }, false],
    ['a third-party session', { orgs: [{ required: true }], authMethod: 'google' }, false],
    ['a password session', { orgs: [{ required: true }] }, true],
  ])('%s -> pending %s', async (_name, input, pending) => {
    const ctx = testCtx();
    const principal = await principalOf(ctx, input);
    expect(await pendingTwoFactorEnrollment(ctx, principal) !== null).toBe(pending);
  });

  it('ends once the authenticator is confirmed, not when setup merely started', async () => {
    const ctx = testCtx();
    const principal = await principalOf(ctx, { orgs: [{ required: true }] });
    await confirmTotp(ctx, principal.user.id, false);
    expect(await hasConfirmedTotp(ctx, principal.user.id)).toBe(false);
    expect(await pendingTwoFactorEnrollment(ctx, principal)).not.toBeNull();
    await ctx.db.update(totpCredentials).set({ confirmedTime: '2026-03-01T12:00:00Z' });
    expect(await hasConfirmedTotp(ctx, principal.user.id)).toBe(true);
    expect(await pendingTwoFactorEnrollment(ctx, principal)).toBeNull();
  });
});

describe('twoFactorStatus', () => {
  it('off without a confirmed authenticator', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    expect(await twoFactorStatus(ctx, user.id)).toEqual({ enabled: false, since: null, recoveryCodesLeft: 0 });
    await confirmTotp(ctx, user.id, false);
    expect(await twoFactorStatus(ctx, user.id)).toEqual({ enabled: false, since: null, recoveryCodesLeft: 0 });
  });

  it('on, with the unused recovery codes counted', async () => {
    const ctx = testCtx(T0);
    const user = await seedUser(ctx);
    await confirmTotp(ctx, user.id);
    await ctx.db
      .insert(recoveryCodes)
      .values([
        { userId: user.id, codeHash: 'a' },
        { userId: user.id, codeHash: 'b', usedTime: '2026-03-01T11:30:00Z' },
        { userId: user.id, codeHash: 'c' },
      ]);
    expect(await twoFactorStatus(ctx, user.id)).toEqual({ enabled: true, since: '2026-03-01T11:00:00Z', recoveryCodesLeft: 2 });
  });
});

describe('codes as typed', () => {
  it.each([
    ['123456', '123456', 'totp'],
    [' 123 456 ', '123456', 'totp'],
    ['ABCD-EFGH-2345-WXYZ', 'abcdefgh2345wxyz', 'recovery'],
    ['abcd efgh 2345 wxyz', 'abcdefgh2345wxyz', 'recovery'],
    ['12345', '12345', null],
    ['1234567', '1234567', null],
    ['abcd-efgh-2345-wxy1', 'abcdefgh2345wxy1', null],
    ['abcd-efgh-2345', 'abcdefgh2345', null],
    ['', '', null],
  ])('%j -> %j (%s)', (typed, normalized, kind) => {
    expect(normalizeCode(typed)).toBe(normalized);
    expect(codeKind(normalizeCode(typed))).toBe(kind);
  });
});
