#!/usr/bin/env node
// Provides mediasoup's C++ worker binary. Runs as the root package's
// `postinstall`, before anything is built, so: plain Node ESM, no dependencies.
//
// mediasoup is pinned (3.32.2) and its own postinstall is denied by
// "allowScripts": {"mediasoup": false} in the root package.json: it would try
// GitHub, then pip. This script puts the worker where mediasoup looks by
// default (node_modules/mediasoup/worker/out/Release/mediasoup-worker), from
// the first of:
//   1. MEDIASOUP_WORKER_BIN, if set (checked; mediasoup then uses it at run time)
//   2. the per-machine cache, ${XDG_CACHE_HOME:-~/.cache}/parley/mediasoup-worker/
//   3. the official prebuilt tarball (10 s timeout), then cached
//   4. an offline build against Debian's libraries (build-worker.mjs), then cached
//
// Environment:
//   PARLEY_SKIP_WORKER=1        do nothing
//   MEDIASOUP_WORKER_BIN=path   use this binary (must exist and run)
//   PARLEY_WORKER_VARIANT=name  build variant (lib/build-variants.mjs; default "default");
//                               part of the cache key. Any other than "default" always
//                               builds (the prebuilt is mediasoup's default build).
//   PARLEY_WORKER_REBUILD=1     ignore the cache and the prebuilt download; build
//   PARLEY_WORKER_JOBS=n        compile jobs (default: available cores)
//   PARLEY_WORKER_KEEP_BUILD=1  keep the temporary build directory
//   PARLEY_LIBSRTP_TARBALL=path libsrtp 2.x sources to build in (default: Debian's
//                               source package, fetched once and cached; lib/libsrtp-source.mjs)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWorker, makeBuildRoot } from './build-worker.mjs';
import { buildVariant, DEFAULT_VARIANT } from './lib/build-variants.mjs';
import { withLock } from './lib/build-lock.mjs';
import { formatDuration, info, ProvisionError, sinceStart, step, warn } from './lib/log.mjs';
import { findMediasoup, installBinary, isExecutableFile, probeWorker } from './lib/mediasoup-package.mjs';
import { downloadPrebuilt, prebuiltUrl } from './lib/prebuilt.mjs';
import { provideLibsrtpSource, warnNssFallback } from './lib/libsrtp-source.mjs';
import { ensureBuildPackages } from './lib/system-packages.mjs';
import { cacheEntry, cacheRoot, isIntact, readMeta, store } from './lib/worker-cache.mjs';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const env = process.env;

function variantSetting() {
  if (env.MEDIASOUP_LIBURING !== undefined) {
    warn('MEDIASOUP_LIBURING is ignored: mediasoup 3.32 has no io_uring (see PARLEY_WORKER_VARIANT)');
  }
  return buildVariant(env.PARLEY_WORKER_VARIANT || DEFAULT_VARIANT);
}

function jobsSetting() {
  const jobs = Number(env.PARLEY_WORKER_JOBS || os.availableParallelism());
  if (!Number.isInteger(jobs) || jobs < 1)
    throw new ProvisionError(`PARLEY_WORKER_JOBS must be a positive integer (got "${env.PARLEY_WORKER_JOBS}")`);
  return jobs;
}

const shown = (file) => path.relative(process.cwd(), file) || file;

/** Checks a binary runs, then copies it to where mediasoup looks. */
function installChecked(from, ms, what) {
  const probe = probeWorker(from);
  if (!probe.ok) return probe;
  installBinary(from, ms.workerBin);
  info(`${what} -> ${shown(ms.workerBin)}`);
  return probe;
}

function fromEnvBin() {
  const bin = path.resolve(env.MEDIASOUP_WORKER_BIN);
  if (!isExecutableFile(bin)) {
    throw new ProvisionError(
      `MEDIASOUP_WORKER_BIN=${env.MEDIASOUP_WORKER_BIN} is not an executable file. Unset it, or point it at a mediasoup-worker binary.`,
    );
  }
  const probe = probeWorker(bin);
  if (!probe.ok) throw new ProvisionError(`MEDIASOUP_WORKER_BIN=${bin} does not run here: ${probe.detail}`);
  info(`using MEDIASOUP_WORKER_BIN=${bin} (mediasoup reads it at run time too: keep it set)`);
}

function fromCache(ms, entry) {
  if (!isIntact(entry)) {
    info(`step 2/4 cache: no cached worker in ${entry.dir}`);
    return false;
  }
  const meta = readMeta(entry);
  const result = installChecked(
    entry.bin,
    ms,
    `step 2/4 cache hit: ${entry.bin} (${meta?.source}, ${meta?.createdAt})`,
  );
  if (result.ok && typeof meta?.srtp === 'string' && meta.srtp.includes('NSS')) {
    warn(
      `this cached worker does SRTP with Debian's NSS libsrtp2 (about 1.5x the CPU per packet); PARLEY_WORKER_REBUILD=1 npm install rebuilds it once the libsrtp sources can be fetched`,
    );
  }
  if (!result.ok) warn(`the cached worker does not run here (${result.detail}); ignoring it`);
  return result.ok;
}

