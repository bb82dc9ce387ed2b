import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { memberships, users } from '@/db/tables';
import type { OrgCall } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { anotherInstance } from '@/lib/testing/db';
import { callAs, seedOrganizationWithAdmin, addMember } from '@/lib/testing/members';
import { listAuditEvents, testCtx } from '@/lib/testing/seed';
import { removeMember, updateMember } from './members';

// The last-super-admin guard under concurrency (issue 17): the only two super admins of an
// organization act against each other at the same moment, each through another instance (a
// connection pool of its own on the one database; on SQLite the process's one connection).
// Whatever the interleaving, exactly one change goes through, the other is refused with the
// guard's 409, and one super admin who can sign in remains. Each pair runs several times, so that
// a lucky interleaving cannot pass.

const ROUNDS = 8;

const changes = {
  demotes: (call: OrgCall, userId: string) => updateMember({ ...call, userId, input: { is_super_admin: false } }),
  deactivates: (call: OrgCall, userId: string) => updateMember({ ...call, userId, input: { state: 'deactivated' } }),
  removes: (call: OrgCall, userId: string) => removeMember({ ...call, userId }),
} as const;
type Change = keyof typeof changes;
const refusalWord: Record<Change, string> = { demotes: 'demoted', deactivates: 'deactivated', removes: 'removed' };
const pairs = (Object.keys(changes) as Change[]).flatMap((a) => (Object.keys(changes) as Change[]).map((b) => [a, b] as const));

/** The super admins left who can sign in: member, super admin, active. */
async function activeSuperAdmins(ctx: Ctx, organizationId: string): Promise<string[]> {
  const rows = await ctx.db
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.isSuperAdmin, true), eq(users.state, 'active')));
  return rows.map((r) => r.email);
}

describe('two super admins acting against each other at once, on two instances', () => {
  it.each(pairs)('one %s the other while the other %s the first: one succeeds, one is refused, one super admin remains', async (first, second) => {
    const ctx = testCtx();
    const other: Ctx = { ...ctx, db: anotherInstance(ctx.db) };
    for (let round = 0; round < ROUNDS; round++) {
      const { organization, admin: ada } = await seedOrganizationWithAdmin(ctx, { adminEmail: `ada${round}@example.test` });
      const bob = await addMember(ctx, organization.id, { email: `bob${round}@example.test`, isSuperAdmin: true });
      // Each gate resolved its caller as a super admin before either change.
      const adaCall = await callAs(ctx, ada.id, organization.id);
      const bobCall = { ...(await callAs(ctx, bob.id, organization.id)), ctx: other };
      const results = await Promise.allSettled([changes[first](adaCall, bob.id), changes[second](bobCall, ada.id)]);

      const fulfilled = results.filter((r) => r.status === 'fulfilled');
      const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      expect(fulfilled, `round ${round}: ${refused.map(String).join('; ')}`).toHaveLength(1);
      expect(refused).toHaveLength(1);
      const error = refused[0];
      expect(error).toBeInstanceOf(AppError);
      const loser = results[0].status === 'rejected' ? { change: first, target: 'bob' } : { change: second, target: 'ada' };
      expect([(error as AppError).status, (error as AppError).message]).toEqual([
        409,
        `${loser.target}${round}@example.test is the last active super admin of this organization and cannot be ${refusalWord[loser.change]}: make another member super admin first`,
      ]);
      // The one whose change went through is the one left.
      const winner = results[0].status === 'fulfilled' ? 'ada' : 'bob';
      expect(await activeSuperAdmins(ctx, organization.id)).toEqual([`${winner}${round}@example.test`]);
      const events = (await listAuditEvents(ctx)).filter((e) => e.organizationId === organization.id && e.event.startsWith('member.'));
      expect(events.map((e) => e.actorEmail)).toEqual([`${winner}${round}@example.test`]);
    }
  });
});

describe('many membership changes of one organization at once, on three instances', () => {
  it('five super admins each demote the next, in a ring: four demotions, one 409, one super admin left', async () => {
    const ctx = testCtx();
    const instances: Ctx[] = [ctx, { ...ctx, db: anotherInstance(ctx.db) }, { ...ctx, db: anotherInstance(ctx.db) }];
    for (let round = 0; round < ROUNDS; round++) {
      const { organization, admin } = await seedOrganizationWithAdmin(ctx, { adminEmail: `a0.${round}@example.test` });
      const admins = [admin];
      for (let i = 1; i < 5; i++) admins.push(await addMember(ctx, organization.id, { email: `a${i}.${round}@example.test`, isSuperAdmin: true }));
      const calls = await Promise.all(admins.map(async (a, i) => ({ ...(await callAs(ctx, a.id, organization.id)), ctx: instances[i % instances.length]! })));
      const results = await Promise.allSettled(calls.map((call, i) => changes.demotes(call, admins[(i + 1) % admins.length]!.id)));

      const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      expect(refused.map((e) => (e instanceof AppError ? e.status : String(e)))).toEqual([409]);
      expect(await activeSuperAdmins(ctx, organization.id)).toHaveLength(1);
      const events = (await listAuditEvents(ctx)).filter((e) => e.organizationId === organization.id && e.event === 'member.updated');
      expect(events).toHaveLength(4);
    }
  });

  it('a member promoted and removed at once: removed either way, and the promotion is answered 404 or undone by the removal', async () => {
    const ctx = testCtx();
    const other: Ctx = { ...ctx, db: anotherInstance(ctx.db) };
    for (let round = 0; round < ROUNDS; round++) {
      const { organization, admin: ada } = await seedOrganizationWithAdmin(ctx, { adminEmail: `ada${round}@example.test` });
      const bob = await addMember(ctx, organization.id, { email: `bob${round}@example.test`, isSuperAdmin: true });
      const carol = await addMember(ctx, organization.id, { email: `carol${round}@example.test` });
      const racing = [
        async () => await updateMember({ ...(await callAs(ctx, ada.id, organization.id)), userId: carol.id, input: { is_super_admin: true } }),
        async () => await removeMember({ ...(await callAs(other, bob.id, organization.id)), userId: carol.id }),
      ];
      if (round % 2) racing.reverse();
      const results = await Promise.allSettled(racing.map((run) => run()));
      const [promoted, removed] = round % 2 ? [results[1]!, results[0]!] : [results[0]!, results[1]!];

      expect(removed.status).toBe('fulfilled');
      const member = await ctx.db.select().from(memberships).where(and(eq(memberships.organizationId, organization.id), eq(memberships.userId, carol.id)));
      expect(member).toEqual([]);
      const events = (await listAuditEvents(ctx)).filter((e) => e.organizationId === organization.id && e.event.startsWith('member.'));
      if (promoted.status === 'fulfilled') {
        // Promoted first: the removal then removed a super admin.
        expect(events.map((e) => e.event)).toEqual(['member.updated', 'member.removed']);
        expect(events[1]!.details).toMatchObject({ was_super_admin: true });
      } else {
        expect((promoted.reason as AppError).status).toBe(404);
        expect(events.map((e) => e.event)).toEqual(['member.removed']);
        expect(events[0]!.details).toMatchObject({ was_super_admin: false });
      }
    }
  });
});
