/**
 * Parley signalling servers as real, separate processes (`node server/dist/main.js`) for
 * integration tests. Every process started here is tracked so an afterAll (or the test
 * process exiting) can stop leftovers; logs go to test-output/logs/.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PARLEY_ENV_VARS } from '../../loadtest/src/server/parleyEnvVars.js';
import { TEST_MEDIA_SECRET } from './mediaNodeProcess.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SERVER_ENTRY = join(REPO_ROOT, 'server', 'dist', 'main.js');
export const LOG_DIR = join(REPO_ROOT, 'test-output', 'logs');

export type Env = Record<string, string | undefined>;

export interface StartServerOptions {
  /** Added to (or, with undefined values, removed from) the defaults below. */
  env?: Env;
  /** Default: a free port chosen by the OS. */
  port?: number;
  /** Names the log file. */
  name?: string;
  /** How long to wait for /health to answer 200 (default 30 s). */
  timeoutMs?: number;
}

export interface ServerProcess {
  url: string;
  port: number;
  pid: number;
  dataDir: string;
  logFile: string;
  /** SIGTERM, wait for exit (SIGKILL after 15 s); resolves to the exit code (null if killed). */
  stop(): Promise<number | null>;
  /** SIGKILL at once, like a crash; resolves when the process is gone. */
  kill(): Promise<void>;
  /** The last lines of its log. */
  logTail(lines?: number): string;
}

const running = new Set<ServerProcess>();

process.once('exit', () => {
  for (const server of running) {
    try {
      process.kill(server.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Stops every server process still running (call from afterAll). */
export async function stopAllServerProcesses(): Promise<void> {
  await Promise.allSettled([...running].map((server) => server.stop()));
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** The first port in [first, last] that nobody listens on (keeps parallel suites apart). */
export async function portInRange(first: number, last: number): Promise<number> {
  for (let port = first; port <= last; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${first}-${last}`);
}

let built = false;

/**
 * Compiles server/ (and protocol/) with `tsc -b` once per test process, so tests run the
 * current sources. PARLEY_SKIP_BUILD=1 skips it (e.g. when `npm test` has just built).
 */
export function buildServer(): void {
  if (built || process.env.PARLEY_SKIP_BUILD === '1') return;
  const tsc = join(REPO_ROOT, 'node_modules', '.bin', 'tsc');
  const result = spawnSync(tsc, ['-b', 'server'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (result.status !== 0) {
    const output = `${result.stdout}${result.stderr}`;
    // tsc still emits on type errors; a missing entry point is the only hard stop here
    // (`npm test` type-checks the whole tree before the suite runs).
    if (!existsSync(SERVER_ENTRY)) throw new Error(`tsc -b server failed:\n${output}`);
    console.warn(
      `[serverProcess] tsc -b server reported errors (running the emitted build anyway):\n${output.split('\n').slice(0, 15).join('\n')}`,
    );
  }
  built = true;
}

/** The environment of a test server: the parent's, minus Parley variables, plus test defaults. */
export function serverEnv(port: number | undefined, dataDir: string, extra: Env = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of PARLEY_ENV_VARS) delete env[name];
  Object.assign(env, {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    // Every test file registers its users from 127.0.0.1; tests of this limit set their own.
    REGISTER_RATE_LIMIT: '1000000',
    // The secret of test media nodes (a test that sets MEDIA_SECRET, or removes it, wins).
    MEDIA_SECRET: TEST_MEDIA_SECRET,
  });
  if (port !== undefined) env.PORT = String(port);
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number, tail: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${tail()}`);
    }
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return;
      last = `HTTP ${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server at ${url} not healthy after ${timeoutMs} ms (last: ${last}):\n${tail()}`);
}

/**
 * Spawns `node server/dist/main.js` with its own temporary DATA_DIR and waits until /health
 * answers 200. Build first (buildServer()). `options.port` is taken when free; when something
 * else holds it (test ports sit in Linux's ephemeral range, where any outgoing connection may
 * take one), or the start loses the port in a race (EADDRINUSE), the server gets a port from the
 * OS instead (3 tries): read `server.url`/`server.port`, not the asked port.
 */
export async function startServerProcess(options: StartServerOptions = {}): Promise<ServerProcess> {
  if (!existsSync(SERVER_ENTRY)) throw new Error(`${SERVER_ENTRY} is missing: run \`npx tsc -b\` first`);
  for (let retry = 0; ; retry++) {
    const asked = retry === 0 ? options.port : undefined;
    const askedFree = asked !== undefined && (await portInRange(asked, asked).catch(() => null)) === asked;
    try {
      return await spawnServer(options, askedFree ? asked : await freePort());
    } catch (error) {
      if (!(error instanceof Error && error.message.includes('EADDRINUSE')) || retry >= 2) throw error;
    }
  }
}

async function spawnServer(options: StartServerOptions, port: number): Promise<ServerProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-server-'));
  mkdirSync(LOG_DIR, { recursive: true });
  const name = (options.name ?? 'server').replace(/[^\w.-]/g, '_');
  const logFile = join(LOG_DIR, `${name}-${port}-${Date.now()}.log`);
  const log = createWriteStream(logFile);

  const child = spawn(process.execPath, [SERVER_ENTRY], {
    cwd: REPO_ROOT,
    env: serverEnv(port, dataDir, options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = waitForExit(child);
  void exited.then(() => log.end());

  const logTail = (lines = 30) => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  const finish = async () => {
    await exited;
    running.delete(server);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const server: ServerProcess = {
    url: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid ?? -1,
    dataDir,
    logFile,
    logTail,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      await finish();
      return child.exitCode;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await finish();
    },
  };
  running.add(server);

  try {
    await waitForHealth(server.url, child, options.timeoutMs ?? 30_000, logTail);
  } catch (error) {
    await server.kill();
    throw error;
  }
  return server;
}

export interface CommandResult {
  code: number | null;
  output: string;
}

/**
 * Runs `node server/dist/main.js <args>` to completion (e.g. `--migrate-only`, or a bad
 * configuration) and returns its exit code and combined output.
 */
export async function runServerCommand(args: string[], env: Env = {}, timeoutMs = 30_000): Promise<CommandResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-cmd-'));
  const child = spawn(process.execPath, [SERVER_ENTRY, ...args], {
    cwd: REPO_ROOT,
    env: serverEnv(undefined, dataDir, env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await waitForExit(child);
  clearTimeout(timer);
  rmSync(dataDir, { recursive: true, force: true });
  return { code, output };
}

/** Waits until the server at `url` sees a media node with live workers (its `/health`). */
export async function waitForMediaNode(url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const health = (await (await fetch(`${url}/health`)).json()) as {
        media?: { load?: Array<{ workers?: number }> };
      };
      if ((health.media?.load?.[0]?.workers ?? 0) > 0) return;
      last = JSON.stringify(health.media);
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the server at ${url} did not see a media node within ${timeoutMs} ms (last: ${last})`);
}
