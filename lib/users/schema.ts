import { z } from 'zod';

// The inputs of member management, shared by Admin → Users (its server actions) and
// /v1/organization/{organization_id}/user/... Keys are the wire's snake_case. Zod only: the
// browser's components import this file.

export const MAX_REAL_NAME_LENGTH = 256;

/** A user id as it appears in a path or a form: short, plain text. */
export const userIdSchema = z
  .string({ error: 'user_id must be a string' })
  .trim()
  .min(1, { error: 'Enter a user id' })
  .max(64, { error: 'Not a user id' });

export const memberStates = ['active', 'deactivated'] as const;

/**
 * PATCH /v1/organization/{org}/user/{user_id}: every field optional, only those given change.
 * Strict: a misspelt key is an error rather than a silent no-op. Upstream's profile fields
 * (city, country, department, job_title) are not kept here and are refused by name.
 */
export const updateMemberSchema = z.strictObject({
  is_super_admin: z.boolean({ error: 'is_super_admin must be true or false' }).optional(),
  state: z
    .enum(memberStates, {
      // Upstream also takes "deleted"; here removing a member is its own request.
      error: 'state must be "active" or "deactivated" (remove a member with DELETE)',
    })
    .optional(),
  real_name: z
    .string({ error: 'real_name must be a string' })
    .trim()
    .max(MAX_REAL_NAME_LENGTH, { error: `Use at most ${MAX_REAL_NAME_LENGTH} characters` })
    .optional(),
});
export type UpdateMemberInput = z.input<typeof updateMemberSchema>;
export type UpdateMember = z.output<typeof updateMemberSchema>;

/** A console action on one member: which member, and the change. */
export const memberActionSchema = z.strictObject({ user_id: userIdSchema });
export const updateMemberActionSchema = updateMemberSchema.extend({ user_id: userIdSchema });
/** Revoking one of a member's tokens on their page: the member and the token's prefix (never a full token). */
export const memberTokenActionSchema = z.strictObject({
  user_id: userIdSchema,
  prefix: z.string({ error: 'prefix must be a string' }).min(1, { error: 'Enter a token prefix' }).max(64, { error: 'Not a token prefix' }),
});

const booleanParam = z
  .enum(['true', 'false', '1', '0'], { error: 'include_application_users must be true or false' })
  .transform((value) => value === 'true' || value === '1');

/** GET /v1/organization/{org}/user's query. Unknown parameters are ignored (the Go client adds ?limit=999). */
export const listMembersQuerySchema = z.object({
  include_application_users: booleanParam.default(true),
});
