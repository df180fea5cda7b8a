/**
 * Shared set-up of the meeting browser tests: one real server process (PostgreSQL + Redis, its
 * own database and key prefix) serving a private copy of the built client (so a parallel
 * `vite build` of client/dist cannot pull files away mid-test), one headless Chromium with a
 * context per user, and page helpers keyed on the hooks of docs/protocol.md ("Browser page hooks")
 * and client/src/meeting. Page code is sent as source text (transpiled functions would carry
 * esbuild helpers that do not exist in the page).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CLIENT_DIST,
  closeAllBrowsers,
  isFirefox,
  ensureClientBuild,
  launchBrowser,
  newUserPage,
  registerInPage,
  type Browser,
  type Page,
} from './browser.js';
import {
  buildServer,
  startServerProcess,
  stopAllServerProcesses,
  type Env,
  type ServerProcess,
  portInRange,
} from './serverProcess.js';
import { TEST_REDIS_URL, clearRedisPrefix, createTestDatabase, freshRedisPrefix } from './testDatabase.js';

export const PASSWORD = 'correct horse battery';
export const byTestId = (id: string) => `[data-testid="${id}"]`;

export interface MeetingHarness {
  server: ServerProcess;
  url: string;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Records every RTCPeerConnection a page creates (window.__pcs), before the app's code runs, so
 * a test can check that all of them were closed.
 */
const TRACK_PEER_CONNECTIONS = `(() => {
  const Original = window.RTCPeerConnection;
  if (!Original || window.__pcs) return;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Original {
    constructor(...args) { super(...args); window.__pcs.push(this); }
  };
})()`;

