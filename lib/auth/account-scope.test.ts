import { describe, expect, it } from 'vitest';
import type { Principal } from '@/lib/call';
import { AppError } from '@/lib/errors';
import { principalOf } from '@/lib/testing/members';
import { seedMembership, seedOrganization, seedUser, testCtx } from '@/lib/testing/seed';
import { authorizeScope } from '@/lib/auth/gate';

const membershipOfAccount = (principal: Principal, accountId: string, ip: string | null) =>
  authorizeScope(principal, { kind: 'account', accountId }, ip)!;

describe('the account scope of the gate (/v1/account/{account_id})', () => {
  function world() {
    const ctx = testCtx();
    const user = seedUser(ctx);
    const mine = seedOrganization(ctx, { ipAllowlist: ['10.0.0.0/8'] });
    const other = seedOrganization(ctx);
    seedMembership(ctx, { organizationId: mine.id, userId: user.id, isSuperAdmin: true });
    return { memberships: principalOf(ctx, user.id), mine, other };
  }

  it('finds the membership by the organization’s account id', () => {
    const { memberships, mine } = world();
    expect(membershipOfAccount(memberships, mine.accountId, '10.1.2.3')).toMatchObject({ organization: { id: mine.id }, isSuperAdmin: true });
  });

  it.each([
    ['an account of another organization', (w: ReturnType<typeof world>) => w.other.accountId, 404, /^Account a\w+ not found$/],
    ['an organization id instead of an account id', (w: ReturnType<typeof world>) => w.mine.id, 404, /not found/],
    ['an unknown account', () => 'a000000000000', 404, /^Account a000000000000 not found$/],
  ])('is 404 for %s', (_label, accountOf, status, message) => {
    const w = world();
    try {
      membershipOfAccount(w.memberships, accountOf(w), '10.1.2.3');
      throw new Error('expected a rejection');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(status);
      expect((error as AppError).message).toMatch(message);
    }
  });

  it('holds the organization’s IP allowlist', () => {
    const { memberships, mine } = world();
    expect(() => membershipOfAccount(memberships, mine.accountId, '192.0.2.1')).toThrow(/is not in the IP allowlist/);
  });
});
