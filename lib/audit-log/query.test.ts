import { describe, expect, it } from 'vitest';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { addMember, callAs, seedOrganizationWithAdmin } from '@/lib/testing/members';
import { seedOrganization, testCtx } from '@/lib/testing/seed';
import { recordAudit, type AuditEventName } from '@/lib/audit/record';
import { listAuditEventNames, readAuditLog } from './query';
import { auditEventToWire } from './wire';
import { rejection } from '@/lib/testing/errors';


/** Records an event at a given time ("2026-03-01T10:00:00Z"). */
async function record(ctx: Ctx, organizationId: string | null, time: string, event: AuditEventName, actorEmail: string | null, details = {}) {
  await recordAudit({ ...ctx, now: new Date(time) }, { event, organizationId, actorEmail, actorUserId: null, ip: '192.0.2.7', userAgent: 'ua', details });
}

async function world() {
  const ctx = testCtx();
  const { organization, admin } = await seedOrganizationWithAdmin(ctx, { adminEmail: 'admin@example.test' });
  const bob = await addMember(ctx, organization.id, { email: 'bob@example.test' });
  const call = await callAs(ctx, admin.id, organization.id);
  const read = (input: object = {}) => readAuditLog({ ctx, membership: call.membership, input });
  return { ctx, organization, admin, bob, call, read };
}

