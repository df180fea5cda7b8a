import { version } from 'mediasoup';
import { cacheEntry, isIntact } from '../../media-workers/build/lib/worker-cache.mjs';
import type { WorkerVariant } from './types.js';

export function mediasoupVersion(): string {
  return version;
}

export type LocatedBinary = { variant: WorkerVariant; bin: string } | { variant: WorkerVariant; missing: string };

/**
 * The worker builds of the per-machine cache that `npm install` fills
 * (media-workers/build/lib/worker-cache.mjs): io_uring on and off.
 */
export function locateWorkerBinary(version: string, variant: WorkerVariant): LocatedBinary {
  const entry = cacheEntry(version, variant === 'liburing');
  if (isIntact(entry)) return { variant, bin: entry.bin };
  const flag = variant === 'liburing' ? '1' : '0';
  return {
    variant,
    missing:
      `no intact ${entry.variant} build in ${entry.dir}; build it with ` +
      `\`MEDIASOUP_LIBURING=${flag} node media-workers/build/provide-worker.mjs\` (about 4 min of 2 cores; it also ` +
      `installs that build into node_modules/mediasoup, so run \`node media-workers/build/provide-worker.mjs\` afterwards to put the default back)`,
  };
}
