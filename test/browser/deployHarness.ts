/**
 * The bed of the rolling-deploy browser test: two signalling instances (A and B) as real
 * processes on one PostgreSQL database and one Redis prefix, behind one test proxy
 * (test/support/deployProxy.ts) that is the pages' origin, optionally a real media node, and one
 * headless Chromium. Each user's page is pinned by the proxy (its session cookie) to one
 * instance; when that instance stops, the proxy sends its reconnection to the other one.
 *
 * Every page records, from its first script on, the Socket.io events its sockets receive
 * (`window.__sio`, by wrapping WebSocket) and the phases of its call with wall-clock times
 * (`window.__phases`), so the test can see what each page was told and when it was in the call
 * again.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildMediaWorkers,
  startMediaNodeProcess,
  stopAllMediaNodes,
  type MediaNodeProcess,
} from '../support/mediaNodeProcess.js';
import {
  CLIENT_DIST,
  closeAllBrowsers,
  ensureClientBuild,
  launchBrowser,
  newUserPage,
  registerInPage,
  type Browser,
} from '../support/browser.js';
import { startDeployProxy, type DeployProxy } from '../support/deployProxy.js';
import {
  LOG_DIR,
  buildServer,
  freePort,
  startServerProcess,
  stopAllServerProcesses,
  waitForMediaNode,
  type Env,
  type ServerProcess,
} from '../support/serverProcess.js';
import { TEST_REDIS_URL, clearRedisPrefix, createTestDatabase, freshRedisPrefix } from '../support/testDatabase.js';
import { PASSWORD, inPage, type TestUser } from '../support/browserMeetingHarness.js';

export type InstanceName = 'a' | 'b';

export interface DeployBed {
  proxy: DeployProxy;
  /** The pages' origin (the proxy). */
  url: string;
  instances: Record<InstanceName, ServerProcess>;
  media: MediaNodeProcess | null;
  browser: Browser;
  close(): Promise<void>;
}

/** Records the Socket.io events each socket of the page receives, and the call's phases. */
const RECORD_PAGE = `(() => {
  if (window.__sio) return;
  window.__sio = { events: [], sockets: 0 };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      if (!String(args[0]).includes('/socket.io/')) return;
      const socket = ++window.__sio.sockets;
      this.addEventListener('message', (message) => {
        const match = typeof message.data === 'string' && /^42\\d*(\\[[\\s\\S]*)$/.exec(message.data);
        if (!match) return;
        try {
          const [name, payload] = JSON.parse(match[1]);
          window.__sio.events.push({ name, payload, socket, at: Date.now() });
        } catch {}
      });
    }
  };
  window.__phases = [];
  setInterval(() => {
    const phase = window.parleyMeeting ? window.parleyMeeting.phase() : 'none';
    const last = window.__phases[window.__phases.length - 1];
    if (!last || last.phase !== phase) window.__phases.push({ phase, at: Date.now() });
  }, 10);
})()`;

export interface PageEvent {
  name: string;
  payload: unknown;
  socket: number;
  at: number;
}

/** The Socket.io events the page received (named `names`, or all) at or after `since` (Date.now()). */
export async function pageEvents(user: TestUser, since = 0, names?: string[]): Promise<PageEvent[]> {
  const events = await inPage<PageEvent[]>(user.page, `window.__sio ? window.__sio.events : []`);
  return events.filter((e) => e.at >= since && (!names || names.includes(e.name)));
}

/** The call's phases on the page since `since`, with the wall-clock time each began. */
export async function pagePhases(user: TestUser, since = 0): Promise<{ phase: string; at: number }[]> {
  const phases = await inPage<{ phase: string; at: number }[]>(user.page, `window.__phases || []`);
  return phases.filter((p) => p.at >= since);
}

export interface DeployBedOptions {
  /** Server environment on top of the bed's. */
  env?: Env;
  /** Start a media node (SFU meetings). */
  media?: boolean;
}

export async function startDeployBed(label: string, options: DeployBedOptions = {}): Promise<DeployBed> {
  ensureClientBuild();
  buildServer();
  if (options.media) buildMediaWorkers();
  const clientCopy = mkdtempSync(join(tmpdir(), `parley-${label}-client-`));
  cpSync(CLIENT_DIST, clientCopy, { recursive: true });
  const redisPrefix = freshRedisPrefix(label);
  const db = await createTestDatabase(label);
  let media: MediaNodeProcess | undefined;
  let proxy: DeployProxy | undefined;
  const close = async () => {
    if (media) {
      mkdirSync(LOG_DIR, { recursive: true });
      writeFileSync(join(LOG_DIR, `${label}-media-${Date.now()}.log`), media.output());
    }
    await closeAllBrowsers();
    await proxy?.close();
    await stopAllServerProcesses();
    await stopAllMediaNodes();
    await db.drop().catch(() => undefined);
    await clearRedisPrefix(redisPrefix).catch(() => undefined);
    rmSync(clientCopy, { recursive: true, force: true });
  };
  try {
    if (options.media) {
      media = await startMediaNodeProcess({
        MEDIA_RPC_PORT: String(await freePort()),
        MEDIA_RTC_PORT: '3970',
        MEDIA_WORKERS: '1',
        MEDIA_LISTEN_IP: '127.0.0.1',
        MEDIA_NODE_ID: `${label}-media`,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: redisPrefix,
      });
    }
    const env: Env = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      // Both instances accept the same session cookies.
      JWT_SECRET: `deploy-test-jwt-secret-${redisPrefix}`,
      CLIENT_DIST: clientCopy,
      LOG_LEVEL: 'debug',
      ...(media ? { MEDIA_NODE_URLS: media.url } : {}),
      ...options.env,
    };
    // A applies the migrations before B starts.
    const a = await startServerProcess({ name: `${label}-a`, env });
    const b = await startServerProcess({ name: `${label}-b`, env });
    if (media) await Promise.all([waitForMediaNode(a.url), waitForMediaNode(b.url)]);
    proxy = await startDeployProxy([
      { name: 'a', port: a.port },
      { name: 'b', port: b.port },
    ]);
    const browser = await launchBrowser();
    return { proxy, url: proxy.url, instances: { a, b }, media: media ?? null, browser, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * A page in its own browser context, registered and logged in as a new user through the proxy,
 * whose sockets the proxy sends to `instance` (while it is live).
 */
export async function newPinnedUser(
  bed: DeployBed,
  username: string,
  displayName: string,
  instance: InstanceName,
): Promise<TestUser> {
  const page = await newUserPage(bed.browser, bed.url, { path: null });
  await page.evaluateOnNewDocument(RECORD_PAGE);
  await page.goto(new URL('/login', bed.url).toString(), { waitUntil: 'domcontentloaded' });
  const user = await registerInPage(page, { username, password: PASSWORD, displayName });
  const session = (await page.cookies()).find((cookie) => cookie.name === 'parley_session');
  if (!session) throw new Error(`${username} has no session cookie`);
  bed.proxy.pin(session.value, instance);
  return { page, ...user };
}
