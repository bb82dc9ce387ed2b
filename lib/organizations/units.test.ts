import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { organizations, organizationUnits, projects } from '@/db/tables';
import { authenticate, gate, scopeOfApiPath } from '@/lib/auth/gate';
import type { Ctx } from '@/lib/context';
import { createProject, listProjects, updateProject } from '@/lib/projects/manage';
import { projectToWire } from '@/lib/projects/wire';
import { rejection } from '@/lib/testing/errors';
import { API_META, setUserFields } from '@/lib/testing/members';
import { projectCaller } from '@/lib/testing/projects';
import { advance, listAuditEvents, seedOrganization, seedToken, testCtx } from '@/lib/testing/seed';
import { createAccount } from './accounts';
import { listMemberships } from '@/lib/model/memberships';
import { createUnit, deleteUnit, listUnits, listUnitsOf, resolveAccount, unitOfOrganization, updateUnit, type UnitWithOrg } from './units';
import { unitToWire } from './wire';

// Organizational units: POST /v1/account with parent_account_id, GET|PUT|DELETE /v1/account/{unit},
// projects moved into them, and the gate treating a unit (and a project in one) as its organization.

// Account ids a test wants newAccountId to give next (to make it collide); random otherwise.
const ids = vi.hoisted(() => ({ next: [] as string[] }));
vi.mock('@/lib/ids', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/ids')>();
  return { ...real, newAccountId: () => ids.next.shift() ?? real.newAccountId() };
});

async function person(ctx: Ctx, orgs: { id: string; superAdmin: boolean }[]) {
  const caller = await projectCaller(ctx, orgs, API_META);
  const { fullToken } = caller;
  /** The whole gate for a /v1 request of this person, from an address. */
  const request = async (method: string, pathname: string, ip: string | null = API_META.ip) =>
    await gate({ ctx, input: { authorization: `aivenv1 ${fullToken}`, cookieToken: null, ip, userAgent: 'vitest', scope: scopeOfApiPath(pathname, method), request: { method, pathname } } });
  return { ...caller, request };
}

/** Acme with a super admin, a plain member, and Globex whose super admin is the attacker. */
async function world() {
  const ctx = testCtx();
  const acme = await seedOrganization(ctx, { name: 'Acme' });
  const globex = await seedOrganization(ctx, { name: 'Globex' });
  const admin = await person(ctx, [{ id: acme.id, superAdmin: true }]);
  const member = await person(ctx, [{ id: acme.id, superAdmin: false }]);
  const attacker = await person(ctx, [{ id: globex.id, superAdmin: true }]);
  return { ctx, acme, globex, admin, member, attacker };
}

function unitOf(result: Awaited<ReturnType<typeof createAccount>>): UnitWithOrg {
  if (!('unit' in result)) throw new Error('expected a unit');
  return result;
}

const newUnit = async (who: Awaited<ReturnType<typeof person>>, parent: string, name: string) =>
  unitOf(await createAccount({ ...who.call, input: { account_name: name, parent_account_id: parent } }));

