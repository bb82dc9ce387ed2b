import { z } from 'zod';
import { emailSchema, newPasswordSchema } from '@/lib/auth/schema';

// Only zod here: the browser imports these schemas for its forms.

const currentPassword = z.string().max(1024, { error: 'That is not your current password' });

/**
 * PUT /v1/me/password, as `avn user password-change` sends it: `password` is the current one,
 * `new_password` the new one (the strength rule of setup). `password` may be left out, or empty,
 * only by a user who has none yet (SSO or third-party only). `revoke_tokens` (ours) also revokes
 * the user's personal tokens.
 */
export const changePasswordSchema = z
  .object({
    password: currentPassword.optional(),
    new_password: newPasswordSchema,
    revoke_tokens: z.boolean().optional(),
  })
  .strict();
export type ChangePasswordInput = z.input<typeof changePasswordSchema>;

const sameTwice = <T extends { newPassword: string; confirmPassword: string }>(value: T, ctx: z.RefinementCtx) => {
  if (value.newPassword !== value.confirmPassword) {
    ctx.addIssue({ code: 'custom', path: ['confirmPassword'], message: 'The two new passwords differ' });
  }
};

/** Profile → Authentication → Change password: the new password twice. */
export const changePasswordFormSchema = z
  .object({
    // Empty for a user who has no password yet.
    currentPassword: currentPassword,
    newPassword: newPasswordSchema,
    confirmPassword: z.string().max(1024),
    revokeTokens: z.boolean(),
  })
  .superRefine(sameTwice);
export type ChangePasswordForm = z.input<typeof changePasswordFormSchema>;

/** POST /v1/user/password_reset_request and the "Forgot password?" page. */
export const requestPasswordResetSchema = z.object({ email: emailSchema }).strict();

// The secret at the end of the mailed link (/reset-password/<code>); any other string is simply unknown.
const resetCode = z.string().trim().min(1, { error: 'verification_code is required' }).max(256, { error: 'verification_code is too long' });

/** POST /v1/user/password_reset/{verification_code}: the code from the link, the new password. */
export const completePasswordResetSchema = z.object({ code: resetCode, new_password: newPasswordSchema }).strict();

/** The /reset-password/<code> page: the new password twice. */
export const resetPasswordFormSchema = z
  .object({
    newPassword: newPasswordSchema,
    confirmPassword: z.string().max(1024),
  })
  .superRefine(sameTwice);
export type ResetPasswordForm = z.input<typeof resetPasswordFormSchema>;

/** The reset page's server action: the form and the code from the page's path. */
export const resetPasswordActionSchema = z
  .object({ code: resetCode, newPassword: newPasswordSchema, confirmPassword: z.string().max(1024) })
  .superRefine(sameTwice);
