// The libsrtp 2 sources that the offline worker build compiles in, with
// OpenSSL's crypto.
//
// Why: Debian's libsrtp2 package is built against NSS. Its AES-ICM sets a new
// IV by destroying and re-creating an NSS context for every packet, and its
// HMAC-SHA1 goes through NSS too. In bench:sfu, 1000 SRTP consumers, the NSS
// code (libsoftokn3, libnss3, their mutexes and mallocs) took about 40 % of the
// worker's CPU, and the worker forwarded 75-80k packets per CPU-second.
// The same libsrtp 2.5.0 built with OpenSSL (AES-NI) gave 116k on the same
// run. mediasoup's own build also uses libsrtp with OpenSSL.
//
// Where the sources come from, in order:
//   1. PARLEY_LIBSRTP_TARBALL=path: a libsrtp 2.x source tarball of the user's;
//   2. the per-machine cache: ${XDG_CACHE_HOME:-~/.cache}/parley/sources/libsrtp2/;
//   3. Debian's source package (`apt-get source --download-only libsrtp2`),
//      through a private deb-src list made from the system's own apt sources
//      and private state directories: nothing on the system is changed, root
//      is not needed, and apt checks the files against the signed index.
// If none works, the build falls back to Debian's libsrtp2 (NSS) and says so.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { info, warn } from './log.mjs';
import { readAptSources } from './system-packages.mjs';

const SOURCE_PACKAGE = 'libsrtp2';
const TARBALL = /\.orig\.tar\.(gz|xz|bz2)$/;

function sourcesCacheDir(cacheRoot) {
  return path.join(cacheRoot, '..', 'sources', SOURCE_PACKAGE);
}

function cachedTarball(dir) {
  try {
    const name = fs
      .readdirSync(dir)
      .filter((f) => TARBALL.test(f))
      .sort()
      .pop();
    return name ? path.join(dir, name) : null;
  } catch {
    return null;
  }
}

/**
 * One apt sources file rewritten to give source packages: deb822 (`.sources`) files get
 * `Types: deb-src`, one-line files keep only their `deb` lines, as `deb-src`. null when the file
 * has no binary-package entries.
 * @param {string} file @param {string} text @returns {{name: string, text: string} | null}
 */
export function debSrcList(file, text) {
  if (file.endsWith('.sources')) {
    return /^Types:(.*\s)?deb(\s|$)/m.test(text)
      ? { name: path.basename(file), text: text.replace(/^Types:.*$/gm, 'Types: deb-src') }
      : null;
  }
  const lines = text
    .split('\n')
    .filter((l) => /^\s*deb\s/.test(l))
    .map((l) => l.replace(/^\s*deb\s/, 'deb-src '));
  return lines.length
    ? { name: `${path.basename(file).replace(/\.list$/, '')}.list`, text: `${lines.join('\n')}\n` }
    : null;
}

/** The system's apt `deb` sources, rewritten as `deb-src` (one-line and deb822 files). */
export function debSrcLists() {
  return readAptSources()
    .map(({ file, text }) => debSrcList(file, text))
    .filter((list) => list !== null);
}

/** `apt-get source --download-only` into a temporary directory; the tarball's path or null. */
function fromDebianSources(work) {
  if (!fs.existsSync('/usr/bin/apt-get')) return { reason: 'not a Debian system (no apt-get)' };
  const lists = debSrcLists();
  if (lists.length === 0) return { reason: 'no apt sources found to derive deb-src entries from' };
  const parts = path.join(work, 'sources.list.d');
  fs.mkdirSync(parts, { recursive: true });
  for (const list of lists) fs.writeFileSync(path.join(parts, list.name), list.text);
  for (const dir of ['lists/partial', 'cache/archives/partial', 'download'])
    fs.mkdirSync(path.join(work, dir), { recursive: true });
  const options = [
    '-o',
    `Dir::Etc::SourceList=/dev/null`,
    '-o',
    `Dir::Etc::SourceParts=${parts}`,
    '-o',
    `Dir::State::Lists=${path.join(work, 'lists')}`,
    '-o',
    `Dir::Cache=${path.join(work, 'cache')}`,
    '-o',
    'Debug::NoLocking=1',
    '-o',
    'APT::Sandbox::User=root',
    '-o',
    'Acquire::Retries=2',
    '-qq',
  ];
  const run = (args, cwd) =>
    spawnSync('apt-get', [...options, ...args], {
      cwd,
      encoding: 'utf8',
      timeout: 180_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  info(`  apt-get update (deb-src only, private state under ${work})`);
  const update = run(['update'], work);
  if (update.status !== 0)
    return {
      reason: `apt-get update failed: ${(update.stderr || update.stdout || '').trim().split('\n').slice(-2).join(' ')}`,
    };
  info(`  apt-get source --download-only ${SOURCE_PACKAGE}`);
  const download = path.join(work, 'download');
  const source = run(['source', '--download-only', SOURCE_PACKAGE], download);
  const tarball = cachedTarball(download);
  if (source.status !== 0 || !tarball) {
    return {
      reason: `apt-get source failed: ${(source.stderr || source.stdout || '').trim().split('\n').slice(-2).join(' ')}`,
    };
  }
  return { tarball };
}

/**
 * A libsrtp 2 source tarball for the build, or `{missing}` with the reason.
 * @param {string} cacheRoot the worker cache root (worker-cache.mjs cacheRoot())
 * @returns {{tarball: string, origin: string} | {missing: string}}
 */
export function provideLibsrtpSource(cacheRoot) {
  const fromEnv = process.env.PARLEY_LIBSRTP_TARBALL;
  if (fromEnv) {
    if (!fs.existsSync(fromEnv)) return { missing: `PARLEY_LIBSRTP_TARBALL=${fromEnv} does not exist` };
    return { tarball: path.resolve(fromEnv), origin: 'PARLEY_LIBSRTP_TARBALL' };
  }
  const cacheDir = sourcesCacheDir(cacheRoot);
  const cached = cachedTarball(cacheDir);
  if (cached) return { tarball: cached, origin: `cache ${cacheDir}` };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-libsrtp-src-'));
  try {
    const result = fromDebianSources(work);
    if (!result.tarball) return { missing: result.reason };
    fs.mkdirSync(cacheDir, { recursive: true });
    const kept = path.join(cacheDir, path.basename(result.tarball));
    fs.copyFileSync(result.tarball, kept);
    return { tarball: kept, origin: "Debian's source package, cached in " + cacheDir };
  } catch (error) {
    return { missing: String(error?.message ?? error) };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Prints why the build goes on with Debian's (slower) NSS libsrtp2. */
export function warnNssFallback(reason) {
  warn(`libsrtp sources not available (${reason}).`);
  warn("building against Debian's libsrtp2, which uses NSS: SRTP then costs the worker about 1.5x the CPU per packet.");
  warn(
    'to fix: set PARLEY_LIBSRTP_TARBALL to a libsrtp 2.x source tarball, then run PARLEY_WORKER_REBUILD=1 npm rebuild parley (or npm install).',
  );
}
