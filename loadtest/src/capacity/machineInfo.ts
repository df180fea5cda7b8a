/**
 * What a calibration was measured on: CPU model and cores, Node, and which mediasoup worker
 * binary (matched by checksum against the worker cache's meta.json, see
 * media-workers/build/lib/worker-cache.mjs).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

export const WorkerBinarySchema = z.object({
  path: z.string(),
  sha256: z.string().nullable(),
  /** e.g. `3.32.2 build recipe-4 linux-x64-default`, or `unknown` when not in the cache. */
  variant: z.string(),
});

export const MachineInfoSchema = z.object({
  cpuModel: z.string(),
  cores: z.number().int().positive(),
  hostname: z.string(),
  node: z.string(),
  worker: WorkerBinarySchema,
});

export type MachineInfo = z.infer<typeof MachineInfoSchema>;

function defaultWorkerPath(): string {
  if (process.env.MEDIASOUP_WORKER_BIN) return process.env.MEDIASOUP_WORKER_BIN;
  return path.resolve('node_modules/mediasoup/worker/out/Release/mediasoup-worker');
}

function cacheRoot(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'parley', 'mediasoup-worker');
}

/** meta.json files under the worker cache (version/recipe/variant/meta.json). */
function cacheMetas(): Array<{ dir: string; meta: Record<string, unknown> }> {
  const found: Array<{ dir: string; meta: Record<string, unknown> }> = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 3 || !existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (name === 'meta.json') {
        try {
          found.push({ dir, meta: JSON.parse(readFileSync(full, 'utf8')) as Record<string, unknown> });
        } catch {
          // a damaged entry tells us nothing
        }
      } else if (statSync(full).isDirectory()) walk(full, depth + 1);
    }
  };
  walk(cacheRoot(), 0);
  return found;
}

export function describeWorkerBinary(binPath = defaultWorkerPath()): z.infer<typeof WorkerBinarySchema> {
  if (!existsSync(binPath)) return { path: binPath, sha256: null, variant: 'missing' };
  const sha256 = createHash('sha256').update(readFileSync(binPath)).digest('hex');
  const hit = cacheMetas().find((m) => m.meta.sha256 === sha256);
  if (!hit) return { path: binPath, sha256, variant: 'unknown (not in the worker cache: prebuilt or custom)' };
  const m = hit.meta;
  const variant = `${String(m.mediasoupVersion)} ${String(m.source)} recipe-${String(m.buildRecipe)} ${path.basename(hit.dir)}`;
  return { path: binPath, sha256, variant };
}

export function machineInfo(workerPath?: string): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: Math.max(1, cpus.length),
    hostname: os.hostname(),
    node: process.version,
    worker: describeWorkerBinary(workerPath),
  };
}
