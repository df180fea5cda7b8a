import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import {
  buildMediaWorkers,
  startMediaNodeProcess,
  stopAllMediaNodes,
  waitFor,
} from '../../test/support/mediaNodeProcess.js';
import {
  waitForMediaNode,
  buildServer,
  startServerProcess,
  stopAllServerProcesses,
  type ServerProcess,
} from '../../test/support/serverProcess.js';
import {
  TEST_REDIS_URL,
  clearRedisPrefix,
  createTestDatabase,
  freshRedisPrefix,
  type TestDatabase,
} from '../../test/support/testDatabase.js';
import type { ClientSpec } from '../src/clientTypes.js';
import type { BotClient } from '../src/bots/BotClient.js';
import { createBot, createBotShared, type BotShared } from '../src/bots/index.js';
import { tileClassFor, type TileMix } from '../src/bots/tilePlan.js';

/**
 * Simulcast RTP bots against a real server and media node (2 workers): one sender in 3 layers
 * (960x540@24 → 240x136, 480x270, 960x540) and three plain-RTP receivers whose tiles ask for a
 * different layer each (sfu:report_tiles: 180, 360 and 540 px). Each receiver gets its layer's
 * pictures (the VP8 keyframes' size) at the sent frame rate. SFU_CONSUMER_BUDGET=3 puts the third
 * receiver's plain transport on a router of the other worker (the producers piped there).
 * Ports: server 57502, media RPC 57530, RTC 57540-57541, bots' UDP 57600-57619.
 */
const VIDEO = { width: 960, height: 540, fps: 24 };
const PASSWORD = 'correct horse battery';
/** Receiver 1 → small tiles (layer 0), 2 → medium (layer 1), 3 → one large tile (layer 2). */
const MIX: TileMix = { medium: 0.5, large: 0.34 };
const LAYER_SIZES = [
  { width: 240, height: 136 },
  { width: 480, height: 270 },
  { width: 960, height: 540 },
];
let server: ServerProcess;
let db: TestDatabase;
let prefix: string;
let shared: BotShared;
const sockets: Socket[] = [];
let meetingId: string;
const bots: BotClient[] = [];

async function api(path: string, body: unknown, token?: string): Promise<{ token: string; meeting: { id: string } }> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { token: string; meeting: { id: string } };
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const spec = (n: number, role: ClientSpec['role'], index: number): ClientSpec => ({
  id: `m1-bot-${role}-${index}`,
  kind: 'bot',
  role,
  index,
  baseUrl: server.url,
  meetingId,
  email: `sim${n}_${prefix
    .replace(/[^a-z0-9]/gi, '')
    .slice(-8)
    .toLowerCase()}@load.test`,
  password: PASSWORD,
  video: VIDEO,
});

