import argon2 from 'argon2';

// argon2id, memory-hard, with OWASP's minimum recommended parameters (19 MiB, 2 passes, 1 lane):
// costly for an attacker with a stolen hash, about 30 ms of one core for us per sign-in.
const options = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, options);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    // A corrupt stored hash must not sign anyone in, nor surface as a 500.
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real check, for an email with no password: the response time
 * must not tell an attacker which addresses have accounts.
 */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('portcullis-timing-equaliser');
  await verifyPassword(await dummyHash, password);
}