export async function startMeetingHarness(label: string, extraEnv: Env = {}): Promise<MeetingHarness> {
  ensureClientBuild();
  buildServer();
  const clientCopy = mkdtempSync(join(tmpdir(), `parley-${label}-client-`));
  cpSync(CLIENT_DIST, clientCopy, { recursive: true });
  const redisPrefix = freshRedisPrefix(label);
  const db = await createTestDatabase(label);
  const cleanUp = async () => {
    await closeAllBrowsers();
    await stopAllServerProcesses();
    await db.drop();
    await clearRedisPrefix(redisPrefix);
    rmSync(clientCopy, { recursive: true, force: true });
  };
  try {
    const server = await startServerProcess({
      name: label,
      port: await portInRange(3600, 3699),
      env: {
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: redisPrefix,
        CLIENT_DIST: clientCopy,
        ...extraEnv,
      },
    });
    const browser = await launchBrowser();
    return { server, url: server.url, browser, close: cleanUp };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

export interface TestUser {
  page: Page;
  id: string;
  username: string;
  displayName: string;
}

/** A page in its own browser context, registered and logged in as a new user. */
export async function newUser(harness: MeetingHarness, username: string, displayName: string): Promise<TestUser> {
  const page = await newUserPage(harness.browser, harness.url, { path: null });
  await page.evaluateOnNewDocument(TRACK_PEER_CONNECTIONS);
  await page.goto(new URL('/login', harness.url).toString(), { waitUntil: 'domcontentloaded' });
  const user = await registerInPage(page, { username, password: PASSWORD, displayName });
  return { page, ...user };
}

/** Runs page code given as source text and returns its (awaited) value. */
export async function inPage<T>(page: Page, source: string): Promise<T> {
  return (await page.evaluate(source)) as T;
}

/** Clicks through the DOM (works on pages that are not in front, unlike page.click). */
export async function clickTestId(page: Page, testId: string): Promise<void> {
  await page.waitForSelector(byTestId(testId), { timeout: 20_000 });
  await inPage(page, `document.querySelector(${JSON.stringify(byTestId(testId))}).click()`);
}

export async function textOf(page: Page, testId: string): Promise<string> {
  const handle = await page.waitForSelector(byTestId(testId), { visible: true, timeout: 20_000 });
  return ((await handle!.evaluate((element) => element.textContent)) ?? '').trim();
}

export interface VideoSample {
  peerId: string | null;
  source: string;
  before: number;
  after: number;
}

/**
 * The remote videos of a page (`video[data-peer-id]`) with their decoded frame counts
 * (getVideoPlaybackQuality().totalVideoFrames) at the start and the end of `ms`.
 */
export async function sampleRemoteVideos(page: Page, ms = 1200): Promise<VideoSample[]> {
  return inPage<VideoSample[]>(
    page,
    `(async () => {
      const videos = [...document.querySelectorAll('video[data-peer-id]')];
      // Firefox counts no frames of a MediaStream there: its painted frames instead.
      const frames = (video) => video.getVideoPlaybackQuality().totalVideoFrames || video.mozPaintedFrames || 0;
      const before = videos.map(frames);
      await new Promise((resolve) => setTimeout(resolve, ${ms}));
      return videos.map((video, index) => ({
        peerId: video.getAttribute('data-peer-id'),
        source: video.getAttribute('data-source') || 'camera',
        before: before[index],
        after: frames(video),
      }));
    })()`,
  );
}

/**
 * Waits until the page shows exactly `expected` remote videos (peerId and source) and the
 * frames of every one of them advance. Returns the last sample.
 */
export async function waitForLiveVideos(
  page: Page,
  expected: { peerId: string; source?: 'camera' | 'screen' }[],
  timeoutMs = 45_000,
): Promise<VideoSample[]> {
  const want = expected.map((entry) => `${entry.peerId}/${entry.source ?? 'camera'}`).sort();
  const deadline = Date.now() + timeoutMs;
  let last: VideoSample[] = [];
  // A Firefox tab that is not in front paints no frames: bring it to the front to count them.
  const firefox = isFirefox(page.browser());
  while (Date.now() < deadline) {
    if (firefox) await page.bringToFront();
    last = await sampleRemoteVideos(page);
    const seen = last.map((sample) => `${sample.peerId}/${sample.source}`).sort();
    const live = last.every((sample) => sample.after > sample.before);
    if (live && JSON.stringify(seen) === JSON.stringify(want)) return last;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(
    `remote videos not as expected after ${timeoutMs} ms: want ${JSON.stringify(want)}, saw ${JSON.stringify(last)}`,
  );
}

export async function selfPeerId(page: Page): Promise<string> {
  await page.waitForFunction('window.parleyMeeting && window.parleyMeeting.phase() === "joined"', { timeout: 30_000 });
  return inPage<string>(page, 'window.parleyMeeting.selfPeerId()');
}

/**
 * Remembers every stream currently attached to a media element, with the local tracks, so
 * that after the call they can be checked even when the elements are gone.
 */
export async function rememberStreams(page: Page): Promise<number> {
  return inPage<number>(
    page,
    `(() => {
      window.__streams = window.__streams || [];
      for (const element of document.querySelectorAll('video, audio')) {
        if (element.srcObject && !window.__streams.includes(element.srcObject)) window.__streams.push(element.srcObject);
      }
      window.__localTracks = window.parleyMeeting ? window.parleyMeeting.localTracks() : [];
      return window.__streams.length;
    })()`,
  );
}

export interface LeftoverReport {
  remembered: number;
  liveRemembered: number;
  liveInElements: number;
  localTracks: number;
  liveLocal: number;
  peerConnections: number;
  openPeerConnections: number;
}

/** Live tracks and open RTCPeerConnections left on a page (all zero after the call). */
export async function leftovers(page: Page): Promise<LeftoverReport> {
  return inPage<LeftoverReport>(
    page,
    `(() => {
      const live = (tracks) => tracks.filter((track) => track.readyState !== 'ended').length;
      const remembered = (window.__streams || []).flatMap((stream) => stream.getTracks());
      const inElements = [...document.querySelectorAll('video, audio')]
        .map((element) => element.srcObject)
        .filter(Boolean)
        .flatMap((stream) => stream.getTracks());
      const local = [...(window.__localTracks || []), ...(window.parleyMeeting ? window.parleyMeeting.localTracks() : [])];
      const pcs = window.__pcs || [];
      return {
        remembered: remembered.length,
        liveRemembered: live(remembered),
        liveInElements: live(inElements),
        localTracks: local.length,
        liveLocal: live(local),
        peerConnections: pcs.length,
        openPeerConnections: pcs.filter((pc) => pc.signalingState !== 'closed').length,
      };
    })()`,
  );
}

/** join → first remote frame (ms) of every join of the page that found peers already there. */
export async function joinToFirstFrame(page: Page): Promise<number[]> {
  return inPage<number[]>(
    page,
    `(window.parleyMeeting ? window.parleyMeeting.joins : [])
      .filter((join) => join.peersAtJoin.length > 0 && join.firstFrameAt !== null)
      .map((join) => join.firstFrameAt - join.startedAt)`,
  );
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}
