import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildMediaWorkers,
  startMediaNodeProcess,
  stopAllMediaNodes,
  waitFor,
} from '../../test/support/mediaNodeProcess.js';
import { inPage } from '../../test/support/browserMeetingHarness.js';
import {
  CLIENT_DIST,
  closeAllBrowsers,
  ensureClientBuild,
  launchBrowser,
  newUserPage,
  registerInPage,
} from '../../test/support/browser.js';
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
import type { ClientSample, ClientSpec, LoadClient } from '../src/clientTypes.js';
import type { BotClient } from '../src/bots/BotClient.js';
import { createBot, createBotShared, type BotShared } from '../src/bots/index.js';

/**
 * RTP bots against a real server (SFU_PLAIN_RTP=true) and media node: 2 sender bots and 1
 * receiver bot in one meeting; the receiver (over SRTP, the default) counts the senders' frame
 * rate with no loss, and a headless Chromium page in the same meeting decodes the bots' VP8 (so
 * the clip is real VP8); a plain-RTP receiver (`srtp: false`) counts the same.
 * Ports: server 57002, media RPC 57030, RTC 57040, bots' UDP 57200-57319.
 */
const VIDEO = { width: 320, height: 180, fps: 15 };
const PASSWORD = 'correct horse battery';
let server: ServerProcess;
let db: TestDatabase;
let prefix: string;
let clientCopy: string;
let shared: BotShared;
let host: Socket;
let meetingId: string;
const bots: LoadClient[] = [];

