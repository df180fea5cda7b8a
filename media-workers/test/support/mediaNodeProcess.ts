import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const TSC = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));

/** Compiles protocol + media-workers (incremental: quick when nothing changed). */
export function buildMediaWorkers(): void {
  execFileSync(process.execPath, [TSC, '-b', 'media-workers'], { cwd: REPO_ROOT, stdio: 'pipe' });
}

export interface MediaNodeProcess {
  pid: number;
  /** http://127.0.0.1:<MEDIA_RPC_PORT> */
  url: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

const running = new Set<MediaNodeProcess>();

/**
 * Spawns `node media-workers/dist/main.js` with `env` on top of this process's environment and
 * waits until GET /health answers. Every process started here is stopped by stopAllMediaNodes().
 */
export async function startMediaNodeProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<MediaNodeProcess> {
  const port = Number(env.MEDIA_RPC_PORT);
  const child = spawn(process.execPath, [MAIN], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const node: MediaNodeProcess = {
    pid: child.pid ?? -1,
    url: `http://127.0.0.1:${port}`,
    child,
    exited,
    output: () => output,
    async stop(graceMs = 10_000) {
      running.delete(node);
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const { code } = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  running.add(node);

  const deadline = Date.now() + timeoutMs;
  let done = false;
  void exited.then(() => (done = true));
  while (Date.now() < deadline) {
    if (done) {
      running.delete(node);
      throw new Error(`media node exited during start:\n${output}`);
    }
    try {
      const res = await fetch(`${node.url}/health`);
      if (res.ok) return node;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await node.stop(1000);
  throw new Error(`media node did not become healthy in ${timeoutMs} ms:\n${output}`);
}

export async function stopAllMediaNodes(): Promise<void> {
  await Promise.all([...running].map((n) => n.stop(5_000)));
}

/** Polls `check` until it returns a truthy value or the time is up. */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
