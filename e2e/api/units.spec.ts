import type { APIRequestContext } from '@playwright/test';
import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import { auditOf, seedMember, seedOrgMember, seedPersonalToken, setAllowlist, setPolicy, unique } from '../support/seed';

// Organizational units on the wire (../shared/reference/aiven-api.md, "Organizations, accounts";
// seed 001: a project is assigned "to an organization or unit" with PUT /v1/project/{project}
// {account_id, add_account_owners_admin_access}). A unit is an account whose parent is its
// organization's account; it follows that organization's members, policy and IP allowlist.

// avn labels bodyless requests application/octet-stream and JSON bodies application/json.
const octet = (token: string) => ({ ...auth(token), 'content-type': 'application/octet-stream' });
const json = (token: string, value: unknown) => ({
  headers: { ...auth(token), 'content-type': 'application/json' },
  data: Buffer.from(JSON.stringify(value)),
});
const TIME = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
const errorBody = (status: number, message: string) => ({ message, errors: [{ error_code: expect.any(String), message, status }] });

async function accountsOf(request: APIRequestContext, token: string) {
  const response = await request.get('/v1/account', { headers: octet(token) });
  expect(response.status()).toBe(200);
  return (await response.json()).accounts as { account_id: string; account_name: string; parent_account_id: string | null }[];
}

async function orgAccountId(request: APIRequestContext, token: string, organizationId: string) {
  return (await accountsOf(request, token)).find((a) => a.parent_account_id === null && (a as { organization_id?: string }).organization_id === organizationId)!.account_id;
}

async function newUnit(request: APIRequestContext, token: string, parent: string, name = unique('Unit')) {
  const response = await request.post('/v1/account', json(token, { account_name: name, parent_account_id: parent }));
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()).account as { account_id: string; account_name: string };
}

async function newProject(request: APIRequestContext, token: string, accountId?: string) {
  const name = unique('prj').toLowerCase();
  const response = await request.post('/v1/project', json(token, { project: name, cloud: 'google-europe-west1', ...(accountId ? { account_id: accountId } : {}) }));
  expect(response.status(), await response.text()).toBe(200);
  return name;
}

