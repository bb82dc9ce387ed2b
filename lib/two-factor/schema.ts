import { z } from 'zod';
import { codeKind, normalizeCode, TOTP_CODE } from './codes';

// The inputs of two-factor authentication, shared by the Profile → Authentication forms, their
// server actions, the sign-in form and POST /v1/userauth. Only zod and ./codes here: the browser
// imports it.

export { OTP_REQUIRED_MESSAGE, WRONG_CODE_MESSAGE, TOTP_DIGITS, RECOVERY_CODE_LENGTH, normalizeCode, codeKind, type CodeKind } from './codes';

/** A code from the authenticator app, e.g. to confirm enrollment. */
export const totpCodeSchema = z
  .string({ error: 'Enter the 6-digit code from your authenticator app' })
  .max(64, { error: 'Enter the 6-digit code from your authenticator app' })
  .transform(normalizeCode)
  .pipe(z.string().regex(TOTP_CODE, { error: 'Enter the 6-digit code from your authenticator app' }));

/** A code from the authenticator app or an unused recovery code: sign-in and disabling 2FA. */
export const authenticationCodeSchema = z
  .string({ error: 'Enter the code from your authenticator app or a recovery code' })
  .max(64, { error: 'Enter the 6-digit code from your authenticator app or a recovery code' })
  .transform(normalizeCode)
  .pipe(
    z.string().refine((code) => codeKind(code) !== null, {
      error: 'Enter the 6-digit code from your authenticator app or a recovery code',
    }),
  );

export const confirmTotpSchema = z.object({ code: totpCodeSchema });
export type ConfirmTotpInput = z.infer<typeof confirmTotpSchema>;

export const disableTwoFactorSchema = z.object({ code: authenticationCodeSchema });
export type DisableTwoFactorInput = z.infer<typeof disableTwoFactorSchema>;

/** Starting enrollment takes no input; the schema keeps every action on the same wrapper. */
export const beginTotpSchema = z.object({});
