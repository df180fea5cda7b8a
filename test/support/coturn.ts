/**
 * Debian's coturn (`turnserver`) for TURN tests: one process on 127.0.0.1 with its own temporary
 * configuration (TURN REST API credentials: use-auth-secret + static-auth-secret, loopback peers
 * allowed so two local peers can relay to each other). Every process started here is tracked so
 * an afterAll (or the test process exiting) stops leftovers; logs go to test-output/logs/.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LOG_DIR = join(REPO_ROOT, 'test-output', 'logs');

export interface CoturnOptions {
  /** The shared secret (TURN_SECRET of the Parley server). */
  secret: string;
  /** Listening port on 127.0.0.1, UDP and TCP (default 3479; Parley's tests use 3478-3480). */
  port?: number;
  /** Relay port range (default 49160-49200). */
  minPort?: number;
  maxPort?: number;
  realm?: string;
  /** How long to wait for the listener (default 10 s). */
  timeoutMs?: number;
}

export interface CoturnProcess {
  pid: number;
  port: number;
  realm: string;
  /** TURN_URLS for a Parley server: UDP and TCP transports on 127.0.0.1. */
  turnUrls: string[];
  logFile: string;
  logTail(lines?: number): string;
  /** SIGTERM (SIGKILL after 5 s); removes the temporary directory. */
  stop(): Promise<void>;
}

const running = new Set<CoturnProcess>();

process.once('exit', () => {
  for (const turn of running) {
    try {
      process.kill(turn.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Stops every coturn process still running (call from afterAll). */
export async function stopAllCoturn(): Promise<void> {
  await Promise.allSettled([...running].map((turn) => turn.stop()));
}

/** Throws the exact install command when Debian's coturn is missing. */
export function requireTurnserver(): string {
  const found = spawnSync('sh', ['-c', 'command -v turnserver'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  if (found.status !== 0 || path === '') {
    throw new Error('coturn is not installed (no `turnserver` on PATH). Install it with: apt-get install -y coturn');
  }
  return path;
}

function coturnConfig(dir: string, o: Required<Omit<CoturnOptions, 'timeoutMs'>>): string {
  return [
    'listening-ip=127.0.0.1',
    'relay-ip=127.0.0.1',
    `listening-port=${o.port}`,
    `min-port=${o.minPort}`,
    `max-port=${o.maxPort}`,
    'use-auth-secret',
    `static-auth-secret=${o.secret}`,
    `realm=${o.realm}`,
    // Both test peers live on 127.0.0.1: relaying between them must be allowed (no denied-peer-ip).
    'allow-loopback-peers',
    'fingerprint',
    'no-cli',
    'no-tls',
    'no-dtls',
    'no-multicast-peers',
    `pidfile=${join(dir, 'turnserver.pid')}`,
    `userdb=${join(dir, 'turndb')}`,
    'log-file=stdout',
    'simple-log',
    'verbose',
    '',
  ].join('\n');
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(500, () => done(false));
  });
}

/** Starts coturn and waits until it accepts connections. */
export async function startCoturn(options: CoturnOptions): Promise<CoturnProcess> {
  const turnserver = requireTurnserver();
  const settings = {
    secret: options.secret,
    port: options.port ?? 3479,
    minPort: options.minPort ?? 49160,
    maxPort: options.maxPort ?? 49200,
    realm: options.realm ?? 'parley.test',
  };
  if (await tcpOpen(settings.port)) throw new Error(`port ${settings.port} is already in use on 127.0.0.1`);
  const dir = mkdtempSync(join(tmpdir(), 'parley-coturn-'));
  const configFile = join(dir, 'turnserver.conf');
  writeFileSync(configFile, coturnConfig(dir, settings), { mode: 0o600 });
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, `coturn-${settings.port}-${Date.now()}.log`);
  const log = createWriteStream(logFile);

  const child = spawn(turnserver, ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = waitForExit(child);
  void exited.then(() => log.end());

  const logTail = (lines = 40) => {
    try {
      return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  };
  const turn: CoturnProcess = {
    pid: child.pid ?? -1,
    port: settings.port,
    realm: settings.realm,
    turnUrls: [`turn:127.0.0.1:${settings.port}?transport=udp`, `turn:127.0.0.1:${settings.port}?transport=tcp`],
    logFile,
    logTail,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(turn);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  running.add(turn);

  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  while (!(await tcpOpen(settings.port))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await turn.stop();
      throw new Error(`coturn did not start listening on 127.0.0.1:${settings.port}:\n${logTail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return turn;
}