test.describe('organizational units', () => {
  test('POST /v1/account {account_name, parent_account_id} → {"account"}; GET /v1/account lists it; GET, PUT, DELETE /v1/account/{unit}', async ({ request, member }) => {
    const db = servers.main.database;
    const token = await login(request, member.email, member.password);
    const parent = await orgAccountId(request, token, member.organizationId);
    const name = unique('Payments');

    const created = await request.post('/v1/account', json(token, { account_name: name, parent_account_id: parent }));
    expect(created.status()).toBe(200);
    const body = await created.json();
    expect(Object.keys(body)).toEqual(['account']);
    expect(body.account).toEqual({
      account_id: expect.stringMatching(/^a[0-9a-f]{11}$/),
      account_name: name,
      organization_id: member.organizationId,
      create_time: TIME,
      update_time: TIME,
      is_account_owner: true,
      root_account_id: parent,
      parent_account_id: parent,
      primary_billing_group_id: null,
      tenant_id: null,
    });
    const unitId = body.account.account_id as string;
    expect(unitId).not.toBe(parent);

    // The organization first, then its units.
    const accounts = await accountsOf(request, token);
    expect(accounts.map((a) => [a.account_id, a.parent_account_id])).toEqual([
      [parent, null],
      [unitId, parent],
    ]);
    expect(accounts[1]).toEqual(body.account);

    expect(await (await request.get(`/v1/account/${unitId}`, { headers: octet(token) })).json()).toEqual(body);
    const renamed = await request.put(`/v1/account/${unitId}`, json(token, { account_name: `${name} EU` }));
    expect(renamed.status()).toBe(200);
    expect((await renamed.json()).account).toMatchObject({ account_id: unitId, account_name: `${name} EU`, parent_account_id: parent });
    // The organization itself is untouched by the unit's rename.
    expect((await (await request.get(`/v1/account/${parent}`, { headers: octet(token) })).json()).account).toMatchObject({ account_name: member.organizationName, parent_account_id: null });

    const deleted = await request.delete(`/v1/account/${unitId}`, { headers: octet(token) });
    expect([deleted.status(), await deleted.json()]).toEqual([200, {}]);
    const gone = await request.get(`/v1/account/${unitId}`, { headers: octet(token) });
    expect([gone.status(), await gone.json()]).toEqual([404, errorBody(404, `Account ${unitId} not found`)]);

    const events = await Promise.all(['unit.created', 'unit.updated', 'unit.deleted'].map((event) => auditOf(db, { event, actorEmail: member.email })));
    expect(events.map((e) => e.map((x) => [x.organizationId, x.details.unit_id]))).toEqual([
      [[member.organizationId, unitId]],
      [[member.organizationId, unitId]],
      [[member.organizationId, unitId]],
    ]);
  });

  test('units are one level deep: a unit as parent is 400; unknown parents and bad bodies too are refused with the error body', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const parent = await orgAccountId(request, token, member.organizationId);
    const unit = await newUnit(request, token, parent, 'Level one');
    const nested = await request.post('/v1/account', json(token, { account_name: 'Level two', parent_account_id: unit.account_id }));
    // The message says what to send instead; the field's error says which field is wrong.
    expect([nested.status(), await nested.json()]).toEqual([
      400,
      {
        message: `Account ${unit.account_id} is an organizational unit; units are one level deep: give the account_id of its organization "${member.organizationName}" (${parent}) as parent_account_id`,
        errors: [{ error_code: 'bad_request', message: 'parent_account_id: Units are one level deep: choose an organization, not a unit', status: 400 }],
      },
    ]);
    const unknown = await request.post('/v1/account', json(token, { account_name: 'x', parent_account_id: 'a00000000000' }));
    expect([unknown.status(), await unknown.json()]).toEqual([404, errorBody(404, 'Account a00000000000 not found')]);
    const empty = await request.post('/v1/account', json(token, { account_name: '', parent_account_id: parent }));
    expect([empty.status(), (await empty.json()).message]).toEqual([400, 'account_name: Enter the unit name']);
    const duplicate = await request.post('/v1/account', json(token, { account_name: 'LEVEL ONE', parent_account_id: parent }));
    expect([duplicate.status(), (await duplicate.json()).message]).toEqual([409, 'Unit "LEVEL ONE" already exists in this organization']);
    // A unit's deeper routes are its organization's.
    const events = await request.get(`/v1/account/${unit.account_id}/events`, { headers: octet(token) });
    expect([events.status(), (await events.json()).message]).toEqual([
      404,
      `Account ${unit.account_id} is an organizational unit of "${member.organizationName}": its identity providers, policy and audit log are its organization's (account ${parent})`,
    ]);
    expect((await accountsOf(request, token)).filter((a) => a.parent_account_id !== null).map((a) => a.account_name)).toEqual(['Level one']);
  });

  test('a project moves into a unit as seed 001 sends it, between units and back up; a unit holding projects is not deleted', async ({ request, member }) => {
    const db = servers.main.database;
    const token = await login(request, member.email, member.password);
    const parent = await orgAccountId(request, token, member.organizationId);
    const payments = await newUnit(request, token, parent, 'Payments');
    const ops = await newUnit(request, token, parent, 'Ops');
    const project = await newProject(request, token);

    // curl -sXPUT .../v1/project/PROJECT --data-raw '{"account_id":"ACCOUNT_ID","add_account_owners_admin_access":true}'
    const moved = await request.put(`/v1/project/${project}`, json(token, { account_id: payments.account_id, add_account_owners_admin_access: true }));
    expect(moved.status()).toBe(200);
    expect((await moved.json()).project).toMatchObject({ project_name: project, account_id: payments.account_id, account_name: 'Payments', organization_id: member.organizationId });
    const listed = (await (await request.get('/v1/project', { headers: octet(token) })).json()).projects;
    expect(listed.find((p: { project_name: string }) => p.project_name === project)).toMatchObject({ account_id: payments.account_id });
    expect((await auditOf(db, { event: 'project.moved', actorEmail: member.email })).map((e) => e.details)).toEqual([
      {
        project,
        unit_name: 'Payments',
        old: { organization_id: null, unit_id: null },
        new: { organization_id: member.organizationId, unit_id: payments.account_id },
      },
    ]);

    const held = await request.delete(`/v1/account/${payments.account_id}`, { headers: octet(token) });
    expect([held.status(), await held.json()]).toEqual([
      409,
      errorBody(409, 'Unit "Payments" still holds 1 project(s): move them to the organization or another unit, or delete them, first'),
    ]);

    const across = await request.put(`/v1/project/${project}`, json(token, { account_id: ops.account_id }));
    expect((await across.json()).project).toMatchObject({ account_id: ops.account_id, account_name: 'Ops' });
    const up = await request.put(`/v1/project/${project}`, json(token, { account_id: parent }));
    expect((await up.json()).project).toMatchObject({ account_id: parent, account_name: member.organizationName, organization_id: member.organizationId });
    expect((await request.delete(`/v1/account/${payments.account_id}`, { headers: octet(token) })).status()).toBe(200);

    // Created straight into a unit.
    const direct = await request.post('/v1/project', json(token, { project: unique('unitprj').toLowerCase(), account_id: ops.account_id }));
    expect((await direct.json()).project).toMatchObject({ account_id: ops.account_id, organization_id: member.organizationId });
  });

  test('attacks: another organization’s admin, a plain member and a leaked scoped token', async ({ request, member }) => {
    const token = await login(request, member.email, member.password);
    const parent = await orgAccountId(request, token, member.organizationId);
    const unit = await newUnit(request, token, parent, 'Payments');
    const inUnit = await newProject(request, token, unit.account_id);

    // Another organization's super admin.
    const rival = await seedMember(servers.main.database);
    const rivalToken = await login(request, rival.email, rival.password);
    const rivalParent = await orgAccountId(request, rivalToken, rival.organizationId);
    const bait = await newProject(request, rivalToken, rivalParent);
    const notFound = (id: string) => errorBody(404, `Account ${id} not found`);
    const under = await request.post('/v1/account', json(rivalToken, { account_name: 'Shadow', parent_account_id: parent }));
    expect([under.status(), await under.json()]).toEqual([404, notFound(parent)]);
    // Naming our unit as parent tells them nothing either (not the "one level deep" 400).
    const underUnit = await request.post('/v1/account', json(rivalToken, { account_name: 'Shadow', parent_account_id: unit.account_id }));
    expect([underUnit.status(), await underUnit.json()]).toEqual([404, notFound(unit.account_id)]);
    const push = await request.put(`/v1/project/${bait}`, json(rivalToken, { account_id: unit.account_id }));
    expect([push.status(), await push.json()]).toEqual([404, notFound(unit.account_id)]);
    const pushNew = await request.post('/v1/project', json(rivalToken, { project: unique('push').toLowerCase(), account_id: unit.account_id }));
    expect([pushNew.status(), await pushNew.json()]).toEqual([404, notFound(unit.account_id)]);
    for (const [method, body] of [['GET', undefined], ['PUT', { account_name: 'Mine' }], ['DELETE', undefined]] as const) {
      const response = await request.fetch(`/v1/account/${unit.account_id}`, { method, ...(body ? json(rivalToken, body) : { headers: octet(rivalToken) }) });
      expect([method, response.status(), await response.json()]).toEqual([method, 404, notFound(unit.account_id)]);
    }
    const readProject = await request.get(`/v1/project/${inUnit}`, { headers: octet(rivalToken) });
    expect([readProject.status(), (await readProject.json()).message]).toEqual([404, `Project ${inUnit} not found`]);
    expect((await accountsOf(request, rivalToken)).map((a) => a.account_id)).toEqual([rivalParent]);

    // A plain member of our organization reads the unit but changes nothing.
    const colleague = await seedOrgMember(servers.main.database, member.organizationId);
    const colleagueToken = await login(request, colleague.email, colleague.password);
    expect((await (await request.get(`/v1/account/${unit.account_id}`, { headers: octet(colleagueToken) })).json()).account).toMatchObject({ account_id: unit.account_id, is_account_owner: false });
    const create = await request.post('/v1/account', json(colleagueToken, { account_name: 'Mine', parent_account_id: parent }));
    expect([create.status(), (await create.json()).message]).toEqual([403, `Only super admins of organization "${member.organizationName}" may create units in it`]);
    const rename = await request.put(`/v1/account/${unit.account_id}`, json(colleagueToken, { account_name: 'Mine' }));
    expect([rename.status(), (await rename.json()).message]).toEqual([403, 'Only super admins of this organization may do this']);
    const remove = await request.delete(`/v1/account/${unit.account_id}`, { headers: octet(colleagueToken) });
    expect([remove.status(), (await remove.json()).message]).toEqual([403, 'Only super admins of this organization may do this']);
    const moveOut = await request.put(`/v1/project/${inUnit}`, json(colleagueToken, { account_id: parent }));
    expect([moveOut.status(), (await moveOut.json()).message]).toEqual([403, `Only super admins of organization "${member.organizationName}" may change project ${inUnit}`]);

    // A leaked token scoped to reading projects: reads the unit's project, makes and moves nothing.
    const scopedResponse = await request.post('/v1/access_token', json(token, { description: 'leaked', scopes: ['projects:read'] }));
    const scoped = (await scopedResponse.json()).full_token as string;
    expect((await request.get(`/v1/project/${inUnit}`, { headers: octet(scoped) })).status()).toBe(200);
    const scopedCreate = await request.post('/v1/account', json(scoped, { account_name: 'Leak', parent_account_id: parent }));
    expect([scopedCreate.status(), (await scopedCreate.json()).message]).toEqual([403, "This token's scopes (projects:read) do not allow write access to organizations"]);
    const scopedMove = await request.put(`/v1/project/${inUnit}`, json(scoped, { account_id: parent }));
    expect([scopedMove.status(), (await scopedMove.json()).message]).toEqual([403, "This token's scopes (projects:read) do not allow write access to projects"]);

    // Nothing changed: still one unit, still holding its project.
    const accounts = await accountsOf(request, token);
    expect(accounts.filter((a) => a.parent_account_id === parent).map((a) => a.account_name)).toEqual(['Payments']);
    expect((await (await request.get(`/v1/project/${inUnit}`, { headers: octet(token) })).json()).project.account_id).toBe(unit.account_id);
  });

  test("the organization's IP allowlist and authentication policy govern a unit and its projects", async ({ request, member }) => {
    const db = servers.main.database;
    const token = await login(request, member.email, member.password);
    const parent = await orgAccountId(request, token, member.organizationId);
    const unit = await newUnit(request, token, parent);
    const project = await newProject(request, token, unit.account_id);
    const personal = await seedPersonalToken(db, member.userId);

    // The tests' client is 127.0.0.1, outside this allowlist.
    await setAllowlist(db, member.organizationId, ['192.0.2.0/24']);
    try {
      const ipRefusal = errorBody(403, `IP address 127.0.0.1 is not in the IP allowlist of organization "${member.organizationName}"`);
      for (const path of [`/v1/account/${unit.account_id}`, `/v1/project/${project}`, `/v1/project/${project}/service`]) {
        const response = await request.get(path, { headers: octet(token) });
        expect([path, response.status(), await response.json()]).toEqual([path, 403, ipRefusal]);
      }
    } finally {
      await setAllowlist(db, member.organizationId, []);
    }
    expect((await request.get(`/v1/project/${project}`, { headers: octet(personal) })).status()).toBe(200);

    await setPolicy(db, member.organizationId, { personalTokensMode: 'disabled' });
    try {
      for (const path of [`/v1/account/${unit.account_id}`, `/v1/project/${project}`]) {
        const response = await request.get(path, { headers: octet(personal) });
        expect([path, response.status(), (await response.json()).message]).toEqual([
          path,
          403,
          `Organization "${member.organizationName}" does not allow personal tokens; use an application user`,
        ]);
      }
    } finally {
      await setPolicy(db, member.organizationId, { personalTokensMode: 'enabled' });
    }
  });
});
