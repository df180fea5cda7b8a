/**
 * Set-up of the SFU browser tests (ports 3800-3899): a real media node process
 * (`node media-workers/dist/main.js`, MEDIA_WORKERS=2), a real server process pointed at it
 * with MEDIA_NODE_URLS (own database and Redis key prefix) serving a private copy of the built
 * client, and one headless Chromium. Also the page-side freeze monitor of the mesh ↔ SFU switch.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildMediaWorkers,
  startMediaNodeProcess,
  stopAllMediaNodes,
  type MediaNodeProcess,
} from './mediaNodeProcess.js';
import { inPage, type MeetingHarness } from './browserMeetingHarness.js';
import { CLIENT_DIST, REPO_ROOT, closeAllBrowsers, ensureClientBuild, launchBrowser, type Page } from './browser.js';
import {
  LOG_DIR,
  buildServer,
  portInRange,
  startServerProcess,
  stopAllServerProcesses,
  type Env,
  type ServerProcess,
} from './serverProcess.js';
import { TEST_REDIS_URL, clearRedisPrefix, createTestDatabase, freshRedisPrefix } from './testDatabase.js';

/** The server side of SFU mode exists (helper H's server/src/sfu and its socket handlers). */
export const SFU_SERVER_PRESENT =
  existsSync(join(REPO_ROOT, 'server', 'src', 'realtime', 'sfuHandlers.ts')) &&
  existsSync(join(REPO_ROOT, 'server', 'src', 'sfu'));

export interface SfuHarness extends MeetingHarness {
  /** The media node, or null when started with `{media: false}` (mesh-only tests). */
  media: MediaNodeProcess | null;
  /** The REDIS_PREFIX of the server and node (another node started with it is discovered). */
  redisPrefix: string;
  /** The private copy of the built client that the server serves (CLIENT_DIST). */
  clientDir: string;
}

