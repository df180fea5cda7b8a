// One provisioning per cache entry at a time on a machine: two installs started together (or a
// parallel `npm install` in a second checkout) must not both spend minutes compiling. The lock
// is a file holding the owner's pid; a lock whose owner is gone is taken over.
import fs from 'node:fs';
import { formatDuration, info } from './log.mjs';

function ownerAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function tryTake(file) {
  try {
    fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if (error.code !== 'EEXIST') throw error;
    const owner = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    if (ownerAlive(owner)) return false;
    fs.rmSync(file, { force: true }); // stale: its owner died
    return tryTake(file);
  }
}

/**
 * Runs `fn` holding the lock `file`, waiting (with a line every 30 s) while another live process
 * holds it. Returns what `fn` returns.
 * @template T @param {string} file @param {() => Promise<T>} fn @returns {Promise<T>}
 */
export async function withLock(file, fn) {
  const t0 = Date.now();
  let lastNote = 0;
  while (!tryTake(file)) {
    if (Date.now() - lastNote >= 30_000) {
      info(
        `another install (pid ${fs.readFileSync(file, 'utf8').trim()}) is providing this worker; waiting (${formatDuration(Date.now() - t0)})`,
      );
      lastNote = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  const release = () => fs.rmSync(file, { force: true });
  process.once('exit', release);
  try {
    return await fn();
  } finally {
    process.off('exit', release);
    release();
  }
}
