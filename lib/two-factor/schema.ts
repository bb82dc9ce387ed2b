import { z } from 'zod';

// The inputs of two-factor authentication, shared by the Profile → Authentication forms, their
// server actions, the sign-in form and POST /v1/userauth. Only zod here: the browser imports it.

/** The message of a password sign-in that needs a code; the sign-in form asks for one on it. */
export const OTP_REQUIRED_MESSAGE = 'Two-factor authentication code required';
export const WRONG_CODE_MESSAGE = 'Wrong authentication code';

/** Digits of a TOTP code (RFC 6238 with the authenticator apps' defaults: SHA-1, 30 s). */
export const TOTP_DIGITS = 6;
/** Characters of a recovery code, shown in groups of four: "abcd-efgh-2345-wxyz". */
export const RECOVERY_CODE_LENGTH = 16;

const TOTP_CODE = /^\d{6}$/;
const RECOVERY_CODE = /^[a-z2-7]{16}$/;

/** People copy codes with spaces ("123 456") and recovery codes with or without dashes. */
export function normalizeCode(text: string): string {
  return text.replace(/[\s-]/g, '').toLowerCase();
}

export type CodeKind = 'totp' | 'recovery';

/** Which kind of code a normalized code is; the two never look alike (6 digits, 16 letters). */
export function codeKind(normalized: string): CodeKind | null {
  if (TOTP_CODE.test(normalized)) return 'totp';
  if (RECOVERY_CODE.test(normalized)) return 'recovery';
  return null;
}

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
