import { EventEmitter } from 'node:events';
import { type WorkerLoad } from '@parley/protocol';
import { MediaNodeRegistration, mediaNodeRedisKey, type MediaNotification } from '@parley/protocol/internal';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { MediaNodeClient } from './MediaNodeClient.js';
import { trustedNodeUrls } from './trustedNodeUrls.js';

export interface MediaNodeSummary {
  /** The node's MEDIA_NODE_ID once known (from Redis or getLoad), else its URL. */
  id: string;
  url: string;
  connected: boolean;
  /** Latest getLoad answer; empty while disconnected. */
  workers: WorkerLoad[];
  /** The node is draining: nothing new goes to it, its meetings move away. */
  draining: boolean;
}

export interface MediaClusterOptions {
  /** Discovery through `<redisPrefix>media:node:*` keys; null → static URLs only. */
  redis: Redis | null;
  /** MEDIA_NODE_URLS: nodes reached without Redis (may also be registered there). */
  staticUrls: string[];
  /**
   * MEDIA_NODE_URL_PATTERN: registered URLs the secret may go to; empty or absent: private,
   * loopback and link-local hosts only. A registration elsewhere is ignored (and logged).
   */
  urlPatterns?: readonly string[];
  secret: string;
  logger: Logger;
  /** Prefix of Redis keys, the same as the nodes' REDIS_PREFIX (default "parley:"). */
  redisPrefix?: string;
  /** Redis scan and getLoad poll period, default 2 s. */
  intervalMs?: number;
  requestTimeoutMs?: number;
  /**
   * SFU_NODE_LOST_GRACE_MS: a node whose connection dropped is declared lost (`onNodeLost`) when
   * it has not come back within this time, or at once when it comes back as a new process or its
   * registration goes. Default 2 s.
   */
  lostGraceMs?: number;
}

export type MediaNotificationListener = (nodeId: string, notification: MediaNotification) => void;
/** A node is lost: everything this server had on it must be considered gone. */
export type MediaNodeLostListener = (nodeId: string) => void;
/** A node is connected and has reported its load (it can take meetings). */
export type MediaNodeUpListener = (nodeId: string) => void;
/** A node said it is draining (its `nodeDraining` notification or its load). */
export type MediaNodeDrainingListener = (nodeId: string) => void;

interface NodeEntry {
  url: string;
  registeredId: string | undefined;
  reportedId: string | undefined;
  client: MediaNodeClient;
  workers: WorkerLoad[];
  polling: boolean;
  /** The node process's start time (getLoad), to tell a reconnect from a restart. */
  startedAt: string | undefined;
  /** Pending after a disconnect: fires the loss unless the same process reconnects first. */
  lostTimer: NodeJS.Timeout | undefined;
  /** Connected, `up` not announced yet (after the first getLoad). */
  pendingUp: boolean;
  /** The node reported `draining` (getLoad or its notification). */
  draining: boolean;
}

/**
 * The media nodes this signalling server uses: discovered from Redis registrations (scanned
 * every 2 s) plus static URLs, one MediaNodeClient each (keyed by URL), and their load (getLoad
 * every 2 s).
 */
