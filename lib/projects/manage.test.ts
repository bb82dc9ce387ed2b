import { describe, expect, it } from 'vitest';
import type { Ctx } from '@/lib/context';
import { rejection } from '@/lib/testing/errors';
import { API_META } from '@/lib/testing/members';
import { projectCaller } from '@/lib/testing/projects';
import { listAuditEvents, seedOrganization, testCtx } from '@/lib/testing/seed';
import { createProject, listProjects, projectNamesOf, updateProject } from './manage';
import { projectToWire } from './wire';

const person = (ctx: Ctx, orgs: { id: string; superAdmin: boolean }[]) => projectCaller(ctx, orgs, API_META);

describe('projects', () => {
  it('are created standalone or in an organization, listed per caller, audited', async () => {
    const ctx = testCtx();
    const org = await seedOrganization(ctx, { name: 'Acme' });
    const admin = await person(ctx, [{ id: org.id, superAdmin: true }]);
    const member = await person(ctx, [{ id: org.id, superAdmin: false }]);
    const outsider = await person(ctx, []);

    const inOrg = await createProject({ ...admin.call, input: { project: 'acme-prod', cloud: 'google-europe-west1', account_id: org.accountId, tech_emails: [{ email: 'ops@acme.test' }] } });
    const own = await createProject({ ...outsider.call, input: { project: 'side-project' } });
    expect(projectToWire(inOrg)).toMatchObject({
      project_name: 'acme-prod',
      account_id: org.accountId,
      account_name: 'Acme',
      organization_id: org.id,
      default_cloud: 'google-europe-west1',
      tech_emails: [{ email: 'ops@acme.test' }],
    });
    expect(projectToWire(own)).toMatchObject({ project_name: 'side-project', account_id: null, organization_id: null });

    expect((await listProjects({ ctx, principal: admin.principal })).map((p) => p.project.name)).toEqual(['acme-prod']);
    expect((await listProjects({ ctx, principal: member.principal })).map((p) => p.project.name)).toEqual(['acme-prod']);
    expect((await listProjects({ ctx, principal: outsider.principal })).map((p) => p.project.name)).toEqual(['side-project']);

    const events = (await listAuditEvents(ctx)).filter((e) => e.event === 'project.created');
    expect(events.map((e) => [e.organizationId, e.details.project])).toEqual([[org.id, 'acme-prod'], [null, 'side-project']]);
  });

  it("projectNamesOf (GET /v1/me's list) names exactly what listProjects lists, for each kind of caller", async () => {
    const ctx = testCtx();
    const acme = await seedOrganization(ctx, { name: 'Acme' });
    const globex = await seedOrganization(ctx, { name: 'Globex' });
    const both = await person(ctx, [
      { id: acme.id, superAdmin: true },
      { id: globex.id, superAdmin: true },
    ]);
    const acmeOnly = await person(ctx, [{ id: acme.id, superAdmin: false }]);
    const outsider = await person(ctx, []);
    await createProject({ ...both.call, input: { project: 'acme-prod', account_id: acme.accountId } });
    await createProject({ ...both.call, input: { project: 'globex-prod', account_id: globex.accountId } });
    await createProject({ ...both.call, input: { project: 'both-own' } });
    await createProject({ ...outsider.call, input: { project: 'outsider-own' } });
    const expected: [typeof both, string[]][] = [
      [both, ['acme-prod', 'both-own', 'globex-prod']],
      [acmeOnly, ['acme-prod']],
      [outsider, ['outsider-own']],
    ];
    for (const [who, names] of expected) {
      expect(await projectNamesOf(ctx, who.user.id)).toEqual(names);
      expect((await listProjects({ ctx, principal: who.principal })).map((p) => p.project.name)).toEqual(names);
    }
  });

  it.each<[string, Record<string, unknown>, number, RegExp]>([
    ['a bad name', { project: 'Bad Name' }, 400, /lowercase letters/],
    ['an empty name', { project: '' }, 400, /Enter a project name/],
    ['a long name', { project: 'a'.repeat(64) }, 400, /at most 63/],
    ['an unknown account', { project: 'p1', account_id: 'a000000000' }, 404, /Account a000000000 not found/],
  ])('refuses %s', async (_name, input, status, message) => {
    const ctx = testCtx();
    const error = await rejection(async () => await createProject({ ...(await person(ctx, [])).call, input }));
    expect(error.status).toBe(status);
    expect(error.message).toMatch(message);
  });

  it('refuses duplicates with 409 "already exists" and members who are not super admins', async () => {
    const ctx = testCtx();
    const org = await seedOrganization(ctx);
    const admin = await person(ctx, [{ id: org.id, superAdmin: true }]);
    const member = await person(ctx, [{ id: org.id, superAdmin: false }]);
    await createProject({ ...admin.call, input: { project: 'taken' } });
    const duplicate = await rejection(() => createProject({ ...member.call, input: { project: 'taken' } }));
    expect([duplicate.status, duplicate.message]).toEqual([409, 'Project taken already exists']);
    expect((await rejection(() => createProject({ ...member.call, input: { project: 'p2', account_id: org.accountId } }))).status).toBe(403);
  });

  it('moves a standalone project into an organization whose super admin the caller is', async () => {
    const ctx = testCtx();
    const org = await seedOrganization(ctx, { name: 'Target' });
    const other = await seedOrganization(ctx, { name: 'Other' });
    const creator = await person(ctx, [{ id: org.id, superAdmin: true }, { id: other.id, superAdmin: false }]);
    await createProject({ ...creator.call, input: { project: 'loose' } });

    // Only a super admin of the target may move a project in.
    expect((await rejection(async () => await updateProject({ ...creator.call, access: await creator.access('loose'), input: { account_id: other.accountId } }))).status).toBe(403);
    const moved = await updateProject({ ...creator.call, access: await creator.access('loose'), input: { account_id: org.accountId, add_account_owners_admin_access: true } });
    expect(moved.project.organizationId).toBe(org.id);
    // Told to the organizations of the creator (where it was) and to the one it joined.
    const events = (await listAuditEvents(ctx)).filter((e) => e.event === 'project.moved');
    expect(events.map((e) => e.organizationId).sort()).toEqual([org.id, other.id].sort());
    for (const event of events) {
      expect(event.details).toEqual({ project: 'loose', old: { organization_id: null }, new: { organization_id: org.id } });
    }

    // Now the organization's: its members reach it, its super admins rename it.
    const colleague = await person(ctx, [{ id: org.id, superAdmin: false }]);
    expect((await colleague.access('loose')).project.name).toBe('loose');
    expect((await rejection(async () => await updateProject({ ...colleague.call, access: await colleague.access('loose'), input: { project_name: 'x' } }))).status).toBe(403);
    const renamed = await updateProject({ ...creator.call, access: await creator.access('loose'), input: { project_name: 'tight' } });
    expect(renamed.project.name).toBe('tight');
    expect((await listAuditEvents(ctx)).find((e) => e.event === 'project.updated')!.details).toMatchObject({ old: { project_name: 'loose' }, new: { project_name: 'tight' } });
  });

  it('hides a standalone project from everyone but its creator', async () => {
    const ctx = testCtx();
    const creator = await person(ctx, []);
    const other = await person(ctx, []);
    await createProject({ ...creator.call, input: { project: 'mine' } });
    expect((await creator.access('mine')).membership).toBeNull();
    expect((await rejection(() => other.access('mine'))).status).toBe(404);
  });

  it('refuses a rename onto a taken name and changes nothing', async () => {
    const ctx = testCtx();
    const creator = await person(ctx, []);
    await createProject({ ...creator.call, input: { project: 'one' } });
    await createProject({ ...creator.call, input: { project: 'two' } });
    expect((await rejection(async () => await updateProject({ ...creator.call, access: await creator.access('one'), input: { project_name: 'two' } }))).status).toBe(409);
    expect((await listProjects({ ctx, principal: creator.principal })).map((p) => p.project.name)).toEqual(['one', 'two']);
  });
});
