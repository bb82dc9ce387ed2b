import { z } from 'zod';

// "Verify your address": asking for the mail takes nothing; confirming takes the link's secret.

export const requestEmailVerificationSchema = z.object({}).strict();

export const confirmEmailVerificationSchema = z.object({
  // The secret at the end of the mailed link (/verify-email/<code>); any other string is simply unknown.
  code: z.string().trim().min(1, 'code is required').max(256, 'code is too long'),
});
export type ConfirmEmailVerification = z.infer<typeof confirmEmailVerificationSchema>;
