import { z } from 'zod';
import { emailSchema, newPasswordSchema } from '@/lib/auth/schema';

export const inviteSchema = z.strictObject({ user_email: emailSchema });
export type InviteInput = z.input<typeof inviteSchema>;

/**
 * POST /v1/organization/{org}/invitation/{user_email}: upstream's way to accept. `invite_secret`
 * (ours) is the secret at the end of the invitation link (/invite/<secret>): required unless the
 * caller's own address is proven, so that an account made for an address nobody proved cannot
 * collect every organization's invitation of that address.
 */
export const invitationActionSchema = z.strictObject({
  action: z.literal('accept', { error: 'action must be "accept"' }),
  invite_secret: z
    .string({ error: 'invite_secret must be a string' })
    .trim()
    .min(1, { error: 'invite_secret must not be empty' })
    .max(256, { error: 'invite_secret is at most 256 characters' })
    .optional(),
});
export type InvitationActionInput = z.input<typeof invitationActionSchema>;

/** A new person accepting: they choose their password (and may give their name). */
export const acceptWithSignUpSchema = z.object({
  real_name: z.string().trim().max(256, { error: 'Use at most 256 characters' }).default(''),
  password: newPasswordSchema,
});
export type AcceptWithSignUpInput = z.input<typeof acceptWithSignUpSchema>;
