import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Every Portcullis token starts with this fixed marker so secret scanners (and people) can
// recognise a leaked one. 32 random bytes follow: guessing one is out of reach, so a fast
// hash (SHA-256) is enough for storage; a slow password hash would only slow every request.
export const TOKEN_MARKER = 'pcls_';
const RANDOM_BYTES = 32;
/** Characters of the token shown to users and accepted by the API as its name. */
export const TOKEN_PREFIX_LENGTH = 16;

export type GeneratedToken = { token: string; prefix: string; hash: string };

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenPrefixOf(token: string): string {
  return token.slice(0, TOKEN_PREFIX_LENGTH);
}

export function generateToken(): GeneratedToken {
  const token = TOKEN_MARKER + randomBytes(RANDOM_BYTES).toString('base64url');
  return { token, prefix: tokenPrefixOf(token), hash: hashToken(token) };
}

/** True if the text has the shape of a full token (not just a prefix). */
export function looksLikeFullToken(text: string): boolean {
  return text.startsWith(TOKEN_MARKER) && text.length > TOKEN_PREFIX_LENGTH + 8;
}

/** Compares two stored hashes without leaking, through timing, how many characters matched. */
export function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
