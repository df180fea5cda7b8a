/**
 * Parley deployed on the bed's public segment the way docker-compose.yml deploys it (the same
 * roles, variables and ports; docs/deploy.md):
 * - `data` (198.18.0.41): PostgreSQL 5432 and Redis 6379, forwarded to the machine's test
 *   PostgreSQL and Redis (own database and key prefix) through Unix sockets;
 * - `sig1`, `sig2` (198.18.0.11, .12): signalling servers on port 443, sharing the database and
 *   Redis, with every media node in MEDIA_NODE_URLS and TURN over UDP and TCP;
 * - `med1`, `med2` (198.18.0.21, .22): media nodes listening on 0.0.0.0, each announcing its own
 *   address (MEDIA_ANNOUNCED_ADDRESS), RTC port 40000, pipes in MEDIA_PIPE_PORTS, RPC on 4000,
 *   registered in Redis;
 * - `turn` (198.18.0.31): coturn with the shipped coturn/turnserver.conf, listening on 3478.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_MEDIA_SECRET } from '../../support/mediaNodeProcess.js';
import { serverEnv } from '../../support/serverProcess.js';
import {
  POSTGRES_ADMIN_URL,
  TEST_REDIS_URL,
  clearRedisPrefix,
  createTestDatabase,
  freshRedisPrefix,
} from '../../support/testDatabase.js';
import { REPO_ROOT, httpGetIn, startInHost, stopAllHostProcesses, waitUntil, type HostProcess } from './hostProcess.js';
import { PUBLIC_SUBNET, type PublicHost, type TestBed } from './topology.js';

export const WEB_PORT = 443;
export const TURN_PORT = 3478;
export const MEDIA_RTC_PORT = 40000;
export const MEDIA_PIPE_PORTS = { min: 41000, max: 41999 };
const MEDIA_RPC_PORT = 4000;
const FORWARDER = join(REPO_ROOT, 'test', 'network', 'bed', 'forward.mjs');

export interface DeployOptions {
  label: string;
  /** Extra environment of both signalling servers. */
  serverEnv?: Record<string, string>;
}

export interface SignallingHost {
  host: PublicHost;
  url: string;
  proc: HostProcess;
}

export interface MediaHost {
  host: PublicHost;
  rpcUrl: string;
  proc: HostProcess;
}

export interface ParleyInBed {
  servers: SignallingHost[];
  media: MediaHost[];
  turn: { host: PublicHost; proc: HostProcess; secret: string };
  /** Every origin pages are served from. */
  origins: string[];
  close(): Promise<void>;
}

const hostPort = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port}`;
};

async function healthy(host: PublicHost, url: string, what: string, proc: HostProcess): Promise<void> {
  await waitUntil(
    async () => {
      if (!proc.isRunning()) throw new Error(`${what} exited:\n${proc.logTail()}`);
      return (await httpGetIn(host.ns, url)).status === 200;
    },
    40_000,
    `${what} did not answer 200 at ${url}:\n${proc.logTail()}`,
  );
}

/**
 * The deployment variables of a media node in the bed: the same set docker-compose.yml gives
 * its media node (compose.test.ts compares them), with the bed's addresses.
 */
export function mediaNodeEnv(address: string, redisUrl: string): Record<string, string> {
  return {
    REDIS_URL: redisUrl,
    MEDIA_SECRET: TEST_MEDIA_SECRET,
    MEDIA_LISTEN_IP: '0.0.0.0',
    MEDIA_ANNOUNCED_ADDRESS: address,
    MEDIA_RPC_HOST: '0.0.0.0',
    MEDIA_RPC_PORT: String(MEDIA_RPC_PORT),
    MEDIA_PUBLIC_URL: `http://${address}:${MEDIA_RPC_PORT}`,
    MEDIA_RTC_PORT: String(MEDIA_RTC_PORT),
    MEDIA_WORKERS: '1',
    MEDIA_PIPE_PORTS: `${MEDIA_PIPE_PORTS.min}-${MEDIA_PIPE_PORTS.max}`,
  };
}

/** The deployment variables of a signalling server in the bed (compose.test.ts compares them). */
export function signallingEnv(o: {
  databaseUrl: string;
  redisUrl: string;
  mediaRpcUrls: string[];
  turnAddress: string;
  turnSecret: string;
}): Record<string, string> {
  return {
    HOST: '0.0.0.0',
    DATABASE_URL: o.databaseUrl,
    REDIS_URL: o.redisUrl,
    // Shared by every instance, so a session of one is valid on the other.
    JWT_SECRET: 'parley-bed-jwt-secret-of-32-chars',
    MEDIA_SECRET: TEST_MEDIA_SECRET,
    MEDIA_NODE_URLS: o.mediaRpcUrls.join(','),
    TURN_SECRET: o.turnSecret,
    TURN_URLS: [
      `turn:${o.turnAddress}:${TURN_PORT}?transport=udp`,
      `turn:${o.turnAddress}:${TURN_PORT}?transport=tcp`,
    ].join(','),
  };
}

