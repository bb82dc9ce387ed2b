'use server';

import { consoleAction } from '@/app/_lib/action';
import { AppError } from '@/lib/errors';
import { createUnitActionSchema, deleteUnitActionSchema, renameUnitActionSchema } from '@/lib/organizations/schema';
import { createUnit, deleteUnit, unitOfOrganization, updateUnit } from '@/lib/organizations/units';

// Admin → Units: thin adapters over lib/organizations/units.ts, always about the organization being
// worked in (a unit of another organization is "not found" here). lib/ checks super admin again.

export const createUnitAction = consoleAction(createUnitActionSchema, async ({ name }, call) => {
  if (!call.membership) throw new AppError('forbidden', 'Join an organization first');
  const { unit } = await createUnit({ ...call, parentAccountId: call.membership.organization.accountId, name });
  return { unitId: unit.id };
});

export const renameUnitAction = consoleAction(renameUnitActionSchema, async ({ unit_id, name }, call) => {
  if (!call.membership) throw new AppError('forbidden', 'Join an organization first');
  await updateUnit({ ...call, target: await unitOfOrganization(call.ctx, call.membership, unit_id), input: { account_name: name } });
});

export const deleteUnitAction = consoleAction(deleteUnitActionSchema, async ({ unit_id }, call) => {
  if (!call.membership) throw new AppError('forbidden', 'Join an organization first');
  await deleteUnit({ ...call, target: await unitOfOrganization(call.ctx, call.membership, unit_id) });
});
