import { HOTP, Secret, TOTP } from 'otpauth';
import { TOTP_DIGITS } from './schema';

// TOTP (RFC 6238) with the parameters every authenticator app defaults to: HMAC-SHA-1,
// 6 digits, 30-second steps. The arithmetic is otpauth's; what is ours is which time steps a
// code may come from and that each step is used at most once.

export const TOTP_PERIOD_SECONDS = 30;
/** Steps either side of now that are accepted: clocks drift and people type slowly (RFC 6238 §5.2). */
export const TOTP_WINDOW = 1;
/** 160 bits, the HMAC-SHA-1 key size RFC 4226 recommends. */
const SECRET_BYTES = 20;
export const TOTP_ISSUER = 'Portcullis';

/** A new random shared secret, base32 as authenticator apps take it. */
export function generateTotpSecret(): string {
  return new Secret({ size: SECRET_BYTES }).base32;
}

/** The time step (counter) a moment falls in. */
export function totpStepAt(now: Date): number {
  return TOTP.counter({ period: TOTP_PERIOD_SECONDS, timestamp: now.getTime() });
}

/** The code for one time step. */
export function totpCodeForStep(secret: string, step: number): string {
  return HOTP.generate({ secret: Secret.fromBase32(secret), digits: TOTP_DIGITS, counter: step });
}

/** The code an authenticator shows at a moment. */
export function totpCodeAt(secret: string, now: Date): string {
  return totpCodeForStep(secret, totpStepAt(now));
}

/**
 * The time step a code belongs to, if it is the code of a step within TOTP_WINDOW of now and
 * later than `lastUsedStep`; otherwise null. Skipping used steps makes a code single-use: once
 * step S is accepted, neither its code nor that of any earlier step is accepted again, so a
 * code seen over someone's shoulder or in a log cannot be replayed within its window.
 */
export function matchTotpStep({
  secret,
  code,
  now,
  lastUsedStep,
}: {
  secret: string;
  code: string;
  now: Date;
  lastUsedStep: number | null;
}): number | null {
  if (code.length !== TOTP_DIGITS) return null;
  const key = Secret.fromBase32(secret);
  const current = totpStepAt(now);
  // Oldest first, so that of two equal codes in the window the earlier step is spent.
  for (let step = current - TOTP_WINDOW; step <= current + TOTP_WINDOW; step++) {
    if (lastUsedStep !== null && step <= lastUsedStep) continue;
    // window 0: compare with this step's code only, in otpauth's constant-time comparison.
    if (HOTP.validate({ token: code, secret: key, digits: TOTP_DIGITS, counter: step, window: 0 }) === 0) return step;
  }
  return null;
}

/** The otpauth:// URI that the QR code carries (Google Authenticator's key URI format). */
export function totpUri({ secret, account }: { secret: string; account: string }): string {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label: account,
    secret: Secret.fromBase32(secret),
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  }).toString();
}
