/**
 * A Parley of its own for one run: `node scripts/start.mjs` (a signalling server and a media
 * node; it builds what is stale first) with a temporary DATA_DIR (embedded PGlite), ports from
 * a given base, plain RTP on for the bots. Started in its own process group, so stop()
 * (SIGTERM, then SIGKILL) reaches the server and the media node too. Its output goes to a log
 * file in the report folder.
 *
 * With `build: false` (PARLEY_SKIP_BUILD=1, as `npm test` sets after building) the two built
 * entry points are started directly, the way start.mjs does, without its `tsc -b` step.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PARLEY_ENV_VARS } from './parleyEnvVars.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface EmbeddedParleyOptions {
  portBase: number;
  meshMax?: number | undefined;
  mediaWorkers?: number | undefined;
  /** SFU_CONSUMER_BUDGET (server default when unset). */
  consumerBudget?: number | undefined;
  logFile: string;
  /** false: start the built entries directly, without start.mjs's build step. */
  build?: boolean;
  /** How long to wait for /health and the media node (default 180 s: the first start may build the client). */
  timeoutMs?: number;
}

export interface EmbeddedParley {
  url: string;
  ports: { http: number; rpc: number; rtc: number };
  /** Root of its process group (start.mjs or the shell that runs server + media node). */
  pid: number;
  stop(): Promise<void>;
}

/**
 * The built server and media node under one `sh` (its own process group): what start.mjs
 * does after its build step. Builds the client bundle first when it is missing.
 */
function spawnBuilt(env: NodeJS.ProcessEnv, log: number, mediaUrl: string): ChildProcess {
  const server = join(REPO_ROOT, 'server', 'dist', 'main.js');
  const media = join(REPO_ROOT, 'media-workers', 'dist', 'main.js');
  for (const entry of [server, media]) {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npx tsc -b\` (or drop PARLEY_SKIP_BUILD)`);
  }
  if (!existsSync(join(REPO_ROOT, 'client', 'dist', 'index.html'))) {
    const built = spawnSync('npm', ['run', '--silent', 'build', '-w', 'client'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', log, log],
    });
    if (built.status !== 0) throw new Error('npm run build -w client failed (see parley.log)');
  }
  const node = JSON.stringify(process.execPath);
  const script = `${node} ${JSON.stringify(media)} & MEDIA_NODE_URLS=${JSON.stringify(mediaUrl)} ${node} ${JSON.stringify(server)} & wait`;
  return spawn('sh', ['-c', script], { cwd: REPO_ROOT, env, stdio: ['ignore', log, log], detached: true });
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** The first `count` consecutive free ports at or after `from` (and below 65535). */
async function freeBlock(from: number, count: number): Promise<number> {
  for (let start = from; start + count < 65_535; start++) {
    let ok = true;
    for (let port = start; port < start + count && ok; port++) ok = await tcpFree(port);
    if (ok) return start;
  }
  throw new Error(`no ${count} free ports from ${from}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function tail(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function startEmbeddedParley(options: EmbeddedParleyOptions): Promise<EmbeddedParley> {
  const workers = options.mediaWorkers ?? availableParallelism();
  const http = await freeBlock(options.portBase, 1);
  const rpc = await freeBlock(http + 1, 1);
  const rtc = await freeBlock(rpc + 1, workers);
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-loadtest-'));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of PARLEY_ENV_VARS) delete env[name];
  Object.assign(env, {
    HOST: '127.0.0.1',
    PORT: String(http),
    DATA_DIR: dataDir,
    MEDIA_RPC_PORT: String(rpc),
    MEDIA_RTC_PORT: String(rtc),
    MEDIA_WORKERS: String(workers),
    SFU_PLAIN_RTP: 'true',
    LOG_LEVEL: 'warn',
    LOGIN_RATE_LIMIT: '100000',
    LOGIN_RATE_LIMIT_PER_IP: '100000',
    // Every client of the run registers from this machine's address.
    REGISTER_RATE_LIMIT: '1000000',
    ...(options.meshMax !== undefined ? { MESH_MAX_PARTICIPANTS: String(options.meshMax) } : {}),
    ...(options.consumerBudget !== undefined ? { SFU_CONSUMER_BUDGET: String(options.consumerBudget) } : {}),
  });
  const log = openSync(options.logFile, 'a');
  const child: ChildProcess =
    options.build === false
      ? spawnBuilt(env, log, `http://127.0.0.1:${rpc}`)
      : spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'start.mjs')], {
          cwd: REPO_ROOT,
          env,
          stdio: ['ignore', log, log],
          detached: true,
        });
  closeSync(log);
  const pid = child.pid!;
  const group = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  };
  const onExit = () => group('SIGKILL');
  process.once('exit', onExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));

  const url = `http://127.0.0.1:${http}`;
  const stop = async () => {
    group('SIGTERM');
    const killed = await Promise.race([exited.then(() => false), sleep(15_000).then(() => true)]);
    if (killed) group('SIGKILL');
    await sleep(200);
    group('SIGKILL'); // the media node or server may outlive start.mjs by a moment
    process.removeListener('exit', onExit);
    rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + (options.timeoutMs ?? 180_000);
    let last = 'no answer';
    let healthy = false;
    while (Date.now() < deadline) {
      if (!running) throw new Error(`the embedded Parley exited during start-up:\n${tail(options.logFile)}`);
      try {
        if (!healthy) {
          const health = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
          healthy = health.status === 200;
          last = `/health answered ${health.status}`;
        }
        if (healthy) {
          const metrics = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) })).text();
          if (/^parley_media_nodes\s+[1-9]/m.test(metrics)) return { url, ports: { http, rpc, rtc }, pid, stop };
          last = 'healthy, but no media node connected';
        }
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
      }
      await sleep(250);
    }
    throw new Error(`the embedded Parley at ${url} was not ready in time (${last}):\n${tail(options.logFile)}`);
  } catch (error) {
    await stop();
    throw error;
  }
}
