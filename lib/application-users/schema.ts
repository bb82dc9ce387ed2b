import { z } from 'zod';

// Application users: non-human members that act through their own tokens.

export const applicationUserNameSchema = z
  .string({ error: 'name must be a string' })
  .trim()
  .min(1, { error: 'Enter a name' })
  .max(256, { error: 'Use at most 256 characters' });

export const createApplicationUserSchema = z.strictObject({
  name: applicationUserNameSchema,
  is_super_admin: z.boolean({ error: 'is_super_admin must be true or false' }).default(false),
});
export type CreateApplicationUserInput = z.input<typeof createApplicationUserSchema>;

export const updateApplicationUserSchema = z.strictObject({
  name: applicationUserNameSchema.optional(),
  is_super_admin: z.boolean({ error: 'is_super_admin must be true or false' }).optional(),
});
export type UpdateApplicationUserInput = z.input<typeof updateApplicationUserSchema>;
