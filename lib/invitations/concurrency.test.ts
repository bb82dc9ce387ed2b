import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { invitations, memberships } from '@/db/tables';
import { authenticate } from '@/lib/auth/gate';
import type { OrgCall, Principal } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { listMemberships } from '@/lib/model/memberships';
import { anotherInstance } from '@/lib/testing/db';
import { listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { acceptInvitation, cancelInvitation, findInvitationByLink, inviteMember } from './manage';

// Membership changes racing each other on several instances (issue 17): each instance is a
// connection pool of its own on the one database (on SQLite, the process's one connection). The
// end state, the answers and the audit log must be those of one serial order of the requests,
// each request's checks and writes taken as a whole; each race runs several rounds.

const META = { ip: '203.0.113.5', userAgent: 'vitest' };
const BASE = 'https://console.example.test';
const ROUNDS = 8;

async function principalOf(ctx: Ctx, userId: string): Promise<Principal> {
  const { fullToken } = await seedToken(ctx, userId, { kind: 'session' });
  return await authenticate({ ctx, input: { authorization: `aivenv1 ${fullToken}`, cookieToken: null, ...META } });
}

/** An organization with two super admins, each calling through an instance of their own, and an invitee's account. */
async function world(ctx: Ctx, other: Ctx, round: number) {
  const organization = await seedOrganization(ctx, { name: `Acme ${round}` });
  const calls: OrgCall[] = [];
  for (const [i, instance] of [ctx, other].entries()) {
    const admin = await seedUser(ctx, { email: `admin${i}.${round}@acme.test` });
    await seedMembership(ctx, { organizationId: organization.id, userId: admin.id, isSuperAdmin: true });
    calls.push({ ctx: instance, principal: await principalOf(ctx, admin.id), membership: (await listMemberships(ctx, admin.id))[0]!, meta: META });
  }
  const invitee = await seedUser(ctx, { email: `new${round}@example.test` });
  return { organization, calls: calls as [OrgCall, OrgCall], invitee, inviteePrincipal: await principalOf(ctx, invitee.id) };
}

/** The world of a round with the invitee invited by the first admin, and the invitation as the link opens it. */
async function invitedWorld(ctx: Ctx, other: Ctx, round: number) {
  const seeded = await world(ctx, other, round);
  const { link } = await inviteMember({ ...seeded.calls[0], input: { user_email: seeded.invitee.email }, baseUrl: BASE });
  return { ...seeded, open: await findInvitationByLink(ctx, link.split('/invite/')[1]!) };
}

const outcome = (results: PromiseSettledResult<unknown>[]) =>
  results.map((r) => (r.status === 'fulfilled' ? 'ok' : r.reason instanceof AppError ? r.reason.status : String(r.reason)));

async function eventsOf(ctx: Ctx, organizationId: string, prefix: string) {
  return (await listAuditEvents(ctx)).filter((e) => e.organizationId === organizationId && e.event.startsWith(prefix)).map((e) => e.event);
}

async function isMember(ctx: Ctx, organizationId: string, userId: string) {
  return (await ctx.db.select().from(memberships).where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)))).length === 1;
}

describe('invitations at once, on two instances', () => {
  it('two admins invite the same address at once: one invitation, the other 409', async () => {
    const ctx = testCtx();
    const other = { ...ctx, db: anotherInstance(ctx.db) };
    for (let round = 0; round < ROUNDS; round++) {
      const { organization, calls } = await world(ctx, other, round);
      const input = { user_email: `someone${round}@example.test` };
      const results = await Promise.allSettled(calls.map(async (call) => await inviteMember({ ...call, input, baseUrl: BASE })));
      expect(outcome(results).sort()).toEqual([409, 'ok'].sort());
      expect(await ctx.db.select().from(invitations).where(eq(invitations.organizationId, organization.id))).toHaveLength(1);
      expect(await eventsOf(ctx, organization.id, 'invitation.')).toEqual(['invitation.created']);
    }
  });

  it('the same invitation accepted twice at once (say, a double click sent to both instances): one joins, the other finds no invitation', async () => {
    const ctx = testCtx();
    const other = { ...ctx, db: anotherInstance(ctx.db) };
    for (let round = 0; round < ROUNDS; round++) {
      // Both requests found the invitation before either accepted it.
      const { organization, invitee, inviteePrincipal, open } = await invitedWorld(ctx, other, round);
      const results = await Promise.allSettled(
        [ctx, other].map(async (instance) => await acceptInvitation({ ctx: instance, principal: inviteePrincipal, open, meta: META, throughLink: true })),
      );
      expect(outcome(results).sort()).toEqual([404, 'ok'].sort());
      expect(await isMember(ctx, organization.id, invitee.id)).toBe(true);
      expect(await ctx.db.select().from(invitations).where(eq(invitations.organizationId, organization.id))).toEqual([]);
      expect(await eventsOf(ctx, organization.id, 'invitation.')).toEqual(['invitation.created', 'invitation.accepted']);
    }
  });

  it('an invitation accepted while an admin cancels it: either it is accepted and the cancel finds nothing, or it is cancelled and the accept finds nothing', async () => {
    const ctx = testCtx();
    const other = { ...ctx, db: anotherInstance(ctx.db) };
    for (let round = 0; round < ROUNDS; round++) {
      const { organization, calls, invitee, inviteePrincipal, open } = await invitedWorld(ctx, other, round);
      const racing = [
        async () => await acceptInvitation({ ctx, principal: inviteePrincipal, open, meta: META, throughLink: true }),
        async () => await cancelInvitation({ ...calls[1], email: invitee.email }),
      ];
      // Sent first in turn: on SQLite the first one sent runs first, so both outcomes are checked.
      if (round % 2) racing.reverse();
      const results = await Promise.allSettled(racing.map((run) => run()));
      const accepted = results[round % 2]!;
      const events = await eventsOf(ctx, organization.id, 'invitation.');
      expect(outcome(results).sort()).toEqual([404, 'ok'].sort());
      if (accepted.status === 'fulfilled') {
        expect(await isMember(ctx, organization.id, invitee.id)).toBe(true);
        expect(events).toEqual(['invitation.created', 'invitation.accepted']);
      } else {
        expect(await isMember(ctx, organization.id, invitee.id)).toBe(false);
        expect(events).toEqual(['invitation.created', 'invitation.cancelled']);
      }
      expect(await ctx.db.select().from(invitations).where(eq(invitations.organizationId, organization.id))).toEqual([]);
    }
  });
});
