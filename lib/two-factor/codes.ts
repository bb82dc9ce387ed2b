// Two-factor codes and the messages about them, without zod: the sign-in form's script loads
// this at once (schema.ts, which re-exports it, comes with zod after the page).

/** The message of a password sign-in that needs a code; the sign-in form asks for one on it. */
export const OTP_REQUIRED_MESSAGE = 'Two-factor authentication code required';
export const WRONG_CODE_MESSAGE = 'Wrong authentication code';

/** Digits of a TOTP code (RFC 6238 with the authenticator apps' defaults: SHA-1, 30 s). */
export const TOTP_DIGITS = 6;
/** Characters of a recovery code, shown in groups of four: "abcd-efgh-2345-wxyz". */
export const RECOVERY_CODE_LENGTH = 16;

export const TOTP_CODE = /^\d{6}$/;
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
