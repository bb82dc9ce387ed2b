import { z } from 'zod';
import { emailSchema } from '@/lib/auth/schema';
import { authenticationCodeSchema } from '@/lib/two-factor/schema';

// The sign-in form's and POST /v1/userauth's input. Only zod here: the browser imports it.

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
