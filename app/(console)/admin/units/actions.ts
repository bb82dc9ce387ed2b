'use server';

import { consoleAction } from '@/app/_lib/action';
import { liveCtx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { createUnitActionSchema, deleteUnitActionSchema, renameUnitActionSchema } from '@/lib/orgs/schema';
import { createUnit, deleteUnit, unitOfOrganization, updateUnit } from '@/lib/orgs/units';

// Admin → Units: thin adapters over lib/orgs/units.ts, always about the organization being
// worked in (a unit of another organization is "not found" here). lib/ checks super admin again.

export const createUnitAction = consoleAction(createUnitActionSchema, async ({ name }, { principal, organization, meta }) => {
  if (!organization) throw new AppError('forbidden', 'Join an organization first');
  const { unit } = createUnit({ ctx: liveCtx(), principal, meta, parentAccountId: organization.organization.accountId, name });
  return { unitId: unit.id };
});

export const renameUnitAction = consoleAction(renameUnitActionSchema, async ({ unit_id, name }, { principal, organization, meta }) => {
  if (!organization) throw new AppError('forbidden', 'Join an organization first');
  const ctx = liveCtx();
  updateUnit({ ctx, principal, meta, target: unitOfOrganization(ctx, organization, unit_id), input: { account_name: name } });
});

export const deleteUnitAction = consoleAction(deleteUnitActionSchema, async ({ unit_id }, { principal, organization, meta }) => {
  if (!organization) throw new AppError('forbidden', 'Join an organization first');
  const ctx = liveCtx();
  deleteUnit({ ctx, principal, meta, target: unitOfOrganization(ctx, organization, unit_id) });
});