async function mediaRouters(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const lines = text.split('\n').filter((l) => /^parley_media_routers[ {]/.test(l));
  return lines.reduce((n, l) => n + Number(l.split(' ').pop()), 0);
}

beforeAll(async () => {
  buildServer();
  buildMediaWorkers();
  prefix = freshRedisPrefix('botsim');
  db = await createTestDatabase('botsim');
  const node = await startMediaNodeProcess({
    MEDIA_WORKERS: '2',
    MEDIA_RPC_PORT: '57530',
    MEDIA_RTC_PORT: '57540',
    MEDIA_LISTEN_IP: '127.0.0.1',
    MEDIA_NODE_ID: `botsim-${Date.now()}`,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
  });
  server = await startServerProcess({
    name: 'botsim',
    port: 57502,
    env: {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      MEDIA_NODE_URLS: node.url,
      SFU_PLAIN_RTP: 'true',
      SFU_CONSUMER_BUDGET: '3',
      MESH_MAX_PARTICIPANTS: '2',
      MESH_RETURN_AT: '1',
    },
  });
  await waitForMediaNode(server.url);
  shared = createBotShared({
    portRange: { min: 57600, max: 57619 },
    bindIp: '127.0.0.1',
    meshWaitMs: 20_000,
    srtp: false,
    simulcast: true,
    tileMix: MIX,
  });
  expect((await shared.cameraClips(VIDEO)).map((c) => ({ width: c.width, height: c.height }))).toEqual(LAYER_SIZES);

  // Two plain sockets in the meeting (host and a guest), so the sender's join makes it an SFU meeting.
  const stamp = Date.now() % 1e8;
  const hostAuth = await api('/api/auth/register', { username: `simhost${stamp}`, password: PASSWORD });
  const guestAuth = await api('/api/auth/register', { username: `simguest${stamp}`, password: PASSWORD });
  meetingId = (await api('/api/meetings', { access: 'link', title: 'simulcast bots' }, hostAuth.token)).meeting.id;
  for (const token of [hostAuth.token, guestAuth.token]) {
    const socket = io(server.url, { auth: { token }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const joined = (await socket.timeout(10_000).emitWithAck('join_meeting', { meetingId })) as { ok?: boolean };
    expect(joined.ok, JSON.stringify(joined)).toBe(true);
  }
}, 240_000);

afterAll(async () => {
  await Promise.allSettled(bots.map((b) => b.close()));
  shared?.close();
  for (const socket of sockets) socket.close();
  await stopAllServerProcesses();
  await stopAllMediaNodes();
  await db?.drop().catch(() => undefined);
  if (prefix) await clearRedisPrefix(prefix).catch(() => undefined);
});

describe('simulcast RTP bots', () => {
  it('receivers get the layer their tiles ask for, at the sent frame rate, over both workers', async () => {
    expect([1, 2, 3].map((i) => tileClassFor(i, MIX))).toEqual(['small', 'medium', 'large']);
    const sender = createBot(spec(1, 'sender', 1), shared) as BotClient;
    bots.push(sender);
    const sent = await sender.join();
    expect(sent, JSON.stringify(sent)).toMatchObject({ ok: true, mode: 'sfu' });
    const receivers = [1, 2, 3].map((i) => createBot(spec(i + 1, 'receiver', i), shared) as BotClient);
    bots.push(...receivers);
    for (const receiver of receivers) {
      const joined = await receiver.join();
      expect(joined, JSON.stringify(joined)).toMatchObject({ ok: true, mode: 'sfu' });
    }
    // Each receiver's one video consumer carries its tile's layer (after a switch and a keyframe).
    const sizes = () => receivers.map((r) => [...r.receivedLayers().pictureSizes.values()][0] ?? null);
    await waitFor(
      () => (JSON.stringify(sizes()) === JSON.stringify(LAYER_SIZES) ? true : null),
      20_000,
      'each receiver to get its layer',
    ).catch(() => undefined);
    expect(sizes()).toEqual(LAYER_SIZES);
    for (const r of receivers) expect(r.receivedLayers().tileReports).toBeGreaterThan(0);

    for (const r of receivers) await r.sample(0);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const samples = await Promise.all(receivers.map((r) => r.sample(4000)));
    for (const s of samples) {
      expect(s.videoStreams).toBe(1);
      expect(s.fps!).toBeGreaterThan(VIDEO.fps * 0.8);
      expect(s.fps!).toBeLessThan(VIDEO.fps * 1.2);
      expect(s.freezes).toBe(0);
    }
    // Bigger layers, more bits.
    expect(samples[0]!.bitrateIn!).toBeLessThan(samples[1]!.bitrateIn!);
    expect(samples[1]!.bitrateIn!).toBeLessThan(samples[2]!.bitrateIn!);
    expect(sender.sendCounters()!.packetsSent).toBeGreaterThan(0);
    // Past the budget of 3 consumers the third receiver's plain transport went to the other worker.
    await waitFor(async () => ((await mediaRouters()) >= 2 ? true : null), 10_000, 'a second router').catch(
      () => undefined,
    );
    expect(await mediaRouters()).toBe(2);
  });
});
