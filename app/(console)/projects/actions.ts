'use server';

import { consoleAction } from '@/app/_lib/action';
import { consoleProjectAccess } from '@/app/_lib/project';
import { AppError } from '@/lib/errors';
import { unitOfOrganization } from '@/lib/organizations/units';
import { createProject, updateProject } from '@/lib/projects/manage';
import { createProjectActionSchema, moveProjectActionSchema, renameProjectActionSchema } from '@/lib/projects/schema';
import { assertRollingRestartConfirmed, checkServiceJwks, createService, deleteService, getService, testServiceToken, updateService } from '@/lib/services/manage';
import { unflattenConfig } from '@/lib/services/merge';
import {
  checkJwksActionSchema,
  createServiceActionSchema,
  saveUserConfigActionSchema,
  serviceRefSchema,
  testTokenActionSchema,
} from '@/lib/services/schema';

// Server actions of the Projects pages: thin adapters over lib/projects and lib/services. Each
// finds the project through consoleProjectAccess, the console's form of the API's project scope.

export const createProjectAction = consoleAction(createProjectActionSchema, async ({ project }, session) => {
  if (!session.membership) throw new AppError('forbidden', 'Join an organization first');
  // Projects made in the console go into the organization being worked in.
  const created = await createProject({ ...session, input: { project, account_id: session.membership.organization.accountId } });
  return { project: created.project.name };
});

export const renameProjectAction = consoleAction(renameProjectActionSchema, async ({ project, project_name }, session) => {
  const access = await consoleProjectAccess(session, project);
  const updated = await updateProject({ ...session, access, input: { project_name } });
  return { project: updated.project.name };
});

// Moves a project into the organization being worked in, or into one of its units: the page
// offers only those. lib/ decides who may (super admins of the destination's organization, and of
// the project's present one).
export const moveProjectAction = consoleAction(moveProjectActionSchema, async ({ project, account_id }, session) => {
  if (!session.membership) throw new AppError('forbidden', 'Join an organization first');
  const { ctx } = session;
  const org = session.membership.organization;
  if (account_id !== undefined && account_id !== org.accountId) await unitOfOrganization(ctx, session.membership, account_id);
  const access = await consoleProjectAccess(session, project);
  const input = { account_id: account_id ?? org.accountId };
  await updateProject({ ...session, access, input });
});

export const createServiceAction = consoleAction(createServiceActionSchema, async ({ project, ...input }, session) => {
  const access = await consoleProjectAccess(session, project);
  const service = await createService({ ...session, access, input });
  return { service: service.name };
});

export const deleteServiceAction = consoleAction(serviceRefSchema, async ({ project, service }, session) => {
  const access = await consoleProjectAccess(session, project);
  await deleteService({ ...session, access, name: service });
});

export const saveUserConfigAction = consoleAction(saveUserConfigActionSchema, async (input, session) => {
  const access = await consoleProjectAccess(session, input.project);
  const { ctx } = session;
  const current = await getService({ ctx, access, name: input.service });
  assertRollingRestartConfirmed(current.serviceType, Object.keys(input.patch), input.confirm_rolling_restart === true);
  const { changedKeys } = await updateService({
    ...session,
    access,
    name: input.service,
    input: { user_config: unflattenConfig(input.patch) },
    signingKeyKind: input.signing_key_kind,
  });
  return { changedKeys };
});

// Both make the server fetch a JWKS URL (Kafka): only for those who may change the service.
export const testTokenAction = consoleAction(testTokenActionSchema, async ({ project, service, token }, session) =>
  await testServiceToken({ ...session, access: await consoleProjectAccess(session, project), name: service, token }),
);

export const checkJwksAction = consoleAction(checkJwksActionSchema, async ({ project, service, url }, session) =>
  await checkServiceJwks({ ...session, access: await consoleProjectAccess(session, project), name: service, url }),
);