describe('creating a unit (POST /v1/account with parent_account_id)', () => {
  it('makes a unit under the organization, with the account fields upstream gives, audited', async () => {
    const { ctx, acme, admin } = await world();
    const created = await newUnit(admin, acme.accountId, '  Payments ');
    expect(created.unit).toMatchObject({ organizationId: acme.id, name: 'Payments' });
    expect(created.unit.id).toMatch(/^a[0-9a-f]{11}$/);
    expect(created.unit.id).not.toBe(acme.accountId);
    expect(unitToWire(created)).toEqual({
      account_id: created.unit.id,
      account_name: 'Payments',
      organization_id: acme.id,
      create_time: '2026-03-01T12:00:00Z',
      update_time: '2026-03-01T12:00:00Z',
      is_account_owner: true,
      root_account_id: acme.accountId,
      parent_account_id: acme.accountId,
      primary_billing_group_id: null,
      tenant_id: null,
    });
    // No organization was made, and the caller's memberships did not change.
    expect(await ctx.db.select().from(organizations)).toHaveLength(2);
    expect(await listMemberships(ctx, admin.user.id)).toHaveLength(1);
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'unit.created')).toMatchObject([
      { organizationId: acme.id, actorUserId: admin.user.id, ip: API_META.ip, details: { unit_id: created.unit.id, unit_name: 'Payments' } },
    ]);
  });

  it('is one level deep: a unit as parent is 400 naming its organization, and nothing is made', async () => {
    const { ctx, acme, admin } = await world();
    const payments = await newUnit(admin, acme.accountId, 'Payments');
    const error = await rejection(() => newUnit(admin, payments.unit.id, 'Cards'));
    expect(error.status).toBe(400);
    expect(error.message).toBe(
      `Account ${payments.unit.id} is an organizational unit; units are one level deep: give the account_id of its organization "Acme" (${acme.accountId}) as parent_account_id`,
    );
    expect(error.fieldErrors).toEqual({ parent_account_id: ['Units are one level deep: choose an organization, not a unit'] });
    expect((await listUnits(ctx, acme.id)).map((u) => u.name)).toEqual(['Payments']);
  });

  it('names: unique within the organization ignoring case (409), free across organizations', async () => {
    const { ctx, acme, globex, admin, attacker } = await world();
    await newUnit(admin, acme.accountId, 'Payments');
    const taken = await rejection(() => newUnit(admin, acme.accountId, 'PAYMENTS'));
    expect([taken.status, taken.message]).toEqual([409, 'Unit "PAYMENTS" already exists in this organization']);
    expect(taken.fieldErrors).toEqual({ account_name: ['Unit "PAYMENTS" already exists'] });
    expect((await newUnit(attacker, globex.accountId, 'Payments')).unit.organizationId).toBe(globex.id);
    expect(await listUnits(ctx, acme.id)).toHaveLength(1);
  });

  it("never takes an account id that an organization or another unit has: the two tables share one id space", async () => {
    const { ctx, acme, globex, admin } = await world();
    const payments = await newUnit(admin, acme.accountId, 'Payments');
    ids.next = [globex.accountId, acme.accountId, payments.unit.id, 'a0123456789a'];
    const ops = await newUnit(admin, acme.accountId, 'Ops');
    expect(ids.next).toEqual([]);
    expect(ops.unit.id).toBe('a0123456789a');
    expect((await listUnits(ctx, acme.id)).map((u) => u.id).sort()).toEqual([payments.unit.id, 'a0123456789a'].sort());
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an empty name', { account_name: ' ' }, 'account_name: Enter the unit name'],
    ['a long name', { account_name: 'x'.repeat(129) }, 'account_name: Use at most 128 characters'],
    ['a name that is no string', { account_name: ['x'] }, 'account_name: account_name must be a string'],
  ])('refuses %s with 400', async (_label, input, message) => {
    const { acme, admin } = await world();
    const error = await rejection(() => createAccount({ ...admin.call, input: { ...input, parent_account_id: acme.accountId } }));
    expect([error.status, error.message]).toEqual([400, message]);
  });

  it('only super admins of the parent organization: a member 403, another organization 404 as an unknown id', async () => {
    const { ctx, acme, admin, member, attacker } = await world();
    const byMember = await rejection(() => newUnit(member, acme.accountId, 'Shadow'));
    expect([byMember.status, byMember.message]).toEqual([403, 'Only super admins of organization "Acme" may create units in it']);
    const byOutsider = await rejection(() => newUnit(attacker, acme.accountId, 'Shadow'));
    expect([byOutsider.status, byOutsider.message]).toEqual([404, `Account ${acme.accountId} not found`]);
    const unknown = await rejection(() => newUnit(attacker, 'a00000000000', 'Shadow'));
    expect([unknown.status, unknown.message]).toEqual([404, 'Account a00000000000 not found']);
    // A unit of Acme as parent tells the outsider nothing either: 404, not the "one level deep" 400.
    const payments = await newUnit(admin, acme.accountId, 'Payments');
    const probe = await rejection(() => newUnit(attacker, payments.unit.id, 'Shadow'));
    expect([probe.status, probe.message]).toEqual([404, `Account ${payments.unit.id} not found`]);
    expect((await listUnits(ctx, acme.id)).map((u) => u.name)).toEqual(['Payments']);
  });

  it("holds the organization's IP allowlist and policy", async () => {
    const { ctx, acme } = await world();
    await ctx.db.update(organizations).set({ ipAllowlist: ['10.0.0.0/8'] }).where(eq(organizations.id, acme.id));
    const admin = await person(ctx, [{ id: acme.id, superAdmin: true }]);
    const fromOutside = await rejection(() => newUnit(admin, acme.accountId, 'Payments'));
    expect([fromOutside.status, fromOutside.message]).toEqual([403, 'IP address 203.0.113.5 is not in the IP allowlist of organization "Acme"']);
    await ctx.db.update(organizations).set({ ipAllowlist: [], personalTokensMode: 'disabled' }).where(eq(organizations.id, acme.id));
    const byToken = await rejection(async () => await newUnit(await person(ctx, [{ id: acme.id, superAdmin: true }]), acme.accountId, 'Payments'));
    expect([byToken.status, byToken.message]).toEqual([403, 'Organization "Acme" does not allow personal tokens; use an application user']);
    expect(await listUnits(ctx, acme.id)).toEqual([]);
  });

  it('an application user that is a super admin of the organization may create a unit in it', async () => {
    const { ctx, acme } = await world();
    const robot = await person(ctx, [{ id: acme.id, superAdmin: true }]);
    await setUserFields(ctx, robot.user.id, { isApplicationUser: true });
    const principal = await authenticate({ ctx, input: { authorization: `aivenv1 ${robot.fullToken}`, cookieToken: null, ...API_META } });
    expect(principal.user.isApplicationUser).toBe(true);
    expect(unitOf(await createAccount({ ...robot.call, principal, input: { account_name: 'Bots', parent_account_id: acme.accountId } })).unit.name).toBe('Bots');
    // Without parent_account_id it would be a new organization, which application users cannot make.
    const org = await rejection(() => createAccount({ ...robot.call, principal, input: { account_name: 'Bots' } }));
    expect([org.status, org.message]).toEqual([403, 'Application users cannot create organizations']);
  });
});

