import argon2 from 'argon2';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { burnPasswordCheck, hashPassword, verifyPassword } from './hash';

// The password hash (lib/passwords/hash.ts): argon2id with OWASP's minimum parameters.

afterEach(() => {
  vi.restoreAllMocks();
});

describe('hashPassword and verifyPassword', () => {
  it('hashes with argon2id (19 MiB, 2 passes, 1 lane), salted, and verifies only the same password', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(await hashPassword('correct horse battery staple')).not.toBe(hash);
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery stapler')).toBe(false);
    expect(await verifyPassword(hash, '')).toBe(false);
  });

  it.each([['not-a-hash'], [''], ['$argon2id$v=19$m=19456,p=1,t=2$broken']])('a corrupt stored hash %j signs nobody in and does not throw', async (hash) => {
    expect(await verifyPassword(hash, 'anything')).toBe(false);
  });
});

describe('burnPasswordCheck', () => {
  it('runs a real argon2id verification against one dummy hash, made once', async () => {
    const verify = vi.spyOn(argon2, 'verify');
    const hash = vi.spyOn(argon2, 'hash');
    await burnPasswordCheck('guess-1');
    await burnPasswordCheck('guess-2');
    expect(verify.mock.calls.map(([stored, password]) => [String(stored).startsWith('$argon2id$v=19$m=19456,p=1,t=2$'), password])).toEqual([
      [true, 'guess-1'],
      [true, 'guess-2'],
    ]);
    // The dummy hash is made at the first call at the latest, never again.
    expect(hash.mock.calls.length).toBeLessThanOrEqual(1);
    await expect(verify.mock.results[0]!.value).resolves.toBe(false);
  });
});
