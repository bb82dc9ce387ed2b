import { z } from 'zod';
import { emailSchema, newPasswordSchema } from '@/lib/auth/schema';

export const setupSchema = z.object({
  organizationName: z
    .string({ error: 'Enter the organization name' })
    .trim()
    .min(1, { error: 'Enter the organization name' })
    .max(128, { error: 'Use at most 128 characters' }),
  email: emailSchema,
  password: newPasswordSchema,
});
export type SetupInput = z.input<typeof setupSchema>;