describe('listing units', () => {
  it('lists each organization’s units by name with their project counts; resolveAccount sees only the caller’s', async () => {
    const { ctx, acme, globex, admin, member, attacker } = await world();
    const ops = await newUnit(admin, acme.accountId, 'ops');
    await newUnit(admin, acme.accountId, 'Billing');
    const theirs = await newUnit(attacker, globex.accountId, 'Secret');
    await createProject({ ...admin.call, input: { project: 'in-ops', account_id: ops.unit.id } });
    expect((await listUnits(ctx, acme.id)).map((u) => [u.name, u.projectCount])).toEqual([
      ['Billing', 0],
      ['ops', 1],
    ]);
    expect((await listUnitsOf(ctx, [acme.id, globex.id])).map((u) => u.name)).toEqual(['Billing', 'ops', 'Secret']);
    expect(await listUnitsOf(ctx, [])).toEqual([]);
    // A plain member reads the units of their organization (they read its projects too).
    expect(await resolveAccount(ctx, member.principal, ops.unit.id)).toMatchObject({ unit: { id: ops.unit.id }, membership: { organization: { id: acme.id }, isSuperAdmin: false } });
    expect(unitToWire(await resolveAccount(ctx, member.principal, ops.unit.id) as UnitWithOrg).is_account_owner).toBe(false);
    expect(await resolveAccount(ctx, member.principal, acme.accountId)).toMatchObject({ unit: null, membership: { organization: { id: acme.id } } });
    expect(await resolveAccount(ctx, member.principal, theirs.unit.id)).toBeNull();
    expect(await resolveAccount(ctx, attacker.principal, ops.unit.id)).toBeNull();
  });
});

