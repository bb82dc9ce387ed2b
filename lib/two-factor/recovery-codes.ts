import { createHash, randomInt } from 'node:crypto';
import { normalizeCode, RECOVERY_CODE_LENGTH } from './schema';

// One-time codes for a lost authenticator. Each is 16 random base32 characters (80 bits), so a
// fast hash is enough to store them, as with tokens: no one can enumerate 2^80 candidates.

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** A new code as shown to the user: "abcd-efgh-2345-wxyz". */
export function generateRecoveryCode(): string {
  let code = '';
  for (let i = 0; i < RECOVERY_CODE_LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code.match(/.{4}/g)!.join('-');
}

export function generateRecoveryCodes(count: number = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, generateRecoveryCode);
}

/** SHA-256 of the normalized code, hex: dashes, spaces and case do not matter. */
export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(normalizeCode(code), 'utf8').digest('hex');
}
