import { z } from 'zod';
import { authenticationCodeSchema } from './two-factor-schema';

// Only zod here: the browser imports these schemas for its forms.

export const emailSchema = z
  .string({ error: 'Enter an email address' })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'Enter a valid email address' }).max(254, { error: 'Email address is too long' }));

/** A new password: long enough to resist guessing, bounded so hashing stays cheap to refuse. */
export const newPasswordSchema = z
  .string({ error: 'Enter a password' })
  .min(12, { error: 'Use at least 12 characters' })
  .max(256, { error: 'Use at most 256 characters' });

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string({ error: 'Enter your password' }).min(1, { error: 'Enter your password' }).max(1024),
  // Needed only by accounts with a confirmed authenticator; sign-in says so (HTTP 510) when missing.
  otp: authenticationCodeSchema.optional(),
});
export type SignInInput = z.infer<typeof signInSchema>;

/** POST /v1/userauth: avn repeats it with `otp` after a 510; `tenant` is accepted for avn compatibility. */
export const userAuthSchema = signInSchema.extend({
  tenant: z.string().max(128).optional(),
});