describe('renaming and deleting a unit', () => {
  it('renames for super admins (audited, 409 on a taken name, 403 for members)', async () => {
    const { ctx, acme, admin, member } = await world();
    const target = await newUnit(admin, acme.accountId, 'Payments');
    await newUnit(admin, acme.accountId, 'Ops');
    const adminTarget = await unitOfOrganization(ctx, admin.principal.memberships[0]!, target.unit.id);
    expect((await updateUnit({ ...admin.call, target: adminTarget, input: { account_name: 'Billing' } })).unit.name).toBe('Billing');
    expect((await listAuditEvents(ctx)).find((e) => e.event === 'unit.updated')!.details).toEqual({
      unit_id: target.unit.id,
      unit_name: 'Billing',
      old: { name: 'Payments' },
      new: { name: 'Billing' },
    });
    // Its own name in other letters is no clash.
    expect((await updateUnit({ ...admin.call, target: await unitOfOrganization(ctx, admin.principal.memberships[0]!, target.unit.id), input: { account_name: 'BILLING' } })).unit.name).toBe('BILLING');
    const clash = await rejection(() => updateUnit({ ...admin.call, target: adminTarget, input: { account_name: 'ops' } }));
    expect([clash.status, clash.message]).toEqual([409, 'Unit "ops" already exists in this organization']);
    const memberTarget = await unitOfOrganization(ctx, member.principal.memberships[0]!, target.unit.id);
    const refused = await rejection(() => updateUnit({ ...member.call, target: memberTarget, input: { account_name: 'Mine' } }));
    expect([refused.status, refused.message]).toEqual([403, 'Only super admins of this organization may do this']);
    expect((await rejection(() => updateUnit({ ...admin.call, target: adminTarget, input: { account_name: '' } }))).status).toBe(400);
  });

  it('renaming to the same name changes and records nothing', async () => {
    const { ctx, acme, admin } = await world();
    const target = await newUnit(admin, acme.accountId, 'Payments');
    advance(ctx, 60_000);
    const same = await updateUnit({ ...admin.call, target: await unitOfOrganization(ctx, admin.principal.memberships[0]!, target.unit.id), input: { account_name: 'Payments' } });
    expect(same.unit).toEqual(target.unit);
    expect((await listUnits(ctx, acme.id))[0]!.updateTime).toBe('2026-03-01T12:00:00Z');
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'unit.updated')).toEqual([]);
  });

  it('deletes only an empty unit: 409 while it holds projects, then gone, audited', async () => {
    const { ctx, acme, admin, member } = await world();
    const target = await newUnit(admin, acme.accountId, 'Payments');
    await createProject({ ...admin.call, input: { project: 'pay-prod', account_id: target.unit.id } });
    const membership = admin.principal.memberships[0]!;
    const held = await rejection(async () => await deleteUnit({ ...admin.call, target: await unitOfOrganization(ctx, membership, target.unit.id) }));
    expect([held.status, held.message]).toEqual([409, 'Unit "Payments" still holds 1 project(s): move them to the organization or another unit, or delete them, first']);
    expect((await rejection(async () => await deleteUnit({ ...member.call, target: await unitOfOrganization(ctx, member.principal.memberships[0]!, target.unit.id) }))).status).toBe(403);

    await updateProject({ ...admin.call, access: await admin.access('pay-prod'), input: { account_id: acme.accountId } });
    await deleteUnit({ ...admin.call, target: await unitOfOrganization(ctx, membership, target.unit.id) });
    expect(await listUnits(ctx, acme.id)).toEqual([]);
    expect((await listAuditEvents(ctx)).find((e) => e.event === 'unit.deleted')).toMatchObject({ organizationId: acme.id, details: { unit_id: target.unit.id, unit_name: 'Payments' } });
    // The project stayed, at the organization's level.
    expect(await admin.access('pay-prod')).toMatchObject({ project: { organizationId: acme.id, unitId: null }, unit: null });
  });

  it("unitOfOrganization: another organization's unit is 404 as an unknown one", async () => {
    const { ctx, globex, admin, attacker } = await world();
    const theirs = await newUnit(attacker, globex.accountId, 'Secret');
    const error = await rejection(() => unitOfOrganization(ctx, admin.principal.memberships[0]!, theirs.unit.id));
    expect([error.status, error.message]).toEqual([404, `Unit ${theirs.unit.id} not found`]);
  });

  it('goes with its organization', async () => {
    const { ctx, acme, admin } = await world();
    await newUnit(admin, acme.accountId, 'Payments');
    await ctx.db.delete(organizations).where(eq(organizations.id, acme.id));
    expect(await ctx.db.select().from(organizationUnits)).toEqual([]);
  });
});

