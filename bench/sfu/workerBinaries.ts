import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { version } from 'mediasoup';
import { BUILD_VARIANTS } from '../../media-workers/build/lib/build-variants.mjs';
import { cacheEntry, cacheRoot, isIntact } from '../../media-workers/build/lib/worker-cache.mjs';
import type { WorkerVariant } from './types.js';

export function mediasoupVersion(): string {
  return version;
}

/**
 * One worker binary to measure. `mediasoupVersion` is the version the binary speaks (the worker
 * and mediasoup's Node library must match: their flatbuffers messages change between releases);
 * `mediasoupDir` is where bare mediasoup of that version is, when it is not the installed one
 * (the Parley path then cannot run: the media node is built on the installed mediasoup).
 */
export type LocatedBinary =
  | { variant: WorkerVariant; bin: string; mediasoupVersion: string; mediasoupDir: string | null }
  | { variant: WorkerVariant; missing: string };

const VERSION = /^\d+\.\d+\.\d+$/;

/**
 * What `--variants` accepts, each resolved to a binary:
 * - a build variant of media-workers/build/lib/build-variants.mjs (`default`, `lto`, `native`,
 *   `lto-native`): the installed mediasoup's build of that variant in the machine cache;
 * - a mediasoup version (`3.19.3`): the newest cached build of that version (any recipe,
 *   variant `default`, else `liburing`, else any), measured by bare mediasoup of that version
 *   (installed once with npm into the cache, scripts off);
 * - a path to a binary, optionally `path@version` when it is not the installed version's.
 */
export function locateWorkerBinary(currentVersion: string, variant: WorkerVariant): LocatedBinary {
  if (variant in BUILD_VARIANTS) {
    const entry = cacheEntry(currentVersion, variant);
    if (isIntact(entry)) return { variant, bin: entry.bin, mediasoupVersion: currentVersion, mediasoupDir: null };
    return {
      variant,
      missing:
        `no intact ${entry.variant} build in ${entry.dir}; build it with ` +
        `\`PARLEY_WORKER_VARIANT=${variant} PARLEY_WORKER_REBUILD=1 node media-workers/build/provide-worker.mjs\` (several minutes of 2 cores; ` +
        `it also installs that build into node_modules/mediasoup, so run \`node media-workers/build/provide-worker.mjs\` afterwards to put the default back)`,
    };
  }
  if (VERSION.test(variant)) {
    const bin = newestCachedBuild(variant);
    if (!bin)
      return { variant, missing: `no intact build of mediasoup ${variant} in ${path.join(cacheRoot(), variant)}` };
    return located(variant, bin, variant, currentVersion);
  }
  const at = /^(.+)@(\d+\.\d+\.\d+)$/.exec(variant);
  const bin = path.resolve(at?.[1] ?? variant);
  if (!existsSync(bin)) return { variant, missing: `${bin} does not exist` };
  return located(variant, bin, at?.[2] ?? currentVersion, currentVersion);
}

function located(variant: string, bin: string, binVersion: string, currentVersion: string): LocatedBinary {
  if (binVersion === currentVersion) return { variant, bin, mediasoupVersion: binVersion, mediasoupDir: null };
  try {
    return { variant, bin, mediasoupVersion: binVersion, mediasoupDir: mediasoupPackage(binVersion) };
  } catch (error) {
    return { variant, missing: `mediasoup ${binVersion} (Node library) not available: ${(error as Error).message}` };
  }
}

/** The newest recipe's build of `version` in the cache: variant default, else liburing, else any. */
function newestCachedBuild(version: string): string | null {
  const dir = path.join(cacheRoot(), version);
  if (!existsSync(dir)) return null;
  const recipes = readdirSync(dir)
    .map((d) => /^recipe-(\d+)$/.exec(d)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => b - a);
  for (const recipe of recipes) {
    const platform = `${process.platform}-${process.arch}-`;
    const variants = readdirSync(path.join(dir, `recipe-${recipe}`))
      .filter((d) => d.startsWith(platform))
      .map((d) => d.slice(platform.length))
      .sort((a, b) => rank(a) - rank(b));
    for (const v of variants) {
      const entry = cacheEntry(version, v, recipe);
      if (isIntact(entry)) return entry.bin;
    }
  }
  return null;
}

const rank = (variant: string) => ['default', 'liburing'].indexOf(variant) >>> 0;

/**
 * mediasoup's Node library at `version`, for bare mediasoup with another version's worker:
 * `npm install --ignore-scripts mediasoup@version` once into the cache (its worker comes from
 * the cache, never from its own postinstall).
 */
function mediasoupPackage(version: string): string {
  const prefix = path.join(cacheRoot(), '..', 'mediasoup-node', version);
  const dir = path.join(prefix, 'node_modules', 'mediasoup');
  if (!existsSync(path.join(dir, 'package.json'))) {
    mkdirSync(prefix, { recursive: true });
    execFileSync(
      'npm',
      [
        'install',
        '--prefix',
        prefix,
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--no-save',
        `mediasoup@${version}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: 180_000 },
    );
  }
  return dir;
}
