/**
 * Set-up of the SFU browser tests (ports 3800-3899): a real media node process
 * (`node media-workers/dist/main.js`, MEDIA_WORKERS=2), a real server process pointed at it
 * with MEDIA_NODE_URLS (own database and Redis key prefix) serving a private copy of the built
 * client, and one headless Chromium. The freeze monitor (freezeMonitor.ts) is re-exported here.
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

export { startFreezeMonitor, stopFreezeMonitor, type FreezeResult } from './freezeMonitor.js';

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
