/**
 * Set-up of the SFU browser tests (brief I, ports 3800-3899): a real media node process
 * (`node media-workers/dist/main.js`, MEDIA_WORKERS=2), a real server process pointed at it
 * with MEDIA_NODE_URLS (own database and Redis key prefix) serving a private copy of the built
 * client, and one headless Chromium. Also the page-side freeze monitor of the mesh ↔ SFU switch.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildMediaWorkers,
  startMediaNodeProcess,
  stopAllMediaNodes,
  type MediaNodeProcess,
} from '../../media-workers/test/support/mediaNodeProcess.js';
import { inPage, type MeetingHarness } from '../browser/meetingHarness.js';
import { CLIENT_DIST, REPO_ROOT, closeAllBrowsers, ensureClientBuild, launchBrowser, type Page } from './browser.js';
import { LOG_DIR, buildServer, startServerProcess, stopAllServerProcesses, type Env } from './serverProcess.js';
import { TEST_REDIS_URL, clearRedisPrefix, createTestDatabase, freshRedisPrefix } from './testDatabase.js';

/** The server side of SFU mode exists (helper H's server/src/sfu and its socket handlers). */
export const SFU_SERVER_PRESENT =
  existsSync(join(REPO_ROOT, 'server', 'src', 'realtime', 'sfuHandlers.ts')) && existsSync(join(REPO_ROOT, 'server', 'src', 'sfu'));

async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function freePortIn(first: number, last: number): Promise<number> {
  for (let port = first; port <= last; port++) if (await isFree(port)) return port;
  throw new Error(`no free port in ${first}-${last}`);
}

export interface SfuHarness extends MeetingHarness {
  /** The media node, or null when started with `{media: false}` (mesh-only tests). */
  media: MediaNodeProcess | null;
}

export async function startSfuHarness(label: string, extraEnv: Env = {}, options: { media?: boolean } = {}): Promise<SfuHarness> {
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
    const rpcPort = await freePortIn(3850, 3859);
    if (withMedia) media = await startMediaNodeProcess({
      MEDIA_RPC_PORT: String(rpcPort),
      MEDIA_RTC_PORT: String(3860 + (rpcPort - 3850) * 4),
      MEDIA_WORKERS: '2',
      MEDIA_LISTEN_IP: '127.0.0.1',
      MEDIA_NODE_ID: `${label}-media`,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redisPrefix,
    });
    const server = await startServerProcess({
      name: label,
      port: await freePortIn(3800, 3849),
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
    return { server, url: server.url, browser, media: media ?? null, close: cleanUp };
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
 * Starts sampling, every 50 ms, `getVideoPlaybackQuality().totalVideoFrames` of every remote
 * camera video on the page that is there now. The longest time without a new frame is the
 * freeze; a counter that goes down (a new srcObject) is not a frame. It also counts how often
 * a participant's `<video>` element was replaced (it must be reused).
 */
export async function startFreezeMonitor(page: Page): Promise<number> {
  return inPage<number>(
    page,
    `(() => {
      if (window.__freeze) clearInterval(window.__freeze.timer);
      const peers = {};
      const pick = () => [...document.querySelectorAll('video[data-peer-id]:not([data-source="screen"])')];
      const now = performance.now();
      for (const video of pick()) {
        peers[video.getAttribute('data-peer-id')] = { element: video, stream: video.srcObject, swapAt: null, frames: video.getVideoPlaybackQuality().totalVideoFrames, last: now, maxGap: 0, gapEnd: now, replaced: 0, samples: 0, start: now };
      }
      const timer = setInterval(() => {
        const at = performance.now();
        const seen = new Set();
        for (const video of pick()) {
          const peer = peers[video.getAttribute('data-peer-id')];
          if (!peer) continue;
          seen.add(peer);
          if (peer.element !== video) { peer.replaced++; peer.element = video; }
          if (video.srcObject !== peer.stream) { peer.stream = video.srcObject; if (peer.swapAt === null) peer.swapAt = at; }
          const frames = video.getVideoPlaybackQuality().totalVideoFrames;
          peer.samples++;
          if (frames > peer.frames) { if (at - peer.last > peer.maxGap) { peer.maxGap = at - peer.last; peer.gapEnd = at; } peer.last = at; }
          peer.frames = frames;
        }
        for (const peer of Object.values(peers)) if (!seen.has(peer)) peer.missing = (peer.missing || 0) + 1;
      }, 50);
      window.__freeze = { peers, timer };
      return Object.keys(peers).length;
    })()`,
  );
}

export interface FreezeResult {
  peerId: string;
  maxGapMs: number;
  replaced: number;
  missing: number;
  /** When the longest gap ended and when the srcObject was swapped, ms after the monitor started. */
  gapEndMs: number;
  swapAtMs: number | null;
}

export async function stopFreezeMonitor(page: Page): Promise<FreezeResult[]> {
  return inPage<FreezeResult[]>(
    page,
    `(() => {
      const state = window.__freeze;
      if (!state) return [];
      clearInterval(state.timer);
      const at = performance.now();
      return Object.entries(state.peers).map(([peerId, peer]) => ({
        peerId,
        maxGapMs: Math.round(Math.max(peer.maxGap, at - peer.last)),
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
  return inPage<string>(page, `window.parleyMeeting && window.parleyMeeting.transports ? window.parleyMeeting.transports().join(',') : ''`);
}