describe('projects in units', () => {
  it('are created in a unit and moved in, between and out of units by super admins of the organization, audited', async () => {
    const { ctx, acme, admin } = await world();
    const payments = await newUnit(admin, acme.accountId, 'Payments');
    const ops = await newUnit(admin, acme.accountId, 'Ops');
    const created = await createProject({ ...admin.call, input: { project: 'pay', account_id: payments.unit.id } });
    expect(created.project).toMatchObject({ organizationId: acme.id, unitId: payments.unit.id });
    expect(projectToWire(created)).toMatchObject({ account_id: payments.unit.id, account_name: 'Payments', organization_id: acme.id });
    expect((await listAuditEvents(ctx)).find((e) => e.event === 'project.created')!.details).toEqual({
      project: 'pay',
      organization_id: acme.id,
      unit_id: payments.unit.id,
      unit_name: 'Payments',
    });

    const moved = await updateProject({ ...admin.call, access: await admin.access('pay'), input: { account_id: ops.unit.id } });
    expect(projectToWire(moved)).toMatchObject({ account_id: ops.unit.id, account_name: 'Ops', organization_id: acme.id });
    const up = await updateProject({ ...admin.call, access: await admin.access('pay'), input: { account_id: acme.accountId } });
    expect(projectToWire(up)).toMatchObject({ account_id: acme.accountId, account_name: 'Acme', organization_id: acme.id });
    expect(up.project.unitId).toBeNull();
    // Moving to where it already is changes nothing and records nothing.
    await updateProject({ ...admin.call, access: await admin.access('pay'), input: { account_id: acme.accountId } });
    const moves = (await listAuditEvents(ctx)).filter((e) => e.event === 'project.moved');
    expect(moves.map((e) => [e.organizationId, e.details])).toEqual([
      [acme.id, { project: 'pay', unit_name: 'Ops', old: { unit_id: payments.unit.id }, new: { unit_id: ops.unit.id } }],
      [acme.id, { project: 'pay', old: { unit_id: ops.unit.id }, new: { unit_id: null } }],
    ]);
    // Listing and GET say where each project is.
    expect((await listProjects({ ctx, principal: admin.principal })).map((p) => [p.project.name, p.unit?.name ?? null])).toEqual([['pay', null]]);
  });

  it('a standalone project moves straight into a unit; a project of another organization only with both super admins', async () => {
    const { ctx, acme, globex, admin } = await world();
    const payments = await newUnit(admin, acme.accountId, 'Payments');
    await createProject({ ...admin.call, input: { project: 'loose' } });
    const moved = await updateProject({ ...admin.call, access: await admin.access('loose'), input: { account_id: payments.unit.id } });
    expect(moved.project).toMatchObject({ organizationId: acme.id, unitId: payments.unit.id });
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'project.moved').at(-1)!.details).toEqual({
      project: 'loose',
      unit_name: 'Payments',
      old: { organization_id: null, unit_id: null },
      new: { organization_id: acme.id, unit_id: payments.unit.id },
    });

    // Someone who is super admin of Globex and only a member of Acme cannot pull Globex's project into Acme's unit...
    const half = await person(ctx, [{ id: acme.id, superAdmin: false }, { id: globex.id, superAdmin: true }]);
    await createProject({ ...half.call, input: { project: 'globex-prod', account_id: globex.accountId } });
    const pull = await rejection(async () => await updateProject({ ...half.call, access: await half.access('globex-prod'), input: { account_id: payments.unit.id } }));
    expect([pull.status, pull.message]).toEqual([403, 'Only super admins of organization "Acme" may put projects in it']);
    // ...and Acme's admin (no member of Globex) cannot even see it. One who is super admin of both can.
    expect((await rejection(() => admin.access('globex-prod'))).status).toBe(404);
    const both = await person(ctx, [{ id: acme.id, superAdmin: true }, { id: globex.id, superAdmin: true }]);
    const across = await updateProject({ ...both.call, access: await both.access('globex-prod'), input: { account_id: payments.unit.id } });
    expect(across.project).toMatchObject({ organizationId: acme.id, unitId: payments.unit.id });
    // Told to the organization it left and the one it joined.
    expect((await listAuditEvents(ctx)).filter((e) => e.event === 'project.moved' && e.details.project === 'globex-prod').map((e) => e.organizationId).sort()).toEqual([acme.id, globex.id].sort());
  });

  it("refuses a plain member (403) and another organization's unit (404, as an unknown account), changing nothing", async () => {
    const { ctx, acme, globex, admin, member, attacker } = await world();
    const payments = await newUnit(admin, acme.accountId, 'Payments');
    const secret = await newUnit(attacker, globex.accountId, 'Secret');
    await createProject({ ...admin.call, input: { project: 'acme-prod', account_id: acme.accountId } });
    await createProject({ ...attacker.call, input: { project: 'bait', account_id: globex.accountId } });

    const byMember = await rejection(async () => await updateProject({ ...member.call, access: await member.access('acme-prod'), input: { account_id: payments.unit.id } }));
    expect([byMember.status, byMember.message]).toEqual([403, 'Only super admins of organization "Acme" may change project acme-prod']);
    // Globex's admin pushes their project into Acme's unit: they are no member of Acme.
    const push = await rejection(async () => await updateProject({ ...attacker.call, access: await attacker.access('bait'), input: { account_id: payments.unit.id } }));
    expect([push.status, push.message]).toEqual([404, `Account ${payments.unit.id} not found`]);
    const pushNew = await rejection(() => createProject({ ...attacker.call, input: { project: 'bait2', account_id: payments.unit.id } }));
    expect([pushNew.status, pushNew.message]).toEqual([404, `Account ${payments.unit.id} not found`]);
    // Acme's admin pulls their project into Globex's unit: likewise.
    const pull = await rejection(async () => await updateProject({ ...admin.call, access: await admin.access('acme-prod'), input: { account_id: secret.unit.id } }));
    expect([pull.status, pull.message]).toEqual([404, `Account ${secret.unit.id} not found`]);
    expect(await ctx.db.select({ name: projects.name, unitId: projects.unitId }).from(projects)).toEqual([
      { name: 'acme-prod', unitId: null },
      { name: 'bait', unitId: null },
    ]);
  });
});

