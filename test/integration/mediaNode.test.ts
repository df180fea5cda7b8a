import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { MEDIA_RPC_PATH, type MediaNotification } from '@parley/protocol/internal';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMediaCluster, type MediaCluster } from '../../server/src/media/MediaCluster.js';
import { MediaRpcError, type MediaNodeClient } from '../../server/src/media/MediaNodeClient.js';
import { registerMediaMetrics } from '../../server/src/media/mediaMetrics.js';
import {
  buildMediaWorkers,
  REPO_ROOT,
  startMediaNodeProcess,
  stopAllMediaNodes,
  waitFor,
  type MediaNodeProcess,
} from '../support/mediaNodeProcess.js';

const RPC_PORT = 4101;
const RTC_PORT = 41200;
const secret = randomBytes(16).toString('hex');
const nodeId = `test-node-${randomBytes(3).toString('hex')}`;
const logger = pino({ level: 'silent' });

describe('media node process', () => {
  let node: MediaNodeProcess;
  let cluster: MediaCluster;
  let client: MediaNodeClient;
  const notifications: MediaNotification[] = [];

  beforeAll(async () => {
    buildMediaWorkers();
    node = await startMediaNodeProcess({
      MEDIA_WORKERS: '2',
      MEDIA_RTC_PORT: String(RTC_PORT),
      MEDIA_RPC_PORT: String(RPC_PORT),
      MEDIA_NODE_ID: nodeId,
      MEDIA_SECRET: secret,
      // Loopback only: unset, a development node also listens on the host's external address.
      MEDIA_LISTEN_IP: '127.0.0.1',
    });
    cluster = createMediaCluster({ redis: null, staticUrls: [node.url], secret, logger, intervalMs: 500 });
    cluster.onNotification((_id, n) => notifications.push(n));
    await cluster.start();
    await waitFor(() => cluster.nodes()[0]?.workers.length === 2, 15_000, 'the node to report its workers');
    client = cluster.client(nodeId)!;
  });

  afterAll(async () => {
    await cluster?.stop();
    await stopAllMediaNodes();
  });

  it('is discovered from its static URL, connected, with its id and one load entry per worker', () => {
    const [summary] = cluster.nodes();
    expect(summary).toMatchObject({ id: nodeId, url: node.url, connected: true });
    expect(summary?.workers.map((w) => w.index)).toEqual([0, 1]);
    expect(cluster.client(node.url)).toBe(client);
  });

  it('answers getLoad', async () => {
    const load = await client.request('getLoad', {});
    expect(load.nodeId).toBe(nodeId);
    expect(load.url).toBe(node.url);
    expect(load.workers).toHaveLength(2);
    for (const w of load.workers) {
      expect(w.pid).toBeGreaterThan(0);
      expect(w.cpu).toBeGreaterThanOrEqual(0);
    }
  });

  it('creates a router per meeting and returns its RTP capabilities', async () => {
    const caps = await client.request('getRouterRtpCapabilities', { meetingId: 'm-1' });
    const mimeTypes = (caps.rtpCapabilities.codecs ?? []).map((c) => c.mimeType);
    expect(mimeTypes).toEqual(expect.arrayContaining(['audio/opus', 'video/VP8', 'video/H264']));
    const again = await client.request('getRouterRtpCapabilities', { meetingId: 'm-1' });
    expect(again.workerIndex).toBe(caps.workerIndex);
  });

  it('creates a WebRtcTransport on the worker port with ICE and DTLS parameters', async () => {
    const { workerIndex } = await client.request('getRouterRtpCapabilities', { meetingId: 'm-1' });
    const t = await client.request('createWebRtcTransport', { meetingId: 'm-1', peerId: 'peer-1', direction: 'recv' });
    expect(t.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(t.iceParameters.usernameFragment.length).toBeGreaterThan(0);
    expect(t.iceCandidates.map((c) => [c.protocol, c.address, c.port]).sort()).toEqual([
      ['tcp', '127.0.0.1', RTC_PORT + workerIndex],
      ['udp', '127.0.0.1', RTC_PORT + workerIndex],
    ]);
    expect(t.dtlsParameters.fingerprints.map((f) => f.algorithm)).toContain('sha-256');
    const load = await client.request('getLoad', {});
    expect(load.workers[workerIndex]).toMatchObject({ routers: 1, transports: 1 });
  });

  it('answers bad payloads with bad_request and keeps serving', async () => {
    await expect(client.request('getRouterRtpCapabilities', { meetingId: '' })).rejects.toMatchObject({
      code: 'bad_request',
      field: 'params.meetingId',
    });
    await expect(
      client.request('createWebRtcTransport', { meetingId: 'm-1', enableUdp: 'yes' } as never),
    ).rejects.toBeInstanceOf(MediaRpcError);

    // Raw requests: unknown method, no envelope, no ack (ignored), a huge string.
    const raw = connect(node.url, { path: MEDIA_RPC_PATH, auth: { secret }, transports: ['websocket'] });
    try {
      const unknown: unknown = await raw.timeout(5000).emitWithAck('rpc', { method: 'rmRf', params: {} });
      expect(unknown).toMatchObject({ ok: false, error: { code: 'bad_request', field: 'method' } });
      const notObject: unknown = await raw.timeout(5000).emitWithAck('rpc', 42);
      expect(notObject).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      const noPayload: unknown = await raw.timeout(5000).emitWithAck('rpc');
      expect(noPayload).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      raw.emit('rpc', { method: 'getLoad' }); // no ack: nothing to answer, nothing breaks
      const huge: unknown = await raw
        .timeout(5000)
        .emitWithAck('rpc', { method: 'closeRouter', params: { meetingId: 'x'.repeat(500_000) } });
      expect(huge).toMatchObject({ ok: false, error: { code: 'bad_request', field: 'params.meetingId' } });
    } finally {
      raw.close();
    }
    expect((await client.request('getLoad', {})).nodeId).toBe(nodeId);
    expect(node.child.exitCode).toBeNull();
  });

  it('refuses a connection with the wrong secret', async () => {
    const intruder = connect(node.url, {
      path: MEDIA_RPC_PATH,
      auth: { secret: 'wrong-secret' },
      transports: ['websocket'],
    });
    try {
      const message = await new Promise<string>((resolve) => intruder.once('connect_error', (e) => resolve(e.message)));
      expect(message).toBe('unauthorized');
      expect(intruder.connected).toBe(false);
    } finally {
      intruder.close();
    }
  });

  it('exposes the media gauges through registerMediaMetrics', async () => {
    const registry = new Registry();
    registerMediaMetrics(registry, cluster);
    await waitFor(() => cluster.nodes()[0]?.workers.some((w) => w.routers > 0), 5_000, 'a polled router count');
    const text = await registry.metrics();
    expect(text).toMatch(/^parley_media_nodes 1$/m);
    for (const name of ['parley_media_worker_cpu', 'parley_media_consumers', 'parley_media_producers']) {
      expect(text).toContain(`${name}{node="${nodeId}",worker="0"}`);
      expect(text).toContain(`${name}{node="${nodeId}",worker="1"}`);
    }
    expect(text).toMatch(new RegExp(`^parley_media_routers\\{node="${nodeId}",worker="\\d"\\} 1$`, 'm'));
  });

  it('closes a meeting router', async () => {
    await client.request('getRouterRtpCapabilities', { meetingId: 'm-close' });
    expect(await client.request('closeRouter', { meetingId: 'm-close' })).toEqual({ closed: true });
    expect(await client.request('closeRouter', { meetingId: 'm-close' })).toEqual({ closed: false });
  });

  it('replaces a killed worker, notifies the servers with the lost meetings, and keeps serving', async () => {
    const { workerIndex } = await client.request('getRouterRtpCapabilities', { meetingId: 'm-1' });
    const before = await client.request('getLoad', {});
    const victimPid = before.workers[workerIndex]!.pid;
    process.kill(victimPid, 'SIGKILL');

    const died = await waitFor(() => notifications.find((n) => n.event === 'workerDied'), 10_000, 'workerDied');
    expect(died.data).toMatchObject({ nodeId, workerIndex, pid: victimPid });
    expect(died.event === 'workerDied' && died.data.meetingIds).toContain('m-1');
    await waitFor(() => notifications.find((n) => n.event === 'workerReplaced'), 10_000, 'workerReplaced');

    const after = await client.request('getLoad', {});
    expect(after.workers).toHaveLength(2);
    const replacement = after.workers.find((w) => w.index === workerIndex)!;
    expect(replacement.pid).not.toBe(victimPid);
    expect(replacement.routers).toBe(0);

    const t = await client.request('createWebRtcTransport', { meetingId: 'm-1' });
    expect(t.iceCandidates.length).toBe(2);
  });

  it('stops with exit code 0 on SIGTERM', async () => {
    expect(await node.stop()).toBe(0);
    await waitFor(() => cluster.nodes()[0]?.connected === false, 5_000, 'the client to see the node gone');
    await expect(client.request('getLoad', {})).rejects.toMatchObject({ code: 'unavailable' });
  });
});

describe('media node configuration', () => {
  it('exits with one line naming a bad variable', () => {
    buildMediaWorkers();
    const run = spawnSync(process.execPath, ['media-workers/dist/main.js'], {
      cwd: REPO_ROOT,
      env: { ...process.env, MEDIA_RTC_PORT: 'abc' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'Invalid configuration: MEDIA_RTC_PORT must be an integer 1-65535 (got "abc")',
    ]);
  });

  it('requires MEDIA_SECRET in production', () => {
    const run = spawnSync(process.execPath, ['media-workers/dist/main.js'], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_ENV: 'production', MEDIA_SECRET: '' },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('MEDIA_SECRET is required');
  });
});
