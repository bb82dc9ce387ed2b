import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateToken, hashesEqual, hashToken, looksLikeFullToken, TOKEN_MARKER, TOKEN_PREFIX_LENGTH, tokenPrefixOf } from './token';

describe('generateToken', () => {
  it('starts with the marker, carries its prefix and its SHA-256 hash', () => {
    const { token, prefix, hash } = generateToken();
    expect(token.startsWith(TOKEN_MARKER)).toBe(true);
    expect(prefix).toBe(token.slice(0, TOKEN_PREFIX_LENGTH));
    expect(prefix).toHaveLength(TOKEN_PREFIX_LENGTH);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hash).toBe(hashToken(token));
  });

  it('is URL- and header-safe and long enough to be unguessable', () => {
    const { token } = generateToken();
    expect(token).toMatch(/^pcls_[A-Za-z0-9_-]{43}$/);
  });

  it('differs every time, and so do prefixes and hashes', () => {
    const generated = Array.from({ length: 50 }, () => generateToken());
    expect(new Set(generated.map((g) => g.token)).size).toBe(50);
    expect(new Set(generated.map((g) => g.prefix)).size).toBe(50);
    expect(new Set(generated.map((g) => g.hash)).size).toBe(50);
  });

  it('never puts the token in its hash', () => {
    const { token, hash } = generateToken();
    expect(hash).not.toContain(token.slice(TOKEN_MARKER.length));
  });
});

describe('hashToken', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ])('sha256(%j) = %s', (input, expected) => expect(hashToken(input)).toBe(expected));

  it('is case-sensitive', () => expect(hashToken('pcls_A')).not.toBe(hashToken('pcls_a')));
});

describe('tokenPrefixOf', () => {
  it.each([
    ['pcls_0123456789abcdefXYZ', 'pcls_0123456789a'],
    ['short', 'short'],
    ['', ''],
  ])('%j -> %j', (token, prefix) => expect(tokenPrefixOf(token)).toBe(prefix));
});

describe('hashesEqual', () => {
  const a = hashToken('one');
  const b = hashToken('two');
  it.each([
    [a, a, true],
    [a, `${a}`, true],
    [a, b, false],
    [a, a.slice(0, 63), false],
    [a, `${a}0`, false],
    [a, a.toUpperCase(), false],
    ['', '', true],
    [a, '', false],
  ])('%s vs %s -> %s', (left, right, expected) => {
    expect(hashesEqual(left, right)).toBe(expected);
    expect(hashesEqual(right, left)).toBe(expected);
  });
});

describe('looksLikeFullToken', () => {
  const full = generateToken().token;
  // Titles name the case, not the random token, so that test names stay the same between runs.
  it.each([
    ['a full token', true, full],
    ['its prefix', false, tokenPrefixOf(full)],
    ['prefix + 8 characters', false, full.slice(0, TOKEN_PREFIX_LENGTH + 8)],
    ['prefix + 9 characters', true, full.slice(0, TOKEN_PREFIX_LENGTH + 9)],
    ['without the marker', false, full.slice(TOKEN_MARKER.length)],
    ['the marker not at the start', false, `xpcls_${'a'.repeat(40)}`],
    ['the marker upper-cased', false, `PCLS_${'a'.repeat(40)}`],
    ['empty', false, ''],
  ])('%s -> %s', (_name, expected, text) => expect(looksLikeFullToken(text)).toBe(expected));
});