describe('the gate: a unit and its projects are their organization’s', () => {
  async function unitWorld() {
    const w = await world();
    const payments = await newUnit(w.admin, w.acme.accountId, 'Payments');
    await createProject({ ...w.admin.call, input: { project: 'pay-prod', account_id: payments.unit.id } });
    return { ...w, payments };
  }

  it('/v1/account/{unit_id} resolves to the organization’s membership with the unit; deeper paths say it is a unit', async () => {
    const { acme, admin, member, payments } = await unitWorld();
    expect(await admin.request('GET', `/v1/account/${payments.unit.id}`)).toMatchObject({ membership: { organization: { id: acme.id }, isSuperAdmin: true }, unit: { id: payments.unit.id } });
    expect(await member.request('DELETE', `/v1/account/${payments.unit.id}`)).toMatchObject({ membership: { isSuperAdmin: false }, unit: { id: payments.unit.id } });
    // The organization itself: no unit.
    expect(await admin.request('GET', `/v1/account/${acme.accountId}`)).toMatchObject({ membership: { organization: { id: acme.id } }, unit: null });
    for (const path of ['events', 'authentication']) {
      const error = await rejection(() => admin.request('GET', `/v1/account/${payments.unit.id}/${path}`));
      expect([error.status, error.message]).toEqual([
        404,
        `Account ${payments.unit.id} is an organizational unit of "Acme": its identity providers, policy and audit log are its organization's (account ${acme.accountId})`,
      ]);
    }
  });

  it("another organization's admin gets 404 for the unit, on every path, exactly as for an unknown id", async () => {
    const { attacker, payments } = await unitWorld();
    for (const [method, path] of [
      ['GET', `/v1/account/${payments.unit.id}`],
      ['PUT', `/v1/account/${payments.unit.id}`],
      ['DELETE', `/v1/account/${payments.unit.id}`],
      ['GET', `/v1/account/${payments.unit.id}/events`],
    ] as const) {
      const error = await rejection(() => attacker.request(method, path));
      expect([error.status, error.message]).toEqual([404, `Account ${payments.unit.id} not found`]);
    }
    const unknown = await rejection(() => attacker.request('GET', '/v1/account/a00000000000'));
    expect([unknown.status, unknown.message]).toEqual([404, 'Account a00000000000 not found']);
    const project = await rejection(() => attacker.request('GET', '/v1/project/pay-prod'));
    expect([project.status, project.message]).toEqual([404, 'Project pay-prod not found']);
  });

  it("the organization's IP allowlist holds for the unit and for a project in it", async () => {
    const { ctx, acme, admin, payments } = await unitWorld();
    await ctx.db.update(organizations).set({ ipAllowlist: ['10.0.0.0/8'] }).where(eq(organizations.id, acme.id));
    // Each request runs the whole gate, which loads the organization (and its allowlist) again.
    for (const path of [`/v1/account/${payments.unit.id}`, '/v1/project/pay-prod', '/v1/project/pay-prod/service']) {
      const error = await rejection(() => admin.request('GET', path, '192.0.2.7'));
      expect([error.status, error.message]).toEqual([403, 'IP address 192.0.2.7 is not in the IP allowlist of organization "Acme"']);
      expect((await admin.request('GET', path, '10.1.2.3')).membership!.organization.id).toBe(acme.id);
    }
  });

  it("the organization's authentication policy holds for a project in a unit (personal tokens off)", async () => {
    const { ctx, acme, admin, payments } = await unitWorld();
    await ctx.db.update(organizations).set({ personalTokensMode: 'disabled' }).where(eq(organizations.id, acme.id));
    for (const path of [`/v1/account/${payments.unit.id}`, '/v1/project/pay-prod']) {
      const error = await rejection(() => admin.request('GET', path));
      expect([error.status, error.message]).toEqual([403, 'Organization "Acme" does not allow personal tokens; use an application user']);
    }
  });

  it('a project in a unit answers exactly the organization’s members, governed by the organization', async () => {
    const { acme, member, attacker } = await unitWorld();
    const result = await member.request('GET', '/v1/project/pay-prod');
    expect(result.membership!.organization.id).toBe(acme.id);
    expect(result.governing.map((m) => m.organization.id)).toEqual([acme.id]);
    expect(await member.access('pay-prod')).toMatchObject({ organization: { id: acme.id }, unit: { name: 'Payments' } });
    expect((await rejection(() => attacker.access('pay-prod'))).status).toBe(404);
  });

  it("a token scoped to projects reaches the unit's project but not the unit's account routes", async () => {
    const { ctx, admin, payments } = await unitWorld();
    const scoped = (await seedToken(ctx, admin.user.id, { scopes: ['projects:read'] })).fullToken;
    const run = async (method: string, pathname: string) =>
      await gate({ ctx, input: { authorization: `aivenv1 ${scoped}`, cookieToken: null, ...API_META, scope: scopeOfApiPath(pathname, method), request: { method, pathname } } });
    expect((await run('GET', '/v1/project/pay-prod')).membership).not.toBeNull();
    const refused = await rejection(() => run('GET', `/v1/account/${payments.unit.id}`));
    expect([refused.status, refused.message]).toEqual([403, "This token's scopes (projects:read) do not allow read access to organizations"]);
    const refusedCreate = await rejection(() => run('POST', '/v1/account'));
    expect([refusedCreate.status, refusedCreate.message]).toEqual([403, "This token's scopes (projects:read) do not allow write access to organizations"]);
  });
});
