import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { publicUrlOf, type MediaConfig } from './config.js';
import type { Logger } from './logger.js';
import { MeetingRouters } from './MeetingRouters.js';
import { MediaNodeMetrics } from './metrics/mediaNodeMetrics.js';
import { NodeDrain } from './NodeDrain.js';
import type { Registration } from './registration.js';
import { dispatchRpc } from './rpc/dispatch.js';
import { createHandlers } from './rpc/handlers.js';
import { createRpcGate, RPC_CONCURRENCY_PER_WORKER } from './rpc/rpcGate.js';
import { createRpcServer, sameSecret } from './rpc/RpcServer.js';
import { WorkerPool } from './WorkerPool.js';

const LOAD_SAMPLE_MS = 2_000;

export interface MediaNode {
  nodeId: string;
  /** The RPC URL servers use (MEDIA_PUBLIC_URL or derived from the bound port). */
  url: string;
  port: number;
  pool: WorkerPool;
  routers: MeetingRouters;
  /** Drain (SIGTERM, the `drain` RPC): `drain.start()`, then `drain.finished`. */
  drain: NodeDrain;
  metrics: MediaNodeMetrics;
  /** Graceful stop: stop accepting, close RPC, close workers, deregister. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a media node: the worker pool, meeting routers, the RPC server (plus GET /health on the
 * same port) and, with Redis, the discovery registration.
 */
export async function startMediaNode(config: MediaConfig, logger: Logger): Promise<MediaNode> {
  const startedAt = new Date().toISOString();
  const metrics = new MediaNodeMetrics();
  const pool = new WorkerPool({
    metrics,
    workers: config.workers,
    listenIp: config.listenIp,
    secondListenIp: config.secondListenIp,
    announcedAddress: config.announcedAddress,
    rtcPort: config.rtcPort,
    logger,
  });
  await pool.start();
  const routers = new MeetingRouters(pool, logger, config.maxIncomingBitrate, config.layerProbeMs);
  let url = config.publicUrl ?? '';

  const httpServer = http.createServer((req, res) => {
    // Internals (node id, worker pids and load, metrics) only for whoever holds MEDIA_SECRET.
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (req.method === 'GET' && req.url === '/metrics') {
      if (!sameSecret(bearer, config.secret)) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'unauthorized', message: 'MEDIA_SECRET as bearer token' } }));
        return;
      }
      void metrics.registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
        res.end(text);
      });
      return;
    }
    if (req.method === 'GET' && req.url === '/health') {
      const body = sameSecret(bearer, config.secret)
        ? { status: 'ok', nodeId: config.nodeId, workers: pool.loads() }
        : { status: 'ok' };
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
      return;
    }
    // socket.io answers its own path before this handler runs.
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'not_found', message: 'not found' } }));
  });

  let registration: Registration | null = null;
  // `rpc` is created below; the drain only starts once the node serves requests.
  const drain: NodeDrain = new NodeDrain({
    routers,
    maxMs: config.drainMaxMs,
    logger,
    onStart: () => {
      rpc.notify({ event: 'nodeDraining', data: { nodeId: config.nodeId } });
      void registration?.refresh();
    },
  });
  const handlers = createHandlers({
    nodeId: config.nodeId,
    drain,
    url: () => url,
    startedAt,
    pool,
    routers,
    pipe: { listenIp: config.listenIp, announcedAddress: config.announcedAddress, portRange: config.pipePorts },
  });
  const gate = createRpcGate(RPC_CONCURRENCY_PER_WORKER * config.workers);
  metrics.watchRpcGate(gate);
  const rpc = createRpcServer({
    httpServer,
    secret: config.secret,
    logger,
    dispatch: (payload) =>
      metrics.timeRpc(payload, () => gate.run(payload, () => dispatchRpc(handlers, payload, logger))),
  });

  routers.on('routersLost', ({ workerIndex, pid, meetingIds }) =>
    rpc.notify({ event: 'workerDied', data: { nodeId: config.nodeId, workerIndex, pid, meetingIds } }),
  );
  routers.on('meetingRebuilt', (meetingId) =>
    rpc.notify({ event: 'meetingRebuilt', data: { nodeId: config.nodeId, meetingId } }),
  );
  routers.on('notification', (notification) => rpc.notify(notification));
  pool.on('workerReplaced', (slot) =>
    rpc.notify({
      event: 'workerReplaced',
      data: { nodeId: config.nodeId, workerIndex: slot.index, pid: slot.worker.pid },
    }),
  );

  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.rpcPort, config.rpcHost, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await pool.close();
    throw error;
  }
  const port = (httpServer.address() as AddressInfo).port;
  url = publicUrlOf(config, port);

  await pool.sampleLoad();
  const sampler = setInterval(() => void pool.sampleLoad(), LOAD_SAMPLE_MS);

  if (config.redisUrl) {
    // Loaded only when used: ioredis adds ~20 MB to an idle node.
    const { startRegistration } = await import('./registration.js');
    registration = await startRegistration({
      redisUrl: config.redisUrl,
      prefix: config.redisPrefix,
      nodeId: config.nodeId,
      url,
      startedAt,
      loads: () => pool.loads(),
      draining: () => drain.draining,
      logger,
    });
  }
  logger.info(
    { url, rpcHost: config.rpcHost, port, workers: config.workers, redis: Boolean(config.redisUrl) },
    'media node ready',
  );

  let closing: Promise<void> | null = null;
  return {
    nodeId: config.nodeId,
    url,
    port,
    pool,
    routers,
    drain,
    metrics,
    close() {
      closing ??= (async () => {
        clearInterval(sampler);
        await rpc.close();
        routers.closeAll();
        await pool.close();
        await registration?.stop();
        logger.info('media node stopped');
      })();
      return closing;
    },
  };
}
