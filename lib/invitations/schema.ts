import { z } from 'zod';
import { emailSchema, newPasswordSchema } from '@/lib/auth/schema';

export const inviteSchema = z.strictObject({ user_email: emailSchema });
export type InviteInput = z.input<typeof inviteSchema>;

/** POST /v1/organization/{org}/invitation/{user_email}: upstream's way to accept. */
export const invitationActionSchema = z.strictObject({
  action: z.literal('accept', { error: 'action must be "accept"' }),
});

/** A new person accepting: they choose their password (and may give their name). */
export const acceptWithSignUpSchema = z.object({
  real_name: z.string().trim().max(256, { error: 'Use at most 256 characters' }).default(''),
  password: newPasswordSchema,
});
export type AcceptWithSignUpInput = z.input<typeof acceptWithSignUpSchema>;