async function fromPrebuilt(ms, entry, variant) {
  if (variant.name !== DEFAULT_VARIANT) {
    info(`step 3/4 prebuilt: skipped, the official worker is mediasoup's default build, not "${variant.name}"`);
    return false;
  }
  const url = prebuiltUrl(ms.dir);
  info(`step 3/4 prebuilt: fetching ${url} (10 s timeout)`);
  const t0 = Date.now();
  const tmp = path.join(os.tmpdir(), `parley-mediasoup-worker-${process.pid}.bin`);
  try {
    const download = await downloadPrebuilt(url, tmp);
    if (!download.ok) {
      info(`step 3/4 prebuilt: not available (${download.reason}), after ${formatDuration(Date.now() - t0)}`);
      return false;
    }
    const probe = probeWorker(tmp);
    if (!probe.ok) {
      warn(`the prebuilt worker does not run on this host (${probe.detail})`);
      return false;
    }
    store(entry, tmp, {
      version: ms.version,
      variant: variant.name,
      source: 'prebuilt',
      seconds: (Date.now() - t0) / 1000,
    });
    installChecked(
      entry.bin,
      ms,
      `step 3/4 prebuilt: downloaded in ${formatDuration(Date.now() - t0)}, cached in ${entry.dir}`,
    );
    return true;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

async function fromBuild(ms, entry, variant) {
  info(`step 4/4 offline build of mediasoup-worker ${ms.version} (${variant.name}) against Debian libraries`);
  await ensureBuildPackages();
  const libsrtp = await step('libsrtp sources (for SRTP with OpenSSL)', () => provideLibsrtpSource(cacheRoot()));
  if ('missing' in libsrtp) warnNssFallback(libsrtp.missing);
  else info(`  libsrtp sources: ${libsrtp.tarball} (${libsrtp.origin})`);
  const libsrtpTarball = 'tarball' in libsrtp ? libsrtp.tarball : null;
  const buildRoot = makeBuildRoot();
  const log = path.join(buildRoot, 'build.log');
  const keep = env.PARLEY_WORKER_KEEP_BUILD === '1';
  const cleanup = () => {
    if (!keep) fs.rmSync(buildRoot, { recursive: true, force: true });
  };
  const onSignal = (signal) => {
    cleanup();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const t0 = Date.now();
  try {
    const bin = await buildWorker({ ms, variant, jobs: jobsSetting(), buildRoot, log, libsrtpTarball });
    const probe = probeWorker(bin);
    if (!probe.ok) throw new ProvisionError(`the built worker does not run: ${probe.detail}`, [`build log: ${log}`]);
    const srtp = libsrtpTarball ? `libsrtp ${path.basename(libsrtpTarball)} with OpenSSL` : "Debian's libsrtp2 (NSS)";
    const meta = store(entry, bin, {
      version: ms.version,
      variant: variant.name,
      source: 'build',
      seconds: (Date.now() - t0) / 1000,
      srtp,
    });
    installChecked(
      entry.bin,
      ms,
      `step 4/4 built in ${formatDuration(Date.now() - t0)} (${(meta.size / 1e6).toFixed(1)} MB), cached in ${entry.dir}`,
    );
  } catch (error) {
    if (fs.existsSync(log)) {
      const kept = path.join(cacheRoot(), 'last-build-failure.log');
      fs.mkdirSync(cacheRoot(), { recursive: true });
      fs.copyFileSync(log, kept);
      if (error instanceof ProvisionError) error.hint = error.hint.map((l) => l.replace(log, kept));
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (keep) info(`build directory kept: ${buildRoot}`);
    cleanup();
  }
}

async function main() {
  if (env.PARLEY_SKIP_WORKER === '1') {
    info('PARLEY_SKIP_WORKER=1: not providing the mediasoup worker');
    return;
  }
  const ms = findMediasoup(repoRoot);
  if (!ms) return; // mediasoup not installed (e.g. a production install without media-workers)

  const variant = variantSetting();
  info(
    `mediasoup ${ms.version}, ${process.platform}-${process.arch}, kernel ${os.release()}, build variant ${variant.name}`,
  );

  if (env.MEDIASOUP_WORKER_BIN) {
    info('step 1/4 MEDIASOUP_WORKER_BIN is set');
    fromEnvBin();
  } else {
    const entry = cacheEntry(ms.version, variant.name);
    const rebuild = env.PARLEY_WORKER_REBUILD === '1';
    if (rebuild) info('PARLEY_WORKER_REBUILD=1: skipping the cache and the prebuilt download');
    if (rebuild || !fromCache(ms, entry)) {
      // Download or build under a lock; whoever waited for it usually finds the cache filled.
      fs.mkdirSync(path.dirname(entry.dir), { recursive: true });
      await withLock(`${entry.dir}.lock`, async () => {
        if (!rebuild && isIntact(entry) && fromCache(ms, entry)) return;
        if (!rebuild && (await fromPrebuilt(ms, entry, variant))) return;
        await fromBuild(ms, entry, variant);
      });
    }
  }
  info(`ready in ${sinceStart()}`);
}

main().catch((error) => {
  if (error instanceof ProvisionError) {
    process.stderr.write(`[parley worker] error: ${error.message}\n`);
    for (const line of error.hint) process.stderr.write(`[parley worker] ${line}\n`);
  } else {
    process.stderr.write(`[parley worker] unexpected error: ${error?.stack ?? error}\n`);
  }
  process.exit(1);
});
