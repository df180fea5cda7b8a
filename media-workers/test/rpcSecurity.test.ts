/**
 * The media node's RPC and /health as an attacker meets them: a browser page (any request with an
 * `Origin` header) is refused even with the right secret, on both transports; a wrong secret is
 * refused; /health tells internals, and /metrics anything, only to MEDIA_SECRET holders.
 * Without MEDIA_SECRET, the node and a server of the same DATA_DIR share a generated secret (no
 * fixed development string), and a server ignores a node registered in Redis under a public URL
 * (it would send it the secret).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MEDIA_RPC_PATH, mediaNodeRedisKey } from '@parley/protocol/internal';
import { Redis } from 'ioredis';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, freePort, startServerProcess, stopAllServerProcesses } from '../../test/support/serverProcess.js';
import { TEST_REDIS_URL, clearRedisPrefix, freshRedisPrefix } from '../../test/support/testDatabase.js';
import {
  buildMediaWorkers,
  startMediaNodeProcess,
  stopAllMediaNodes,
  waitFor,
  type MediaNodeProcess,
} from '../../test/support/mediaNodeProcess.js';

const secret = randomBytes(16).toString('hex');
let node: MediaNodeProcess;
const dataDir = mkdtempSync(join(tmpdir(), 'parley-media-secret-'));
const redisPrefix = freshRedisPrefix('rpcsec');

beforeAll(async () => {
  buildMediaWorkers();
  node = await startMediaNodeProcess({
    MEDIA_WORKERS: '1',
    MEDIA_RTC_PORT: '41400',
    MEDIA_RPC_PORT: String(await freePort()),
    MEDIA_SECRET: secret,
  });
});

afterAll(async () => {
  await stopAllServerProcesses();
  await stopAllMediaNodes();
  await clearRedisPrefix(redisPrefix);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Connects to a node's RPC; resolves with the outcome (never reconnects). */
function rpcConnect(
  url: string,
  options: { secret: string; origin?: string; transport?: 'websocket' | 'polling' },
): Promise<{ connected: boolean; message?: string }> {
  const socket = connect(url, {
    path: MEDIA_RPC_PATH,
    auth: { secret: options.secret },
    transports: [options.transport ?? 'websocket'],
    ...(options.origin ? { extraHeaders: { origin: options.origin } } : {}),
    reconnection: false,
    forceNew: true,
    timeout: 10_000,
  });
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.disconnect();
      resolve({ connected: true });
    });
    socket.once('connect_error', (error) => {
      socket.disconnect();
      resolve({ connected: false, message: error.message });
    });
  });
}

describe('media RPC handshakes', () => {
  for (const transport of ['websocket', 'polling'] as const) {
    it(`refuses a request with an Origin header over ${transport}, even with the right secret`, async () => {
      expect(await rpcConnect(node.url, { secret, transport })).toEqual({ connected: true });
      for (const origin of ['http://evil.example', 'http://localhost:3000', 'null']) {
        const refused = await rpcConnect(node.url, { secret, origin, transport });
        expect(refused.connected, origin).toBe(false);
      }
    });
  }

  it('refuses a wrong secret, and the old fixed development secret', async () => {
    for (const wrong of ['not-the-secret', 'parley-dev-media-secret', `${secret}x`, '']) {
      expect(await rpcConnect(node.url, { secret: wrong })).toEqual({ connected: false, message: 'unauthorized' });
    }
  });
});

describe('media node /health', () => {
  it('says only "ok" without the secret, and shows workers to MEDIA_SECRET holders', async () => {
    const anonymous = await fetch(`${node.url}/health`);
    expect(anonymous.status).toBe(200);
    expect(await anonymous.json()).toEqual({ status: 'ok' });
    const wrong = await fetch(`${node.url}/health`, { headers: { authorization: 'Bearer nope' } });
    expect(await wrong.json()).toEqual({ status: 'ok' });
    const insider = await fetch(`${node.url}/health`, { headers: { authorization: `Bearer ${secret}` } });
    const body = (await insider.json()) as { status: string; workers: Array<{ pid: number }> };
    expect(body.status).toBe('ok');
    expect(body.workers).toHaveLength(1);
    expect(body.workers[0]!.pid).toBeGreaterThan(0);
  });

  it('serves /metrics to MEDIA_SECRET holders only', async () => {
    expect((await fetch(`${node.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${node.url}/metrics`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    const insider = await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${secret}` } });
    expect(insider.status).toBe(200);
    const text = await insider.text();
    for (const name of [
      'parley_media_rpc_queued',
      'parley_media_worker_sample_seconds_count',
      'nodejs_eventloop_lag_p99_seconds',
    ])
      expect(text).toMatch(new RegExp(`^${name}`, 'm'));
  });
});

describe('the development secret', () => {
  it('is generated per DATA_DIR and shared by the media node and the server of that DATA_DIR', async () => {
    buildServer();
    const devNode = await startMediaNodeProcess({
      MEDIA_WORKERS: '1',
      MEDIA_RTC_PORT: '41410',
      MEDIA_RPC_PORT: String(await freePort()),
      MEDIA_SECRET: '',
      DATA_DIR: dataDir,
    });
    const generated = readFileSync(join(dataDir, 'media-secret'), 'utf8').trim();
    expect(generated.length).toBeGreaterThanOrEqual(32);
    expect(await rpcConnect(devNode.url, { secret: generated })).toEqual({ connected: true });
    expect((await rpcConnect(devNode.url, { secret: 'parley-dev-media-secret' })).connected).toBe(false);

    // A server on the same DATA_DIR (as `npm start` runs them) uses the same secret.
    const server = await startServerProcess({
      name: 'rpcsec',
      env: {
        DATA_DIR: dataDir,
        MEDIA_SECRET: undefined,
        MEDIA_NODE_URLS: devNode.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: redisPrefix,
      },
    });
    await waitFor(
      async () => {
        const health = (await (await fetch(`${server.url}/health`)).json()) as { media: { connected: number } };
        return health.media.connected === 1;
      },
      20_000,
      'the server to connect to the media node with the generated secret',
    );

    // A node registered in Redis under a public address is ignored: no secret goes there.
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const registration = {
        id: 'rogue',
        url: 'http://203.0.113.9:4000',
        load: [],
        startedAt: new Date().toISOString(),
      };
      await redis.set(mediaNodeRedisKey(redisPrefix, 'rogue'), JSON.stringify(registration), 'PX', 60_000);
      await waitFor(
        () => server.logTail(200).includes('media node registration ignored'),
        15_000,
        'the server to log the ignored registration',
      );
      const health = (await (await fetch(`${server.url}/health`)).json()) as { media: { nodes: number } };
      expect(health.media.nodes).toBe(1);
    } finally {
      redis.disconnect();
    }
  });
});
