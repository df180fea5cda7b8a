import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Internal (`@parley/protocol/internal`): the media node and the signalling server of one
 * DATA_DIR share the media secret (`MEDIA_SECRET`) through this file, so both read it here.
 * Reads a secret kept in a file, creating it (random, mode 0600) the first time. Creation uses
 * the exclusive flag so two processes starting together end up with the same secret.
 */
export function readOrCreateSecretFile(path: string): string {
  try {
    const existing = readFileSync(path, 'utf8').trim();
    if (existing.length > 0) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(path), { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  try {
    writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another process won the race: use its secret.
    return readFileSync(path, 'utf8').trim();
  }
}
