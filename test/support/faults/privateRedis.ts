/**
 * A redis-server of a test's own, on a free port, that the test may restart, pause or kill
 * without touching the machine's shared Redis. Like the compose file and this machine, it keeps
 * nothing on disk, so a restart comes back empty.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from '../serverProcess.js';

export interface PrivateRedis {
  port: number;
  url: string;
  /** Stops it (SIGKILL: no save) and starts it again, empty, on the same port. */
  restart(downMs?: number): Promise<void>;
  /** SIGSTOP: connections stay open and nothing answers (a hung Redis). */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  stop(): Promise<void>;
}

function startProcess(port: number): ChildProcess {
  return spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'],
    { stdio: 'ignore' },
  );
}

async function waitForPing(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`private redis-server at ${url} did not answer: ${String(error)}`, { cause: error });
    } finally {
      client.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child = startProcess(port);
  running.add(child);
  await waitForPing(url);
  return {
    port,
    url,
    async restart(downMs = 0) {
      running.delete(child);
      child.kill('SIGCONT');
      await killAndWait(child);
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      child = startProcess(port);
      running.add(child);
      await waitForPing(url);
    },
    pause() {
      child.kill('SIGSTOP');
    },
    resume() {
      child.kill('SIGCONT');
    },
    async stop() {
      running.delete(child);
      child.kill('SIGCONT');
      await killAndWait(child);
    },
  };
}