export function createMediaCluster(options: MediaClusterOptions) {
  const { redis, secret, logger } = options;
  const prefix = options.redisPrefix ?? 'parley:';
  const intervalMs = options.intervalMs ?? 2_000;
  const staticUrls = [...new Set(options.staticUrls.map((u) => new URL(u).origin))];
  const entries = new Map<string, NodeEntry>();
  const lostGraceMs = options.lostGraceMs ?? 2_000;
  const events = new EventEmitter<{
    notification: Parameters<MediaNotificationListener>;
    lost: Parameters<MediaNodeLostListener>;
    up: Parameters<MediaNodeUpListener>;
    draining: Parameters<MediaNodeDrainingListener>;
  }>();
  /** Last successful Redis scan: url → node id (kept while Redis is unreachable). */
  let registered = new Map<string, string>();
  const trusted = trustedNodeUrls(options.urlPatterns ?? []);
  /** Registered URLs refused so far (each is logged once). */
  const refused = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let started = false;

  const idOf = (e: NodeEntry) => e.reportedId ?? e.registeredId ?? e.url;

  async function scanRedis(): Promise<void> {
    if (!redis) return;
    const pattern = mediaNodeRedisKey(prefix, '*');
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 100);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    const values = keys.length ? await redis.mget(...keys) : [];
    const found = new Map<string, string>();
    for (const value of values) {
      if (!value) continue; // expired between SCAN and MGET
      try {
        const reg = MediaNodeRegistration.safeParse(JSON.parse(value));
        if (!reg.success) continue;
        const origin = new URL(reg.data.url).origin;
        if (trusted(origin) || staticUrls.includes(origin)) found.set(origin, reg.data.id);
        else if (!refused.has(origin)) {
          refused.add(origin);
          logger.warn(
            { mediaNode: origin, id: reg.data.id },
            'media node registration ignored: its URL does not match MEDIA_NODE_URL_PATTERN (private addresses by default), so MEDIA_SECRET is not sent there',
          );
        }
      } catch {
        /* not JSON: ignore */
      }
    }
    registered = found;
  }

  async function poll(entry: NodeEntry): Promise<void> {
    if (!entry.client.connected || entry.polling) return;
    entry.polling = true;
    try {
      const load = await entry.client.request('getLoad', {}, { timeoutMs: Math.max(1_000, intervalMs) });
      const restarted = entry.startedAt !== undefined && entry.startedAt !== load.startedAt;
      entry.reportedId = load.nodeId;
      entry.workers = load.workers;
      entry.startedAt = load.startedAt;
      if (restarted) entry.draining = false;
      if (load.draining) markDraining(entry);
      if (entry.lostTimer) {
        // Back within the grace: the same process lost nothing; a new one lost everything.
        if (restarted) declareLost(entry);
        clearTimeout(entry.lostTimer);
        entry.lostTimer = undefined;
      }
      if (entry.pendingUp) {
        entry.pendingUp = false;
        events.emit('up', idOf(entry));
      }
    } catch (error) {
      logger.debug({ mediaNode: entry.url, err: (error as Error).message }, 'getLoad failed');
    } finally {
      entry.polling = false;
    }
  }

  function markDraining(entry: NodeEntry): void {
    if (entry.draining) return;
    entry.draining = true;
    logger.info({ mediaNode: entry.url, id: idOf(entry) }, 'media node draining: its meetings move to other nodes');
    events.emit('draining', idOf(entry));
  }

  function addEntry(url: string): NodeEntry {
    const client = new MediaNodeClient({
      url,
      secret,
      logger,
      ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    });
    const entry: NodeEntry = {
      url,
      registeredId: undefined,
      reportedId: undefined,
      client,
      workers: [],
      polling: false,
      startedAt: undefined,
      lostTimer: undefined,
      pendingUp: false,
      draining: false,
    };
    client.on('connect', () => {
      entry.pendingUp = true;
      void poll(entry);
    });
    client.on('disconnect', () => {
      entry.workers = [];
      entry.pendingUp = false;
      clearTimeout(entry.lostTimer);
      entry.lostTimer = setTimeout(() => {
        entry.lostTimer = undefined;
        declareLost(entry);
      }, lostGraceMs);
      entry.lostTimer.unref();
    });
    client.on('notification', (n) => {
      if (n.event === 'workerDied' || n.event === 'workerReplaced') void poll(entry);
      if (n.event === 'nodeDraining') markDraining(entry);
      events.emit('notification', idOf(entry), n);
    });
    entries.set(url, entry);
    logger.info({ mediaNode: url }, 'media node added');
    return entry;
  }

  function declareLost(entry: NodeEntry): void {
    logger.warn({ mediaNode: entry.url, id: idOf(entry) }, 'media node lost');
    events.emit('lost', idOf(entry));
  }

  /** Scans Redis (keeping the last result if it fails), then adds and removes clients. */
  async function reconcile(): Promise<void> {
    try {
      await scanRedis();
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'media node discovery: redis scan failed');
    }
    const wanted = new Set([...staticUrls, ...registered.keys()]);
    for (const [url, entry] of entries) {
      if (wanted.has(url)) continue;
      entry.client.close();
      entries.delete(url);
      if (entry.lostTimer) {
        clearTimeout(entry.lostTimer);
        declareLost(entry);
      }
      logger.info({ mediaNode: url, id: idOf(entry) }, 'media node removed (registration gone)');
    }
    for (const url of wanted) {
      const entry = entries.get(url) ?? addEntry(url);
      entry.registeredId = registered.get(url);
    }
  }

  async function tick(): Promise<void> {
    await reconcile();
    await Promise.all([...entries.values()].map(poll));
  }

  function schedule(): void {
    timer = setTimeout(() => {
      void tick().finally(() => {
        if (started) schedule();
      });
    }, intervalMs);
    timer.unref();
  }

  return {
    /** First discovery (does not wait for connections), then every `intervalMs`. */
    async start(): Promise<void> {
      if (started) return;
      started = true;
      await reconcile();
      schedule();
    },

    stop(): Promise<void> {
      started = false;
      clearTimeout(timer);
      for (const entry of entries.values()) {
        clearTimeout(entry.lostTimer);
        entry.client.close();
      }
      entries.clear();
      events.removeAllListeners();
      return Promise.resolve();
    },

    nodes(): MediaNodeSummary[] {
      return [...entries.values()].map((e) => ({
        id: idOf(e),
        url: e.url,
        connected: e.client.connected,
        workers: e.client.connected ? e.workers : [],
        draining: e.draining,
      }));
    },

    /** The client of a node, by id or URL. */
    client(nodeId: string): MediaNodeClient | undefined {
      for (const e of entries.values()) {
        if (idOf(e) === nodeId || e.url === nodeId) return e.client;
      }
      return undefined;
    },

    /** Notifications from every node (e.g. workerDied); returns an unsubscribe function. */
    onNotification(listener: MediaNotificationListener): () => void {
      events.on('notification', listener);
      return () => events.off('notification', listener);
    },

    /** A node is lost (crash, restart, network; after the grace); returns an unsubscribe function. */
    onNodeLost(listener: MediaNodeLostListener): () => void {
      events.on('lost', listener);
      return () => events.off('lost', listener);
    },

    /** A node started draining; returns an unsubscribe function. */
    onNodeDraining(listener: MediaNodeDrainingListener): () => void {
      events.on('draining', listener);
      return () => events.off('draining', listener);
    },

    /** A node (re)connected and reported its load; returns an unsubscribe function. */
    onNodeUp(listener: MediaNodeUpListener): () => void {
      events.on('up', listener);
      return () => events.off('up', listener);
    },
  };
}

export type MediaCluster = ReturnType<typeof createMediaCluster>;