export async function startSfuHarness(
  label: string,
  extraEnv: Env = {},
  options: {
    media?: boolean;
    /** Media node environment on top of the defaults below; undefined removes a default. */
    mediaEnv?: Record<string, string | undefined>;
  } = {},
): Promise<SfuHarness> {
  const withMedia = options.media ?? true;
  ensureClientBuild();
  buildServer();
  if (withMedia) buildMediaWorkers();
  const clientCopy = mkdtempSync(join(tmpdir(), `parley-${label}-client-`));
  cpSync(CLIENT_DIST, clientCopy, { recursive: true });
  const redisPrefix = freshRedisPrefix(label);
  const db = await createTestDatabase(label);
  let media: MediaNodeProcess | undefined;
  const cleanUp = async () => {
    if (media) {
      mkdirSync(LOG_DIR, { recursive: true });
      writeFileSync(join(LOG_DIR, `${label}-media-${Date.now()}.log`), media.output());
    }
    await closeAllBrowsers();
    await stopAllServerProcesses();
    await stopAllMediaNodes();
    await db.drop();
    await clearRedisPrefix(redisPrefix);
    rmSync(clientCopy, { recursive: true, force: true });
  };
  try {
    const rpcPort = await portInRange(3850, 3859);
    if (withMedia) {
      const mediaEnv: Record<string, string | undefined> = {
        MEDIA_RPC_PORT: String(rpcPort),
        MEDIA_RTC_PORT: String(3860 + (rpcPort - 3850) * 4),
        MEDIA_WORKERS: '2',
        MEDIA_LISTEN_IP: '127.0.0.1',
        MEDIA_NODE_ID: `${label}-media`,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: redisPrefix,
        ...options.mediaEnv,
      };
      media = await startMediaNodeProcess(
        Object.fromEntries(
          Object.entries(mediaEnv).filter((entry): entry is [string, string] => entry[1] !== undefined),
        ),
      );
    }
    const server = await startServerProcess({
      name: label,
      port: await portInRange(3800, 3849),
      env: {
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: redisPrefix,
        CLIENT_DIST: clientCopy,
        ...(media ? { MEDIA_NODE_URLS: media.url } : {}),
        ...extraEnv,
      },
    });
    const browser = await launchBrowser();
    return {
      server,
      url: server.url,
      browser,
      media: media ?? null,
      redisPrefix,
      clientDir: clientCopy,
      close: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** The mediasoup-worker processes of a media node (its children). */
export function workerPids(mediaNodePid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(mediaNodePid), '-f', 'mediasoup-worker'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * The frame clock of the freeze monitor: a worker that reads the decoded frames of each remote
 * camera track (MediaStreamTrackProcessor, transferred streams) and keeps, per participant, the
 * longest time between two frames of the track that participant's `<video>` shows. It runs off
 * the page's main thread, so a busy main thread (which does not stop the compositor from
 * showing video) is not counted as a freeze, as the 50 ms main-thread sampling does. The swap
 * to a new track is noticed by the main-thread sampling (up to 50 ms late, later if the main
 * thread is busy); until then, frames of the old track still count.
 */
const FRAME_CLOCK = `
  const peers = {};
  const now = () => performance.now();
  onmessage = async ({ data }) => {
    if (data.type === 'show') {
      const peer = peers[data.peerId] || (peers[data.peerId] = { shown: null, last: null, max: 0, frames: 0, readers: new Map() });
      peer.shown = data.trackId;
      return;
    }
    if (data.type === 'read') {
      const peer = peers[data.peerId];
      const reader = data.readable.getReader();
      peer.readers.set(data.trackId, reader);
      for (;;) {
        let result;
        try { result = await reader.read(); } catch { break; }
        if (result.done) break;
        result.value.close();
        if (peer.shown !== data.trackId) continue;
        const at = now();
        if (peer.last !== null && at - peer.last > peer.max) peer.max = at - peer.last;
        peer.last = at;
        peer.frames++;
      }
      return;
    }
    if (data.type === 'report') {
      const at = now();
      const report = {};
      for (const [peerId, peer] of Object.entries(peers)) {
        report[peerId] = { max: Math.max(peer.max, peer.last === null ? 0 : at - peer.last), frames: peer.frames };
        for (const reader of peer.readers.values()) reader.cancel().catch(() => {});
      }
      postMessage(report);
    }
  };
`;

/**
 * Starts the freeze monitor on every remote camera video on the page that is there now:
 * - the frame clock (FRAME_CLOCK, in a worker): the longest time between two decoded frames of
 *   the track each `<video>` shows, the old transport's until the swap and the new one's after;
 * - every 50 ms on the main thread, `getVideoPlaybackQuality().totalVideoFrames`: the longest
 *   time without a new frame (this also counts the page's own main-thread stalls). It counts how
 *   often a participant's `<video>` element was replaced (it must be reused), notes when its
 *   video track was swapped (VideoTile keeps one srcObject and swaps the track inside it) and
 *   tells the frame clock which track is shown.
 */
export async function startFreezeMonitor(page: Page): Promise<number> {
  return inPage<number>(
    page,
    `(() => {
      if (window.__freeze) { clearInterval(window.__freeze.timer); window.__freeze.clock.terminate(); }
      const clock = new Worker(URL.createObjectURL(new Blob([${JSON.stringify(FRAME_CLOCK)}], { type: 'text/javascript' })));
      const peers = {};
      const pick = () => [...document.querySelectorAll('video[data-peer-id]:not([data-source="screen"])')];
      const now = performance.now();
      // Firefox counts no frames of a MediaStream in getVideoPlaybackQuality: its painted frames.
      const framesOf = (video) => video.getVideoPlaybackQuality().totalVideoFrames || video.mozPaintedFrames || 0;
      const videoTrack = (video) => (video.srcObject && video.srcObject.getVideoTracks()[0]) || null;
      const show = (peerId, track) => {
        clock.postMessage({ type: 'show', peerId, trackId: track ? track.id : null });
        // Firefox has no MediaStreamTrackProcessor on the main thread: main-thread sampling only.
        if (!track || typeof MediaStreamTrackProcessor === 'undefined') return;
        const readable = new MediaStreamTrackProcessor({ track }).readable;
        clock.postMessage({ type: 'read', peerId, trackId: track.id, readable }, [readable]);
      };
      for (const video of pick()) {
        const peerId = video.getAttribute('data-peer-id');
        peers[peerId] = { element: video, track: videoTrack(video), swapAt: null, frames: framesOf(video), last: now, maxGap: 0, gapEnd: now, replaced: 0, samples: 0, start: now };
        show(peerId, peers[peerId].track);
      }
      const timer = setInterval(() => {
        const at = performance.now();
        const seen = new Set();
        for (const video of pick()) {
          const peerId = video.getAttribute('data-peer-id');
          const peer = peers[peerId];
          if (!peer) continue;
          seen.add(peer);
          if (peer.element !== video) { peer.replaced++; peer.element = video; }
          const track = videoTrack(video);
          if (track !== peer.track) { peer.track = track; show(peerId, track); if (peer.swapAt === null) peer.swapAt = at; }
          const frames = framesOf(video);
          peer.samples++;
          // A count that went down: the element loaded again (Firefox after a track swap), new frames.
          if (frames !== peer.frames) { if (at - peer.last > peer.maxGap) { peer.maxGap = at - peer.last; peer.gapEnd = at; } peer.last = at; }
          peer.frames = frames;
        }
        for (const peer of Object.values(peers)) if (!seen.has(peer)) peer.missing = (peer.missing || 0) + 1;
      }, 50);
      window.__freeze = { peers, timer, clock };
      return Object.keys(peers).length;
    })()`,
  );
}

export interface FreezeResult {
  peerId: string;
  /** Main-thread sampling: the longest time without a new frame (includes main-thread stalls). */
  maxGapMs: number;
  /** Frame clock: the longest time between two decoded frames of the shown track (null: no clock). */
  frameGapMs: number | null;
  /** Frames the frame clock counted (0: it saw none, the figure means nothing). */
  clockFrames: number;
  replaced: number;
  missing: number;
  /** When the longest gap ended and when the video track was swapped, ms after the monitor started. */
  gapEndMs: number;
  swapAtMs: number | null;
}

export async function stopFreezeMonitor(page: Page): Promise<FreezeResult[]> {
  return inPage<FreezeResult[]>(
    page,
    `(async () => {
      const state = window.__freeze;
      if (!state) return [];
      clearInterval(state.timer);
      const at = performance.now();
      const clock = await new Promise((resolve) => {
        state.clock.onmessage = ({ data }) => resolve(data);
        state.clock.postMessage({ type: 'report' });
        setTimeout(() => resolve({}), 5000);
      });
      state.clock.terminate();
      return Object.entries(state.peers).map(([peerId, peer]) => ({
        peerId,
        maxGapMs: Math.round(Math.max(peer.maxGap, at - peer.last)),
        frameGapMs: clock[peerId] ? Math.round(clock[peerId].max) : null,
        clockFrames: clock[peerId] ? clock[peerId].frames : 0,
        replaced: peer.replaced,
        missing: peer.missing || 0,
        gapEndMs: Math.round(peer.gapEnd - peer.start),
        swapAtMs: peer.swapAt === null ? null : Math.round(peer.swapAt - peer.start),
      }));
    })()`,
  );
}

/** The modes of the page's running transports ("sfu,mesh" during a switch). */
export async function transportsOf(page: Page): Promise<string> {
  return inPage<string>(
    page,
    `window.parleyMeeting && window.parleyMeeting.transports ? window.parleyMeeting.transports().join(',') : ''`,
  );
}

// ---------------------------------------------------------------------------------------------
// Several media nodes behind one server (no browser): the cross-node tests.
// ---------------------------------------------------------------------------------------------

export interface SfuNodesOptions {
  /** The server's port. */
  serverPort: number;
  /** One entry per media node: its RPC port and first RTC port (one worker each). */
  nodes: Array<{ rpcPort: number; rtcPort: number }>;
  /** Extra server environment. */
  env?: Env;
  /** Extra media node environment (every node). */
  nodeEnv?: Record<string, string>;
}

export interface SfuNodesHarness {
  server: ServerProcess;
  url: string;
  /** The media node processes, in the order of `options.nodes`. */
  nodes: MediaNodeProcess[];
  /** Their MEDIA_NODE_ID values (same order). */
  nodeIds: string[];
  secret: string;
  redisPrefix: string;
  close(): Promise<void>;
}

/**
 * Real media node processes (MEDIA_WORKERS=1 each) and one real server process pointed at all of
 * them with MEDIA_NODE_URLS (own database and Redis key prefix), waiting until the server sees a
 * live worker on every node.
 */
export async function startSfuNodesHarness(label: string, options: SfuNodesOptions): Promise<SfuNodesHarness> {
  buildServer();
  buildMediaWorkers();
  const secret = randomBytes(16).toString('hex');
  const redisPrefix = freshRedisPrefix(label);
  const db = await createTestDatabase(label);
  const nodes: MediaNodeProcess[] = [];
  const nodeIds = options.nodes.map(
    (_, i) => `${label}-${String.fromCharCode(97 + i)}-${randomBytes(3).toString('hex')}`,
  );
  let server: ServerProcess | undefined;
  const close = async () => {
    await server?.stop().catch(() => undefined);
    await Promise.allSettled(nodes.map((n) => n.stop(5_000)));
    await db.drop().catch(() => undefined);
    await clearRedisPrefix(redisPrefix).catch(() => undefined);
  };
  try {
    for (const [i, node] of options.nodes.entries()) {
      nodes.push(
        await startMediaNodeProcess({
          MEDIA_WORKERS: '1',
          MEDIA_RPC_PORT: String(node.rpcPort),
          MEDIA_RTC_PORT: String(node.rtcPort),
          MEDIA_LISTEN_IP: '127.0.0.1',
          MEDIA_NODE_ID: nodeIds[i]!,
          MEDIA_SECRET: secret,
          ...options.nodeEnv,
        }),
      );
    }
    server = await startServerProcess({
      name: label,
      port: options.serverPort,
      env: {
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: redisPrefix,
        MEDIA_NODE_URLS: nodes.map((n) => n.url).join(','),
        MEDIA_SECRET: secret,
        ...options.env,
      },
    });
    const url = server.url;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const health = (await fetch(`${url}/health`)
        .then((r) => r.json())
        .catch(() => null)) as { media?: { load?: Array<{ workers?: number }> } } | null;
      const load = health?.media?.load ?? [];
      if (load.length === nodes.length && load.every((n) => (n.workers ?? 0) > 0)) break;
      if (Date.now() > deadline)
        throw new Error(`the server did not see ${nodes.length} media nodes: ${JSON.stringify(health)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return { server, url, nodes, nodeIds, secret, redisPrefix, close };
  } catch (error) {
    await close();
    throw error;
  }
}
