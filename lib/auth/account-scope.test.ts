import { describe, expect, it } from 'vitest';
import type { Principal } from '@/lib/call';
import { AppError } from '@/lib/errors';
import { principalOf } from '@/lib/testing/members';
import { seedMembership, seedOrganization, seedUser, testCtx } from '@/lib/testing/seed';
import { authorizeScope } from '@/lib/auth/gate';

const membershipOfAccount = (principal: Principal, accountId: string, ip: string | null) =>
  authorizeScope(principal, { kind: 'account', accountId }, ip)!;

describe('the account scope of the gate (/v1/account/{account_id})', () => {
  async function world() {
    const ctx = testCtx();
    const user = await seedUser(ctx);
    const mine = await seedOrganization(ctx, { ipAllowlist: ['10.0.0.0/8'] });
    const other = await seedOrganization(ctx);
    await seedMembership(ctx, { organizationId: mine.id, userId: user.id, isSuperAdmin: true });
    return { memberships: await principalOf(ctx, user.id), mine, other };
  }

  it('finds the membership by the organization’s account id', async () => {
    const { memberships, mine } = await world();
    expect(membershipOfAccount(memberships, mine.accountId, '10.1.2.3')).toMatchObject({ organization: { id: mine.id }, isSuperAdmin: true });
  });

  it.each([
    ['an account of another organization', (w: Awaited<ReturnType<typeof world>>) => w.other.accountId, 404, /^Account a\w+ not found$/],
    ['an organization id instead of an account id', (w: Awaited<ReturnType<typeof world>>) => w.mine.id, 404, /not found/],
    ['an unknown account', () => 'a000000000000', 404, /^Account a000000000000 not found$/],
  ])('is 404 for %s', async (_label, accountOf, status, message) => {
    const w = await world();
    try {
      membershipOfAccount(w.memberships, accountOf(w), '10.1.2.3');
      throw new Error('expected a rejection');
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).status).toBe(status);
      expect((error as AppError).message).toMatch(message);
    }
  });

  it('holds the organization’s IP allowlist', async () => {
    const { memberships, mine } = await world();
    expect(() => membershipOfAccount(memberships, mine.accountId, '192.0.2.1')).toThrow(/is not in the IP allowlist/);
  });
});