export async function deployParley(bed: TestBed, options: DeployOptions): Promise<ParleyInBed> {
  const data = bed.addPublicHost('data', 41);
  const sig = [bed.addPublicHost('sig1', 11), bed.addPublicHost('sig2', 12)];
  const med = [bed.addPublicHost('med1', 21), bed.addPublicHost('med2', 22)];
  const turnHost = bed.addPublicHost('turn', 31);

  const work = mkdtempSync(join(tmpdir(), 'parley-bed-'));
  const db = await createTestDatabase(options.label);
  const redisPrefix = freshRedisPrefix(options.label);
  const turnSecret = `bed-turn-${Date.now()}`;
  const close = async () => {
    await stopAllHostProcesses();
    await db.drop().catch(() => undefined);
    await clearRedisPrefix(redisPrefix).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  };

  try {
    // PostgreSQL and Redis of the machine, reachable at data:5432 and data:6379.
    const pgSocket = join(work, 'pg.sock');
    const redisSocket = join(work, 'redis.sock');
    const outside = startInHost(null, 'forward-machine', process.execPath, [
      FORWARDER,
      `${pgSocket}=${hostPort(POSTGRES_ADMIN_URL)}`,
      `${redisSocket}=${hostPort(TEST_REDIS_URL)}`,
    ]);
    const inside = startInHost(data.ns, 'forward-data', process.execPath, [
      FORWARDER,
      `${data.address}:5432=${pgSocket}`,
      `${data.address}:6379=${redisSocket}`,
    ]);
    for (const forwarder of [outside, inside]) {
      await waitUntil(
        () => (forwarder.logTail().match(/^forwarding/gm) ?? []).length === 2,
        10_000,
        `forwarder ${forwarder.name} did not start:\n${forwarder.logTail()}`,
      );
    }
    const databaseUrl = new URL(db.url);
    databaseUrl.host = `${data.address}:5432`;
    const redisUrl = `redis://${data.address}:6379`;

    const turnDir = join(work, 'turn');
    const turnProc = startInHost(turnHost.ns, 'coturn', 'turnserver', [
      '-c',
      join(REPO_ROOT, 'coturn', 'turnserver.conf'),
      `--listening-ip=${turnHost.address}`,
      `--relay-ip=${turnHost.address}`,
      // The shipped configuration denies the whole 198.18.0.0/15 (not routed on the Internet);
      // the bed's public segment is the Internet here. Client LANs (198.19.x) stay denied.
      `--allowed-peer-ip=${PUBLIC_SUBNET}.0-${PUBLIC_SUBNET}.255`,
      `--static-auth-secret=${turnSecret}`,
      '--realm=parley.test',
      `--pidfile=${turnDir}.pid`,
      `--userdb=${turnDir}.db`,
      '--no-tls',
      '--no-dtls',
      '--verbose',
    ]);

    const mediaHosts: MediaHost[] = med.map((host) => {
      const rpcUrl = `http://${host.address}:${MEDIA_RPC_PORT}`;
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        DATA_DIR: join(work, host.name),
        MEDIA_NODE_ID: host.name,
        REDIS_PREFIX: redisPrefix,
        ...mediaNodeEnv(host.address, redisUrl),
      };
      const proc = startInHost(host.ns, host.name, process.execPath, ['media-workers/dist/main.js'], env);
      return { host, rpcUrl, proc };
    });
    for (const node of mediaHosts) await healthy(node.host, `${node.rpcUrl}/health`, node.host.name, node.proc);

    const servers: SignallingHost[] = sig.map((host) => {
      const env = serverEnv(WEB_PORT, join(work, host.name), {
        REDIS_PREFIX: redisPrefix,
        ...signallingEnv({
          databaseUrl: databaseUrl.toString(),
          redisUrl,
          mediaRpcUrls: mediaHosts.map((node) => node.rpcUrl),
          turnAddress: turnHost.address,
          turnSecret,
        }),
        ...options.serverEnv,
      });
      const proc = startInHost(host.ns, host.name, process.execPath, ['server/dist/main.js'], env);
      return { host, url: `http://${host.address}:${WEB_PORT}`, proc };
    });
    for (const server of servers) await healthy(server.host, `${server.url}/health`, server.host.name, server.proc);
    // Both servers see both media nodes before anyone joins.
    for (const server of servers) {
      await waitUntil(
        async () => {
          const answer = await httpGetIn(server.host.ns, `${server.url}/health`);
          const health = JSON.parse(answer.body) as { media?: { connected?: number } };
          return health.media?.connected === mediaHosts.length;
        },
        20_000,
        `${server.host.name} does not reach both media nodes`,
      );
    }
    if (!turnProc.isRunning()) throw new Error(`coturn exited:\n${turnProc.logTail()}`);

    return {
      servers,
      media: mediaHosts,
      turn: { host: turnHost, proc: turnProc, secret: turnSecret },
      origins: servers.map((server) => server.url),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The signalling server's /health, read from inside its host. */
export async function serverHealth(server: SignallingHost): Promise<{
  media: { load: Array<{ id: string; consumers: number; producers: number }> };
}> {
  const answer = await httpGetIn(server.host.ns, `${server.url}/health`);
  return JSON.parse(answer.body) as { media: { load: Array<{ id: string; consumers: number; producers: number }> } };
}
