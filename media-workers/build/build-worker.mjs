// The offline build of mediasoup-worker: the C++ sources shipped in the npm
// package, built with meson + ninja against Debian's libraries. Each C/C++
// dependency that mediasoup's meson.build pulls as a subproject (whose .wrap
// would download it) is replaced by a shim from ./shims, placed in the
// directory the .wrap names; meson uses an existing directory as is, and
// --wrap-mode=nodownload makes any missing one fail instead of downloading.
// mediasoup's own files are not changed: the build runs on a copy of worker/,
// which gets the source fixes of ./lib/source-fixes.mjs (needed with Debian's
// OpenSSL; see there).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { info, ProvisionError, step } from './lib/log.mjs';
import { createNinjaProgress } from './lib/ninja-progress.mjs';
import { applySourceFixes } from './lib/source-fixes.mjs';

const SHIMS_DIR = fileURLToPath(new URL('./shims/', import.meta.url));
/** .wrap name → shim directory under ./shims (all get shims/common/dummy.c). */
const SHIMS = ['catch2', 'flatbuffers', 'libsrtp3', 'libuv', 'openssl', 'unordered-dense'];
const NOT_NEEDED = new Set(['wingetopt']); // Windows only

/**
 * Runs a command, writing all its output to `log` and handing each line to
 * `onLine`. Rejects with the last lines of output when it fails.
 * @param {string} cmd @param {string[]} args
 * @param {{cwd: string, log: string, onLine?: (line: string) => void}} opts
 * @returns {Promise<void>}
 */
function runLogged(cmd, args, { cwd, log, onLine = () => {} }) {
  return new Promise((resolve, reject) => {
    fs.appendFileSync(log, `\n$ ${cmd} ${args.join(' ')}\n`);
    const out = fs.openSync(log, 'a');
    const tail = [];
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
        fs.writeSync(out, `${line}\n`);
        tail.push(line);
        if (tail.length > 40) tail.shift();
        onLine(line);
      });
    }
    child.on('error', (error) => {
      fs.closeSync(out);
      reject(new ProvisionError(`${cmd} could not start: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      fs.closeSync(out);
      if (code === 0) return resolve();
      reject(
        new ProvisionError(`${cmd} ${args[0]} failed (${signal ?? `exit ${code}`}); last lines of output:`, [
          ...tail.map((l) => `  | ${l}`),
          `full log: ${log}`,
        ]),
      );
    });
  });
}

/** Puts a shim in the directory each .wrap file names. */
function placeShims(workerDir) {
  const subprojects = path.join(workerDir, 'subprojects');
  const placed = [];
  for (const wrapFile of fs.readdirSync(subprojects).filter((f) => f.endsWith('.wrap'))) {
    const name = path.basename(wrapFile, '.wrap');
    if (NOT_NEEDED.has(name)) continue;
    if (!SHIMS.includes(name)) {
      throw new ProvisionError(
        `mediasoup's worker wants a subproject "${name}" that has no shim in media-workers/build/shims/ (a mediasoup version this build does not know).`,
      );
    }
    const wrap = fs.readFileSync(path.join(subprojects, wrapFile), 'utf8');
    const dir = /^directory\s*=\s*(.+?)\s*$/m.exec(wrap)?.[1] ?? name;
    const target = path.join(subprojects, dir);
    fs.rmSync(target, { recursive: true, force: true });
    fs.cpSync(path.join(SHIMS_DIR, name), target, { recursive: true });
    fs.copyFileSync(path.join(SHIMS_DIR, 'common', 'dummy.c'), path.join(target, 'dummy.c'));
    placed.push(`${name}→${dir}`);
  }
  return placed;
}

/**
 * The srtp shim provides libsrtp 3's opaque policy API (srtp_policy_create...),
 * which mediasoup uses from 3.24 on; older versions filled a policy struct.
 * Refuse those clearly.
 */
function checkSrtpApi(workerDir) {
  const src = fs.readFileSync(path.join(workerDir, 'src', 'RTC', 'SrtpSession.cpp'), 'utf8');
  if (!src.includes('srtp_policy_create')) {
    throw new ProvisionError(
      "this mediasoup fills libsrtp's policy struct (before 3.24); media-workers/build/shims/libsrtp3 provides libsrtp 3's opaque policy API only. The project pins mediasoup 3.32.2.",
    );
  }
}

/**
 * Unpacks the libsrtp 2 sources as subprojects/libsrtp2 (built by the
 * libsrtp3 shim with OpenSSL) and copies its public headers where the shim's
 * <srtp2/srtp.h> finds them.
 */
