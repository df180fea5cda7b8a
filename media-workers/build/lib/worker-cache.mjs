// The per-machine cache of built or downloaded workers:
//   ${XDG_CACHE_HOME:-~/.cache}/parley/mediasoup-worker/<version>/recipe-<n>/<platform>-<arch>-<variant>/
// (<variant>: a build variant of lib/build-variants.mjs, or liburing/no-liburing in recipe 3)
//     mediasoup-worker   the binary
//     meta.json          where it came from, its sha256, when, how long it took
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installBinary } from './mediasoup-package.mjs';

/**
 * The version of the recipe that provides a worker (build-worker.mjs, the shims,
 * lib/source-fixes.mjs, the build flags). It is part of the cache key: bump it
 * whenever a change alters what a built binary contains, so that binaries made
 * the old way are never reused.
 *   1 (no recipe-* directory): first offline build; DTLS crashed in Debian's libssl
 *   2: source fix dtls-bio-callback-return
 *   3: libsrtp built in with OpenSSL instead of Debian's NSS libsrtp2 (lib/libsrtp-source.mjs)
 *   4: mediasoup 3.32: libsrtp 3's opaque policy API in the srtp shim, unordered-dense shim,
 *      no abseil/usrsctp/liburing (gone upstream); build variants (lib/build-variants.mjs)
 *      instead of io_uring on/off
 */
export const BUILD_RECIPE = 4;

export function cacheRoot() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'parley', 'mediasoup-worker');
}

/**
 * The cache entry for one mediasoup version, build recipe, platform/arch and
 * build variant. `recipe` defaults to the current one; bench:sfu passes an older
 * one to find a worker of another mediasoup version.
 * @param {string} version @param {string} buildVariant @param {number} [recipe]
 */
export function cacheEntry(version, buildVariant, recipe = BUILD_RECIPE) {
  const variant = `${process.platform}-${process.arch}-${buildVariant}`;
  const dir = path.join(cacheRoot(), version, `recipe-${recipe}`, variant);
  return {
    dir,
    variant,
    bin: path.join(dir, 'mediasoup-worker'),
    metaFile: path.join(dir, 'meta.json'),
  };
}

export function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** @returns {Record<string, unknown> | null} */
export function readMeta(entry) {
  try {
    return JSON.parse(fs.readFileSync(entry.metaFile, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * True when the entry holds a binary whose checksum matches its meta.json (a
 * half-written or damaged entry is ignored and later overwritten).
 */
export function isIntact(entry) {
  const meta = readMeta(entry);
  if (!meta || !fs.existsSync(entry.bin)) return false;
  return meta.sha256 === sha256(entry.bin);
}

/**
 * Stores a binary in the cache with its meta.json.
 * @param {ReturnType<typeof cacheEntry>} entry @param {string} file
 * @param {{version: string, variant: string, source: string, seconds: number, srtp?: string}} info
 */
export function store(entry, file, info) {
  fs.mkdirSync(entry.dir, { recursive: true });
  installBinary(file, entry.bin);
  const meta = {
    mediasoupVersion: info.version,
    platform: process.platform,
    arch: process.arch,
    kernel: os.release(),
    variant: info.variant,
    source: info.source,
    ...(info.srtp ? { srtp: info.srtp } : {}),
    buildRecipe: BUILD_RECIPE,
    seconds: Math.round(info.seconds),
    size: fs.statSync(entry.bin).size,
    sha256: sha256(entry.bin),
    createdAt: new Date().toISOString(),
    node: process.version,
  };
  fs.writeFileSync(entry.metaFile, `${JSON.stringify(meta, null, 2)}\n`);
  return meta;
}
