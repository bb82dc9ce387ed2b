import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { users } from '@/db/tables';
import type { Ctx } from '@/lib/context';
import { advance, listAuditEvents, seedMembership, seedOrganization, seedUser, testCtx } from '@/lib/testing/seed';
import { isEmailProven, markEmailProven } from './proven';
import { first } from '@/db/async';

const META = { ip: '198.51.100.4', userAgent: 'vitest' };
const provenTime = async (ctx: Ctx, id: string) => (await first(ctx.db.select({ t: users.emailVerifiedTime }).from(users).where(eq(users.id, id)).limit(1)))!.t;

describe('isEmailProven', () => {
  it.each([
    [null, false],
    ['2026-03-01T12:00:00Z', true],
  ])('emailVerifiedTime %s → %s', (emailVerifiedTime, expected) => expect(isEmailProven({ emailVerifiedTime })).toBe(expected));

  it('a new account is unproven unless whoever creates it says the address was proven', async () => {
    const ctx = testCtx();
    expect(isEmailProven(await seedUser(ctx))).toBe(false);
    expect(isEmailProven(await seedUser(ctx, { emailProven: true }))).toBe(true);
  });
});

describe('markEmailProven', () => {
  it('records the time and audits user.email_verified with how, once in each of the user’s organizations', async () => {
    const ctx = testCtx();
    const a = await seedOrganization(ctx);
    const b = await seedOrganization(ctx);
    const user = await seedUser(ctx, { email: 'ann@example.test' });
    await seedMembership(ctx, { organizationId: a.id, userId: user.id });
    await seedMembership(ctx, { organizationId: b.id, userId: user.id });

    expect(await markEmailProven(ctx, { userId: user.id, email: ' Ann@Example.test ', how: 'provider_verified', meta: META, details: { provider: 'google' } })).toBe(true);
    expect(await provenTime(ctx, user.id)).toBe('2026-03-01T12:00:00Z');
    const events = (await listAuditEvents(ctx)).filter((e) => e.event === 'user.email_verified');
    expect(events.map((e) => e.organizationId).sort()).toEqual([a.id, b.id].sort());
    expect(events[0]).toMatchObject({
      actorUserId: user.id,
      actorEmail: 'ann@example.test',
      ip: META.ip,
      userAgent: 'vitest',
      details: { user_email: 'ann@example.test', how: 'provider_verified', provider: 'google' },
    });
  });

  it('a user in no organization gets one event without an organization', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx, { email: 'solo@example.test' });
    await markEmailProven(ctx, { userId: user.id, email: user.email, how: 'mailed_link', meta: META });
    expect(await listAuditEvents(ctx)).toMatchObject([{ event: 'user.email_verified', organizationId: null, details: { how: 'mailed_link' } }]);
  });

  it('keeps the first proof: a second one changes nothing and is not audited', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx, { email: 'ann@example.test' });
    await markEmailProven(ctx, { userId: user.id, email: user.email, how: 'mailed_link', meta: META });
    advance(ctx, 60_000);
    expect(await markEmailProven(ctx, { userId: user.id, email: user.email, how: 'sso_verified_domain', meta: META })).toBe(false);
    expect(await provenTime(ctx, user.id)).toBe('2026-03-01T12:00:00Z');
    expect(await listAuditEvents(ctx)).toHaveLength(1);
  });

  it('proves only the address that was proven: another address, or an unknown user, changes nothing', async () => {
    const ctx = testCtx();
    const user = await seedUser(ctx, { email: 'ann@example.test' });
    expect(await markEmailProven(ctx, { userId: user.id, email: 'someone.else@example.test', how: 'provider_verified', meta: META })).toBe(false);
    expect(await markEmailProven(ctx, { userId: 'u-nobody', email: 'ann@example.test', how: 'provider_verified', meta: META })).toBe(false);
    expect(await provenTime(ctx, user.id)).toBeNull();
    expect(await listAuditEvents(ctx)).toEqual([]);
  });
});
