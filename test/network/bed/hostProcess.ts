/**
 * Programs running inside a host of the bed (`ip netns exec NS cmd…`, which becomes the program
 * itself, so its pid is the program's), with logs under test-output/logs/, and HTTP requests
 * made from inside a host (the test process, in the machine's namespace, has no route into the
 * bed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LOG_DIR = join(REPO_ROOT, 'test-output', 'logs');

export interface HostProcess {
  name: string;
  pid: number;
  logFile: string;
  exited: Promise<void>;
  isRunning(): boolean;
  logTail(lines?: number): string;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<HostProcess>();

process.once('exit', () => {
  for (const proc of running) {
    try {
      process.kill(proc.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Starts `cmd args…` in namespace `ns` (null: the machine's namespace) with `env`. */
export function startInHost(
  ns: string | null,
  name: string,
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): HostProcess {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, `net-${name}-${Date.now()}.log`);
  const log = createWriteStream(logFile);
  const [file, argv] = ns === null ? [cmd, [...args]] : ['ip', ['netns', 'exec', ns, cmd, ...args]];
  const child: ChildProcess = spawn(file, argv, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => log.end());
  const proc: HostProcess = {
    name,
    pid: child.pid ?? -1,
    logFile,
    exited,
    isRunning: () => child.exitCode === null && child.signalCode === null,
    logTail(lines = 40) {
      try {
        return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
    async stop(graceMs = 5_000) {
      running.delete(proc);
      if (!proc.isRunning()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  running.add(proc);
  return proc;
}

export async function stopAllHostProcesses(): Promise<void> {
  await Promise.allSettled([...running].map((proc) => proc.stop()));
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** GET `url` from inside namespace `ns` (curl); status 0 when nothing answered. */
export function httpGetIn(ns: string, url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const headerArgs = Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
  return new Promise((resolve) => {
    const child = spawn('ip', [
      'netns',
      'exec',
      ns,
      'curl',
      '-s',
      '--max-time',
      '3',
      ...headerArgs,
      '-w',
      '\n%{http_code}',
      url,
    ]);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', () => {
      const cut = out.lastIndexOf('\n');
      resolve({ status: Number(out.slice(cut + 1)) || 0, body: out.slice(0, Math.max(cut, 0)) });
    });
  });
}

/** Polls until `check` returns a truthy value; throws `what` with the last value after `timeoutMs`. */
export async function waitUntil<T>(
  check: () => Promise<T> | T,
  timeoutMs: number,
  what: string,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await check();
      if (last) return last as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what} (not within ${timeoutMs} ms; last: ${String(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
