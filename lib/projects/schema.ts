import { z } from 'zod';
import { requiredText } from '@/lib/forms/required-text';

// Inputs of projects, shared by the Projects pages (their forms and server actions) and
// /v1/project. Keys are the wire's snake_case. Zod only: the browser loads this file.
// Upstream's billing fields (billing_group_id, card_id, copy_from_project, ...) mean nothing
// here; they are accepted and ignored so that existing clients keep working.

export const PROJECT_NAME_MAX = 63;

/** A project's name: its key in the API (/v1/project/{project}), unique on the install. */
export const projectNameSchema = requiredText({ empty: 'Enter a project name', max: PROJECT_NAME_MAX }).regex(/^[a-z0-9][a-z0-9-]*$/, {
  error: 'Use lowercase letters, digits and dashes, starting with a letter or digit',
});

const accountIdSchema = z.string({ error: 'account_id must be a string' }).trim().min(1, { error: 'Choose an organization' }).max(64);

const cloudSchema = z.string({ error: 'cloud must be a string' }).trim().max(256, { error: 'Use at most 256 characters' });

/** POST /v1/project. Without account_id the project is standalone: only its creator reaches it. */
export const createProjectSchema = z.object({
  project: projectNameSchema,
  cloud: cloudSchema.nullish(),
  account_id: accountIdSchema.nullish(),
  tech_emails: z
    .array(z.object({ email: z.email({ error: 'Enter an email address' }) }), { error: 'tech_emails must be a list of {email}' })
    .max(20, { error: 'At most 20 technical contacts' })
    .nullish(),
});
export type CreateProjectInput = z.input<typeof createProjectSchema>;

/** PUT /v1/project/{project}: project_name renames it, account_id moves it into an organization. */
export const updateProjectSchema = z.object({
  project_name: projectNameSchema.optional(),
  account_id: accountIdSchema.optional(),
  cloud: cloudSchema.optional(),
  // Upstream grants the organization's admins access to the moved project; here the
  // organization's super admins administer all its projects anyway.
  add_account_owners_admin_access: z.boolean({ error: 'add_account_owners_admin_access must be true or false' }).optional(),
});
export type UpdateProjectInput = z.input<typeof updateProjectSchema>;

/**
 * The console's forms: rename one project, or move it into the organization being worked in or
 * one of its units (account_id; without it, the organization's own level).
 */
export const renameProjectActionSchema = z.strictObject({ project: projectNameSchema, project_name: projectNameSchema });
export const moveProjectActionSchema = z.strictObject({ project: projectNameSchema, account_id: accountIdSchema.optional() });
export const createProjectActionSchema = z.strictObject({ project: projectNameSchema });