async function post(path: string, body: unknown, token?: string): Promise<unknown> {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json: unknown = await res.json();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A new user's bearer token. */
async function register(username: string): Promise<string> {
  return ((await post('/api/auth/register', { username, password: PASSWORD })) as { token: string }).token;
}

/** A new meeting's id. */
async function startMeeting(body: { access: 'link'; title?: string }, token: string): Promise<string> {
  return ((await post('/api/meetings', body, token)) as { meeting: { id: string } }).meeting.id;
}

const spec = (n: number, role: ClientSpec['role']): ClientSpec => ({
  id: `m1-bot-${n}`,
  kind: 'bot',
  role,
  baseUrl: server.url,
  meetingId,
  email: `bot${n}_${prefix
    .replace(/[^a-z0-9]/gi, '')
    .slice(-8)
    .toLowerCase()}@load.test`,
  password: PASSWORD,
  video: VIDEO,
});

beforeAll(async () => {
  ensureClientBuild();
  buildServer();
  buildMediaWorkers();
  clientCopy = mkdtempSync(join(tmpdir(), 'parley-bots-client-'));
  cpSync(CLIENT_DIST, clientCopy, { recursive: true });
  prefix = freshRedisPrefix('bots');
  db = await createTestDatabase('bots');
  const node = await startMediaNodeProcess({
    MEDIA_WORKERS: '1',
    MEDIA_RPC_PORT: '57030',
    MEDIA_RTC_PORT: '57040',
    MEDIA_LISTEN_IP: '127.0.0.1',
    MEDIA_NODE_ID: `bots-${Date.now()}`,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
  });
  server = await startServerProcess({
    name: 'bots',
    port: 57002,
    env: {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      CLIENT_DIST: clientCopy,
      MEDIA_NODE_URLS: node.url,
      SFU_PLAIN_RTP: 'true',
      MESH_MAX_PARTICIPANTS: '2',
      MESH_RETURN_AT: '1',
    },
  });
  await waitForMediaNode(server.url);
  shared = createBotShared({ portRange: { min: 57200, max: 57299 }, bindIp: '127.0.0.1', meshWaitMs: 20_000 });
  await shared.clip(VIDEO);

  // The host makes a link meeting and stays in it over a plain socket (the third participant).
  const hostToken = await register(`bothost${Date.now() % 1e8}`);
  meetingId = await startMeeting({ access: 'link', title: 'bots' }, hostToken);
  host = io(server.url, { auth: { token: hostToken }, transports: ['websocket'], reconnection: false });
  const joined = (await host.timeout(10_000).emitWithAck('join_meeting', { meetingId })) as { ok: boolean };
  expect(joined.ok, JSON.stringify(joined)).toBe(true);
}, 180_000);

afterAll(async () => {
  await Promise.allSettled(bots.map((b) => b.close()));
  shared?.close();
  host?.close();
  await closeAllBrowsers();
  await stopAllServerProcesses();
  await stopAllMediaNodes();
  await db?.drop().catch(() => undefined);
  if (prefix) await clearRedisPrefix(prefix).catch(() => undefined);
  if (clientCopy) rmSync(clientCopy, { recursive: true, force: true });
});

describe('RTP bots in an SFU meeting', () => {
  it('senders send, a receiver gets their frame rate without loss, and Chromium decodes the VP8', async () => {
    const senders = [createBot(spec(1, 'sender'), shared), createBot(spec(2, 'sender'), shared)];
    bots.push(...senders);
    const sendersJoined = await Promise.all(senders.map((b) => b.join()));
    // The host was there at their join: like a browser, they wait for a first frame (the other bot's).
    for (const r of sendersJoined)
      expect(r, JSON.stringify(r)).toMatchObject({ ok: true, mode: 'sfu', firstFrameMs: expect.any(Number) as number });

    const receiver = createBot(spec(3, 'receiver'), shared);
    bots.push(receiver);
    const joined = await receiver.join();
    expect(joined, JSON.stringify(joined)).toMatchObject({
      ok: true,
      mode: 'sfu',
      firstFrameMs: expect.any(Number) as number,
    });
    if (joined.ok) expect(joined.joinMs).toBeLessThanOrEqual(joined.firstFrameMs!);
    expect((receiver as BotClient).receiveCounters().srtp).toBe(true);

    await receiver.sample(0);
    await new Promise((r) => setTimeout(r, 4000));
    const s: ClientSample = await receiver.sample(4000);
    expect(s).toMatchObject({ clientId: 'm1-bot-3', videoStreams: 2, mode: 'sfu', rttMs: null, bitrateOut: null });
    expect(s.fps!).toBeGreaterThan(VIDEO.fps * 0.8);
    expect(s.fps!).toBeLessThan(VIDEO.fps * 1.2);
    expect(s.minFps!).toBeGreaterThan(VIDEO.fps * 0.7);
    expect(s.packetLoss!).toBeLessThan(0.01);
    expect(s.freezes).toBe(0);
    expect(s.jitterMs!).toBeGreaterThanOrEqual(0);
    expect(s.bitrateIn!).toBeGreaterThan(2 * 40_000);
    // The node's sender reports come as SRTCP on the SRTP recv transport: skipped, not parsed as PLI/FIR.
    expect((receiver as BotClient).receiveCounters().srtcpSkipped).toBeGreaterThan(0);
    const out = await senders[0]!.sample(4000);
    expect(out.bitrateOut!).toBeGreaterThan(40_000);
    // The node asked the senders for keyframes (PLI/FIR on the same socket) when consumers started.
    for (const sender of senders) expect((sender as BotClient).sendCounters()!.keyframeRequests).toBeGreaterThan(0);

    // A browser participant decodes both bots' video.
    const browser = await launchBrowser();
    const page = await newUserPage(browser, server.url);
    await registerInPage(page, { username: `botviewer${Date.now() % 1e8}`, password: PASSWORD });
    await page.goto(`${server.url}/meet/${meetingId}`, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction('window.parleyMeeting && window.parleyMeeting.phase() === "joined"', {
      timeout: 30_000,
    });
    const decoded = () =>
      inPage<Record<string, number>>(
        page,
        'window.parleyMeeting.stats().then((all) => Object.fromEntries(all.map((e) => [e.peerId, e.framesDecoded])))',
      );
    const first = await waitFor(
      async () => {
        const now = await decoded();
        return Object.values(now).filter((n) => n > 0).length >= 2 ? now : null;
      },
      20_000,
      'the page to decode two bots',
    );
    await new Promise((r) => setTimeout(r, 2000));
    const later = await decoded();
    const advancing = Object.keys(first).filter(
      (peer) => (first[peer] ?? 0) > 0 && (later[peer] ?? 0) > (first[peer] ?? 0) + 10,
    );
    expect(advancing.length, JSON.stringify({ first, later })).toBeGreaterThanOrEqual(2);

    // The bots see the browser's camera as a third stream.
    await waitFor(
      async () => (await receiver.sample(8000)).videoStreams === 3,
      10_000,
      'the receiver to consume the browser camera',
    );

    await receiver.close();
    const closed = await receiver.sample(9000);
    expect(closed.mode).toBeNull();
  });

  it('srtp: false receives plain RTP with the same figures; a sender that receives nothing has no first frame', async () => {
    const plainShared = createBotShared({
      portRange: { min: 57310, max: 57319 },
      bindIp: '127.0.0.1',
      srtp: false,
      sendersReceive: false,
    });
    try {
      const plain = createBot(spec(6, 'receiver'), plainShared);
      bots.push(plain);
      const joined = await plain.join();
      expect(joined, JSON.stringify(joined)).toMatchObject({
        ok: true,
        mode: 'sfu',
        firstFrameMs: expect.any(Number) as number,
      });
      expect((plain as BotClient).receiveCounters()).toMatchObject({ srtp: false, srtcpSkipped: 0 });
      await plain.sample(0);
      await new Promise((r) => setTimeout(r, 3000));
      const s = await plain.sample(3000);
      expect(s.videoStreams).toBeGreaterThanOrEqual(2);
      expect(s.fps!).toBeGreaterThan(VIDEO.fps * 0.8);
      expect(s.fps!).toBeLessThan(VIDEO.fps * 1.2);
      expect(s.packetLoss!).toBeLessThan(0.01);

      const senderOnly = createBot(spec(7, 'sender'), plainShared);
      bots.push(senderOnly);
      const sent = await senderOnly.join();
      expect(sent, JSON.stringify(sent)).toMatchObject({ ok: true, mode: 'sfu', firstFrameMs: null });
      await Promise.all([plain.close(), senderOnly.close()]);
    } finally {
      plainShared.close();
    }
  });

  it('fails with a clear reason on a bad password, and close() is idempotent', async () => {
    const first = createBot(spec(4, 'receiver'), shared);
    bots.push(first);
    expect((await first.join()).ok).toBe(true);
    await first.close();
    await first.close();
    const wrong = createBot({ ...spec(4, 'receiver'), password: 'wrong password 1' }, shared);
    const r = await wrong.join();
    expect(r).toMatchObject({ ok: false, stage: 'login' });
    if (!r.ok) expect(r.reason).toMatch(/register of .* failed: 409/);
    const s = await wrong.sample(1);
    expect(s).toMatchObject({ fps: null, packetLoss: null, mode: null });
  });

  it('fails with a clear reason when the meeting stays in mesh mode', async () => {
    const ownerToken = await register(`meshhost${Date.now() % 1e8}`);
    const meshMeeting = await startMeeting({ access: 'link' }, ownerToken);
    const impatient = createBotShared({ portRange: { min: 57300, max: 57309 }, bindIp: '127.0.0.1', meshWaitMs: 1500 });
    try {
      const lone = createBot({ ...spec(5, 'sender'), meetingId: meshMeeting }, impatient);
      bots.push(lone);
      const r = await lone.join();
      expect(r).toEqual({
        ok: false,
        stage: 'media',
        reason: 'the meeting stayed in mesh mode; RTP bots need SFU mode',
      });
    } finally {
      impatient.close();
    }
  });
});