describe('readAuditLog', () => {
  it('is for super admins of the organization only', async () => {
    const { ctx, organization, bob } = await world();
    const member = await callAs(ctx, bob.id, organization.id);
    for (const membership of [member.membership, null]) {
      const error = await rejection(() => readAuditLog({ ctx, membership, input: {} }));
      expect(error.status).toBe(403);
      expect((await rejection(() => listAuditEventNames({ ctx, membership }))).status).toBe(403);
    }
  });

  it('lists the organization’s events only, newest first, with who, where and what', async () => {
    const { ctx, organization, read } = await world();
    const other = await seedOrganization(ctx);
    await record(ctx, organization.id, '2026-03-01T10:00:00Z', 'auth.sign_in', 'bob@example.test', { method: 'password' });
    await record(ctx, other.id, '2026-03-01T10:30:00Z', 'auth.sign_in', 'spy@example.test');
    await record(ctx, organization.id, '2026-03-01T11:00:00Z', 'member.updated', 'admin@example.test', {
      user_email: 'bob@example.test',
      old: { is_super_admin: false },
      new: { is_super_admin: true },
    });
    await record(ctx, null, '2026-03-01T11:30:00Z', 'auth.sign_in_failed', 'nobody@example.test');
    // Same second: the later record comes first.
    await record(ctx, organization.id, '2026-03-01T10:00:00Z', 'auth.sign_out', 'bob@example.test');

    const page = await read();
    expect(page.total).toBe(3);
    expect(page.events.map((e) => e.event)).toEqual(['member.updated', 'auth.sign_out', 'auth.sign_in']);
    expect(auditEventToWire(page.events[0]!, organization)).toEqual({
      log_entry_id: page.events[0]!.id,
      create_time: '2026-03-01T11:00:00Z',
      account_id: organization.accountId,
      action_type: 'member.updated',
      action_description: 'Made bob@example.test super admin',
      actor: 'admin@example.test',
      actor_user_id: null,
      team_id: null,
      organization_id: organization.id,
      actor_email: 'admin@example.test',
      ip: '192.0.2.7',
      user_agent: 'ua',
      details: { user_email: 'bob@example.test', old: { is_super_admin: false }, new: { is_super_admin: true } },
    });
  });

  it('pages with limit and offset, and counts every match', async () => {
    const { ctx, organization, read } = await world();
    for (let i = 0; i < 120; i++) {
      const time = new Date(Date.UTC(2026, 2, 1, 0, 0, i)).toISOString().replace('.000Z', 'Z');
      await record(ctx, organization.id, time, 'auth.sign_in', 'bob@example.test', { n: i });
    }
    expect((await read()).events).toHaveLength(100);
    const first = await read({ limit: 50 });
    expect(first).toMatchObject({ total: 120, limit: 50, offset: 0 });
    expect(first.events.map((e) => e.details.n)).toEqual(Array.from({ length: 50 }, (_, i) => 119 - i));
    const last = await read({ limit: '50', offset: '100' });
    expect(last.events.map((e) => e.details.n)).toEqual(Array.from({ length: 20 }, (_, i) => 19 - i));
    expect((await read({ limit: 50, offset: 500 })).events).toEqual([]);
    expect((await read({ limit: '1000' })).events).toHaveLength(120);
  });

  it.each([
    [{ actor: 'bob' }, ['bob sign-out', 'bob sign-in']],
    [{ actor: 'BOB@Example' }, ['bob sign-out', 'bob sign-in']],
    [{ actor: '  admin@example.test ' }, ['admin change']],
    // "_" and "%" are literal: no wildcard matches every address.
    [{ actor: '%' }, []],
    [{ actor: 'b_b' }, []],
    [{ actor: 'under_score' }, ['underscore sign-in']],
    [{ event: 'auth.sign_in' }, ['underscore sign-in', 'bob sign-in']],
    [{ event: 'auth.sign_in', actor: 'bob' }, ['bob sign-in']],
    [{ event: 'token.created' }, []],
    [{ from: '2026-03-01T10:00:00Z' }, ['admin change', 'underscore sign-in', 'bob sign-out', 'bob sign-in']],
    [{ from: '2026-03-01T10:00:01Z' }, ['admin change', 'underscore sign-in', 'bob sign-out']],
    [{ to: '2026-03-01T10:00:00Z' }, ['bob sign-in']],
    // A minute given as the end covers the whole minute.
    [{ to: '2026-03-01T10:05' }, ['bob sign-out', 'bob sign-in']],
    [{ from: '2026-03-01T10:05', to: '2026-03-01T10:05' }, ['bob sign-out']],
    // A day given as the end covers the whole day; offsets are converted to UTC.
    [{ from: '2026-03-01T12:00+02:00', to: '2026-03-01' }, ['admin change', 'underscore sign-in', 'bob sign-out', 'bob sign-in']],
    [{ from: '2026-03-01T12:00:01+01:00' }, ['admin change']],
    // Empty form fields filter nothing (here not even the default start).
    [{ from: '', to: '', actor: '', event: '' }, ['admin change', 'underscore sign-in', 'bob sign-out', 'bob sign-in', 'too early']],
  ])('filters %j', async (filter, expected) => {
    const { ctx, organization, read } = await world();
    await record(ctx, organization.id, '2026-03-01T09:59:59Z', 'auth.sign_in', 'bob@example.test', { label: 'too early' });
    await record(ctx, organization.id, '2026-03-01T10:00:00Z', 'auth.sign_in', 'bob@example.test', { label: 'bob sign-in' });
    await record(ctx, organization.id, '2026-03-01T10:05:45Z', 'auth.sign_out', 'bob@example.test', { label: 'bob sign-out' });
    await record(ctx, organization.id, '2026-03-01T10:30:00Z', 'auth.sign_in', 'under_score@example.test', { label: 'underscore sign-in' });
    await record(ctx, organization.id, '2026-03-01T11:00:01Z', 'member.updated', 'admin@example.test', { label: 'admin change' });
    const withoutEarly = { from: '2026-03-01T10:00:00Z', ...filter };
    const { events, total } = await read(withoutEarly);
    expect(events.map((e) => e.details.label)).toEqual(expected);
    expect(total).toBe(expected.length);
  });

  it('filters by the client address, exactly, any case', async () => {
    const { ctx, organization, read } = await world();
    const at = (ip: string, label: string) =>
      recordAudit({ ...ctx, now: new Date('2026-03-01T10:00:00Z') }, { event: 'auth.sign_in_failed', organizationId: organization.id, actorEmail: null, actorUserId: null, ip, userAgent: null, details: { label } });
    await at('198.51.100.7', 'v4');
    await at('198.51.100.70', 'v4 longer');
    await at('2001:db8::7', 'v6');
    const labels = async (ip: string) => (await read({ from: '2026-03-01', ip })).events.map((e) => e.details.label);
    expect(await labels('198.51.100.7')).toEqual(['v4']);
    expect(await labels(' 2001:DB8::7 ')).toEqual(['v6']);
    expect(await labels('198.51.100')).toEqual([]);
  });

  it.each([
    [{ ip: '198.51.100.7; drop' }, 'ip', 'Not an IP address'],
    [{ ip: 'a'.repeat(46) }, 'ip', 'Not an IP address'],
    [{ from: '2026-03-02', to: '2026-03-01' }, 'to', 'The end of the time range is before its start'],
    [{ from: 'yesterday' }, 'from', 'Not a date or time: yesterday (use 2026-03-01 or 2026-03-01T12:30)'],
    [{ to: '2026-02-30' }, 'to', 'Not a date or time: 2026-02-30 (use 2026-03-01 or 2026-03-01T12:30)'],
    [{ to: '2026-03-01T24:00' }, 'to', 'Not a date or time: 2026-03-01T24:00 (use 2026-03-01 or 2026-03-01T12:30)'],
    [{ event: 'DROP TABLE' }, 'event', 'Not an event name'],
    [{ actor: 'x'.repeat(255) }, 'actor', 'Use at most 254 characters'],
    [{ actor: 42 }, 'actor', 'actor must be text'],
    [{ limit: '0' }, 'limit', 'limit must be at least 1'],
    [{ limit: '1001' }, 'limit', 'limit must be at most 1000'],
    [{ limit: 'all' }, 'limit', 'limit must be a number'],
    [{ limit: '2.5' }, 'limit', 'limit must be a whole number'],
    [{ offset: '-1' }, 'offset', 'offset must be 0 or more'],
  ])('%j is a 400 naming the field', async (input, field, message) => {
    const { read } = await world();
    const error = await rejection(() => read(input));
    expect(error.status).toBe(400);
    expect(error.fieldErrors[field]).toEqual([message]);
  });
});

describe('listAuditEventNames', () => {
  it('lists the distinct event names of the organization, sorted', async () => {
    const { ctx, organization, call } = await world();
    await record(ctx, organization.id, '2026-03-01T10:00:00Z', 'token.created', 'bob@example.test');
    await record(ctx, organization.id, '2026-03-01T10:00:01Z', 'auth.sign_in', 'bob@example.test');
    await record(ctx, organization.id, '2026-03-01T10:00:02Z', 'auth.sign_in', 'bob@example.test');
    await record(ctx, (await seedOrganization(ctx)).id, '2026-03-01T10:00:03Z', 'member.removed', 'x@example.test');
    expect(await listAuditEventNames({ ctx, membership: call.membership })).toEqual(['auth.sign_in', 'token.created']);
  });
});
