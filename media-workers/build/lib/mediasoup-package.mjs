// Where the mediasoup package is, which version, and where its worker binary goes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * @typedef {{dir: string, version: string, workerDir: string, workerBin: string}} MediasoupPackage
 */

/**
 * Finds node_modules/mediasoup from the repository root (hoisted) or the
 * media-workers workspace. Returns null when the package is not installed (for
 * example a production install that leaves out the media-workers workspace).
 * @param {string} repoRoot @returns {MediasoupPackage | null}
 */
export function findMediasoup(repoRoot) {
  const candidates = [
    path.join(repoRoot, 'node_modules', 'mediasoup'),
    path.join(repoRoot, 'media-workers', 'node_modules', 'mediasoup'),
  ];
  for (const dir of candidates) {
    const pkgFile = path.join(dir, 'package.json');
    if (!fs.existsSync(pkgFile)) continue;
    const { version } = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    const workerDir = path.join(dir, 'worker');
    // The path mediasoup's Worker.js uses when MEDIASOUP_WORKER_BIN is unset.
    const workerBin = path.join(workerDir, 'out', 'Release', 'mediasoup-worker');
    return { dir, version, workerDir, workerBin };
  }
  return null;
}

/** @param {string} file */
export function isExecutableFile(file) {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks that a worker binary runs on this host, the way mediasoup checks its
 * prebuilt download: started without MEDIASOUP_VERSION it exits with 41. A
 * missing shared library gives 127 instead, a wrong architecture an exec error.
 * @param {string} file @returns {{ok: boolean, detail: string}}
 */
export function probeWorker(file) {
  if (!isExecutableFile(file)) return { ok: false, detail: 'not an executable file' };
  const run = spawnSync(file, [], { env: {}, encoding: 'utf8', timeout: 10_000 });
  if (run.error) return { ok: false, detail: run.error.message };
  if (run.status === 41) return { ok: true, detail: 'runs (exit 41 without MEDIASOUP_VERSION)' };
  const stderr = (run.stderr || '').trim().split('\n').slice(-2).join(' | ');
  return { ok: false, detail: `exit ${run.status ?? run.signal}${stderr ? `: ${stderr}` : ''}` };
}

/** Copies a binary into place atomically (a copy next to it, then a rename). */
export function installBinary(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const tmp = `${to}.tmp-${process.pid}`;
  fs.copyFileSync(from, tmp);
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, to);
}
