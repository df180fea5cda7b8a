/**
 * /health names the failing part: a server on its own Redis (killed and restarted by the test)
 * and its own database (dropped by the test). Media nodes never make it fail.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildServer,
  startServerProcess,
  stopAllServerProcesses,
  type ServerProcess,
} from '../support/serverProcess.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { request } from './_http.js';

const REDIS_PORT = 3190;
let redis: ChildProcess | undefined;
let db: TestDatabase;
let server: ServerProcess;

function startRedis(): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve(child);
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${output}`)));
  });
}

async function stopRedis(): Promise<void> {
  const child = redis;
  redis = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function healthUntil(predicate: (status: number) => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await request<{ redis?: string }>(`${server.url}/health`);
    if (predicate(res.status) || Date.now() > deadline) return res;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  buildServer();
  redis = await startRedis();
  db = await createTestDatabase('health');
  server = await startServerProcess({
    name: 'health',
    port: 3131,
    env: {
      DATABASE_URL: db.url,
      REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}`,
      // A media node nobody runs: reported, never a failure.
      MEDIA_NODE_URLS: 'http://127.0.0.1:3199',
    },
  });
});

afterAll(async () => {
  await stopAllServerProcesses();
  await stopRedis();
  await db?.drop();
});

describe('GET /health', () => {
  it('is 200 with every part up, even without a reachable media node', async () => {
    const res = await request<{ media?: unknown }>(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', db: 'ok', redis: 'ok' });
    expect(res.body.media).toEqual(expect.objectContaining({ nodes: expect.any(Number) as unknown }));
  });

  it('is 503 naming redis while Redis is down, and recovers when it is back', async () => {
    await stopRedis();
    const down = await healthUntil((status) => status === 503);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'unavailable', db: 'ok', redis: 'down', failing: ['redis'] });

    redis = await startRedis();
    const back = await healthUntil((status) => status === 200);
    expect(back.status).toBe(200);
    expect(back.body.redis).toBe('ok');
  });

  it('is 503 naming db when the database is gone', async () => {
    await db.drop();
    const res = await healthUntil((status) => status === 503);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'unavailable', db: 'down', redis: 'ok', failing: ['db'] });
  });
});
