import { z } from 'zod';
import { requiredText } from '@/lib/forms/required-text';

// The inputs of organizations and their units, shared by the console's forms, their server
// actions and /v1/account... Zod only: the browser's components import this file.

export const ACCOUNT_NAME_MAX = 128;

const accountNameSchema = requiredText({ notText: 'account_name must be a string', empty: 'Enter the organization name', max: ACCOUNT_NAME_MAX });

/** An account id as it appears in a body or a form (an organization's or a unit's). */
export const accountIdSchema = requiredText({
  notText: 'parent_account_id must be a string',
  empty: 'parent_account_id must not be empty',
  max: 64,
  tooLong: 'Not an account id',
});

/**
 * POST /v1/account: creates an organization (`avn organization create`), or, with
 * parent_account_id naming an organization's account, an organizational unit under it
 * (lib/organizations/units.ts). Upstream's billing field is accepted and ignored.
 */
export const createAccountSchema = z
  .object({
    account_name: z
      .string({ error: 'account_name must be a string' })
      .trim()
      .max(ACCOUNT_NAME_MAX, { error: `Use at most ${ACCOUNT_NAME_MAX} characters` }),
    parent_account_id: accountIdSchema.nullish(),
    primary_billing_group_id: z.string().nullish(),
  })
  .superRefine((value, issue) => {
    if (value.account_name === '') {
      const message = value.parent_account_id ? 'Enter the unit name' : 'Enter the organization name';
      issue.addIssue({ code: 'custom', path: ['account_name'], message });
    }
  });

/** PUT /v1/account/{account_id}: renames the organization (`avn organization update -n`) or the unit. */
export const updateAccountSchema = z.object({ account_name: accountNameSchema });

/** A unit's name in the console's forms: the same rule, the unit's words. */
export const unitNameSchema = requiredText({ empty: 'Enter the unit name', max: ACCOUNT_NAME_MAX });

/** Admin → Units: create one, rename one, delete one. */
export const createUnitActionSchema = z.strictObject({ name: unitNameSchema });
export const renameUnitActionSchema = z.strictObject({ unit_id: accountIdSchema, name: unitNameSchema });
export const deleteUnitActionSchema = z.strictObject({ unit_id: accountIdSchema });