async function placeLibsrtp(workerDir, tarball, log) {
  const dir = path.join(workerDir, 'subprojects', 'libsrtp2');
  fs.mkdirSync(dir, { recursive: true });
  await runLogged('tar', ['-xf', tarball, '-C', dir, '--strip-components=1'], { cwd: workerDir, log });
  const wrap = fs.readFileSync(path.join(workerDir, 'subprojects', 'libsrtp3.wrap'), 'utf8');
  const shimDir = path.join(workerDir, 'subprojects', /^directory\s*=\s*(.+?)\s*$/m.exec(wrap)?.[1] ?? 'libsrtp3');
  const headers = path.join(shimDir, 'bundled-include', 'srtp2');
  fs.mkdirSync(headers, { recursive: true });
  for (const header of [
    'include/srtp.h',
    'crypto/include/auth.h',
    'crypto/include/cipher.h',
    'crypto/include/crypto_types.h',
  ]) {
    fs.copyFileSync(path.join(dir, header), path.join(headers, path.basename(header)));
  }
}

/**
 * Builds mediasoup-worker for the package at `ms` and returns the path of the
 * binary (inside `buildRoot`; the caller copies it and removes `buildRoot`).
 * `libsrtpTarball`: libsrtp 2 sources to build in with OpenSSL; null: Debian's
 * libsrtp2 package (NSS).
 * @param {{ms: import('./lib/mediasoup-package.mjs').MediasoupPackage,
 *   variant: import('./lib/build-variants.mjs').BuildVariant,
 *   jobs: number, buildRoot: string, log: string, libsrtpTarball: string | null}} opts
 */
export async function buildWorker({ ms, variant, jobs, buildRoot, log, libsrtpTarball }) {
  const workerDir = path.join(buildRoot, 'worker');
  const buildDir = path.join(workerDir, 'out', 'Release', 'build');
  fs.writeFileSync(log, `mediasoup ${ms.version} worker build (${variant.name}), ${new Date().toISOString()}\n`);

  await step('preparing sources and shim subprojects', async () => {
    // Build products of any earlier attempt inside the package are left behind.
    const skip = ['out', 'prebuild', 'pip_invoke'].map((d) => path.join(ms.workerDir, d));
    fs.cpSync(ms.workerDir, workerDir, {
      recursive: true,
      filter: (src) => !skip.some((d) => src === d || src.startsWith(d + path.sep)),
    });
    checkSrtpApi(workerDir);
    info(`  source fixes: ${applySourceFixes(workerDir).join(', ')}`);
    info(`  shims: ${placeShims(workerDir).join(', ')}`);
    if (libsrtpTarball) {
      await placeLibsrtp(workerDir, libsrtpTarball, log);
      info(`  libsrtp: ${path.basename(libsrtpTarball)}, built in with OpenSSL`);
    }
  });

  await step(`meson setup (variant ${variant.name}: ${variant.about})`, () =>
    // The same options as mediasoup's tasks.py uses for a Release build.
    runLogged(
      'meson',
      [
        'setup',
        '--wrap-mode=nodownload',
        '--prefix',
        path.join(workerDir, 'out', 'Release'),
        '--bindir',
        '',
        '--libdir',
        '',
        '--buildtype',
        'release',
        '-Db_ndebug=true',
        ...variant.mesonArgs,
        `-Dlibsrtp3:parley-srtp=${libsrtpTarball ? 'bundled' : 'system'}`,
        buildDir,
      ],
      { cwd: workerDir, log },
    ),
  );

  // The generated flatbuffers headers first: mediasoup's libwebrtc target
  // includes them (through Logger.hpp) without depending on their generator,
  // a race in a parallel build ("fatal error: sctpParameters.h: No such file").
  await step('generating flatbuffers headers', () =>
    runLogged('meson', ['compile', '-C', buildDir, 'flatbuffers-generator'], { cwd: workerDir, log }),
  );

  const progress = createNinjaProgress({ label: 'compiling' });
  try {
    await step(`compiling mediasoup-worker with ninja -j${jobs} (several minutes)`, () =>
      runLogged('ninja', ['-C', buildDir, '-j', String(jobs), 'mediasoup-worker'], {
        cwd: workerDir,
        log,
        onLine: (line) => progress.line(line),
      }),
    );
  } finally {
    progress.stop();
  }
  return path.join(buildDir, 'mediasoup-worker');
}

/** A fresh directory for one build, removed by the caller. */
export function makeBuildRoot() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'parley-mediasoup-worker-'));
}
