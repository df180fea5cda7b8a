// Makes sure the Debian packages a step needs are on the machine. As root on Debian it installs
// them with apt-get; otherwise it stops with the exact command to run. Plain Node, no deps: it runs
// before anything is built.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** @typedef {{ pkg: string, check: () => boolean }} Requirement */

export const hasFile = (path) => () => existsSync(path);
export const hasCommand = (cmd) => () => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

/**
 * @param {Requirement[]} requirements
 * @param {string} purpose what needs them, for the messages
 */
export function ensureSystemPackages(requirements, purpose) {
  const missing = requirements.filter((r) => !r.check()).map((r) => r.pkg);
  if (missing.length === 0) return;
  const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const isDebian = existsSync('/etc/debian_version');
  if (!isRoot || !isDebian) {
    console.error(`[parley] ${purpose} needs: ${missing.join(', ')}.`);
    console.error(`[parley] Install them with:\n\n    sudo apt-get update && sudo ${command}\n`);
    process.exit(1);
  }
  console.log(`[parley] ${purpose}: installing ${missing.join(', ')} with apt-get ...`);
  const started = Date.now();
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('sh', ['-c', `${command} -qq`], { stdio: 'inherit', env });
  const still = requirements.filter((r) => !r.check()).map((r) => r.pkg);
  if (still.length > 0) {
    console.error(`[parley] apt-get finished but these are still missing: ${still.join(', ')}`);
    process.exit(1);
  }
  console.log(`[parley] installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
