import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../media-workers/dist/main.js', import.meta.url));
const TSC = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));

/** Compiles protocol + media-workers (incremental: quick when nothing changed). */
export function buildMediaWorkers(): void {
  execFileSync(process.execPath, [TSC, '-b', 'media-workers'], { cwd: REPO_ROOT, stdio: 'pipe' });
}

export interface MediaNodeProcess {
  pid: number;
  /** http://127.0.0.1:<MEDIA_RPC_PORT> */
  url: string;
  /** The MEDIA_RTC_PORT it runs with (moved up when the asked one was busy), null if unset. */
  rtcPort: number | null;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
  /**
   * Stops the node now: SIGTERM (which drains: the node exits at once when it holds no client
   * transport), a second SIGTERM 300 ms later if it is still draining (which stops it), SIGKILL
   * after `graceMs`; resolves with the exit code.
   */
  stop(graceMs?: number): Promise<number | null>;
}

const running = new Set<MediaNodeProcess>();

/** True when `port` can be bound on 127.0.0.1 for both TCP and UDP right now. */
async function portFree(port: number): Promise<boolean> {
  const tcp = await new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
  if (!tcp) return false;
  return new Promise<boolean>((resolve) => {
    const probe = createSocket('udp4');
    probe.once('error', () => resolve(false));
    probe.bind(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/**
 * The first base from `wanted` (within 200 ports) whose `count` ports are all free: test
 * ports sit inside Linux's ephemeral range (32768-60999), where an outgoing connection of any
 * process may hold one for a while.
 */
async function freeRtcBase(wanted: number, count: number): Promise<number> {
  for (let base = wanted; base < wanted + 200; base += count) {
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await portFree(base + i);
    if (ok) return base;
  }
  throw new Error(`no ${count} free RTC ports from ${wanted}`);
}

/**
 * The MEDIA_SECRET every test media node and test server share unless a test sets its own: without
 * it each would generate one in its own DATA_DIR and the server could not talk to the node.
 */
export const TEST_MEDIA_SECRET = 'parley-test-media-secret';

/** A port the OS hands out for listening on 127.0.0.1 right now (TCP and UDP free). */
async function osFreePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const probe = createServer();
      probe.once('error', reject);
      probe.listen(0, '127.0.0.1', () => {
        const { port: given } = probe.address() as { port: number };
        probe.close(() => resolve(given));
      });
    });
    if (await portFree(port)) return port;
  }
}

/**
 * The ports a start tries: MEDIA_RPC_PORT as asked unless something holds it (then one the OS
 * hands out), MEDIA_RTC_PORT moved up past busy ports. After a start lost a race for a port
 * (EADDRINUSE: an outgoing connection of any process took it between the check and the bind),
 * `retry` picks both afresh. A caller's MEDIA_PUBLIC_URL pins the RPC port.
 */
async function portsFor(env: Record<string, string>, retry: number): Promise<Record<string, string>> {
  const next = { ...env };
  const rpc = Number(env.MEDIA_RPC_PORT);
  if (/^\d+$/.test(env.MEDIA_RPC_PORT ?? '') && !env.MEDIA_PUBLIC_URL && (retry > 0 || !(await portFree(rpc)))) {
    next.MEDIA_RPC_PORT = String(await osFreePort());
  }
  if (env.MEDIA_RTC_PORT && /^\d+$/.test(env.MEDIA_RTC_PORT)) {
    const count = Number(env.MEDIA_WORKERS ?? 1) || 1;
    next.MEDIA_RTC_PORT = String(await freeRtcBase(Number(env.MEDIA_RTC_PORT) + retry * 7 * count, count));
  }
  return next;
}

/**
 * Spawns `node media-workers/dist/main.js` with `env` on top of this process's environment and
 * waits until GET /health answers; `node.url` and `node.rtcPort` are the ports it got. A start
 * that fails on a port taken by somebody else is tried again on other ports (3 tries). Every
 * process started here is stopped by stopAllMediaNodes().
 */
export async function startMediaNodeProcess(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<MediaNodeProcess> {
  for (let retry = 0; ; retry++) {
    try {
      return await spawnMediaNode(await portsFor(env, retry), timeoutMs);
    } catch (error) {
      const lostPortRace = error instanceof Error && error.message.includes('EADDRINUSE');
      if (!lostPortRace || retry >= 2) throw error;
    }
  }
}

async function spawnMediaNode(env: Record<string, string>, timeoutMs: number): Promise<MediaNodeProcess> {
  const port = Number(env.MEDIA_RPC_PORT);
  const child = spawn(process.execPath, [MAIN], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'info', MEDIA_SECRET: TEST_MEDIA_SECRET, ...env },
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
    rtcPort: env.MEDIA_RTC_PORT ? Number(env.MEDIA_RTC_PORT) : null,
    child,
    exited,
    output: () => output,
    async stop(graceMs = 10_000) {
      running.delete(node);
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const again = setTimeout(() => child.kill('SIGTERM'), 300);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const { code } = await exited;
      clearTimeout(again);
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
export async function waitFor<T>(
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `timed out waiting for ${what}${last ? `: ${last instanceof Error ? last.message : inspect(last)}` : ''}`,
  );
}
