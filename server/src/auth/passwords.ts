import argon2 from 'argon2';

/**
 * argon2id at OWASP's recommended minimum (Password Storage Cheat Sheet): 19 MiB of memory, two
 * passes, one lane. About a third of the memory and CPU of the library's defaults (64 MiB, t=3,
 * p=4), which is what lets one small box answer a login storm (docs/security.md, "Passwords").
 */
export const PASSWORD_HASH_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456, // KiB
  timeCost: 2,
  parallelism: 1,
} as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, PASSWORD_HASH_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false; // a malformed stored hash is a failed login, not a crash
  }
}

/**
 * Whether a stored hash was made with other parameters than today's (older accounts: argon2id
 * at 64 MiB, t=3, p=4) or another argon2 variant; such a hash is replaced on its next successful login.
 */
export function needsRehash(hash: string): boolean {
  if (!hash.startsWith('$argon2id$')) return true;
  try {
    const { memoryCost, timeCost, parallelism } = PASSWORD_HASH_OPTIONS;
    return argon2.needsRehash(hash, { memoryCost, timeCost, parallelism });
  } catch {
    return true;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of one verification when the user does not exist, so that response timing
 * does not reveal which usernames are registered.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('parley-dummy-password-for-timing');
  await verifyPassword(await dummyHash, password);
  return false;
}
