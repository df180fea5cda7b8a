import os from 'node:os';
import { resolve } from 'node:path';
import { isPrivateIpv4, isPrivateIpv6 } from '@parley/protocol';
import { z } from 'zod';

/** A bad environment variable; the message is the one line printed before exiting. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface MediaConfig {
  isProduction: boolean;
  /** Number of mediasoup workers (one per core). */
  workers: number;
  /** IP the WebRtcServers listen on. */
  listenIp: string;
  /**
   * A second IP the WebRtcServers listen on (same ports), or undefined. Set by default outside
   * production, where listenIp defaults to loopback: this host's first external IPv4, because
   * Firefox gathers no loopback ICE candidates and so cannot reach a loopback-only media node
   * (Chromium uses the loopback candidate, which comes first).
   */
  secondListenIp: string | undefined;
  /** Address put in ICE candidates instead of listenIp (public IP or hostname), if any. */
  announcedAddress: string | undefined;
  /** Worker i listens on rtcPort + i (UDP and TCP). */
  rtcPort: number;
  /** UDP ports of pipe (node-to-node) and plain RTP transports; undefined → any free port. */
  pipePorts: { min: number; max: number } | undefined;
  rpcHost: string;
  /** 0 = any free port (tests). */
  rpcPort: number;
  /** The RPC URL servers use to reach this node; undefined → derived once the port is known. */
  publicUrl: string | undefined;
  nodeId: string;
  /** MEDIA_SECRET; empty after parseConfig when unset outside production (main reads DATA_DIR/media-secret). */
  secret: string;
  /** DATA_DIR (absolute): where the development media secret is kept, shared with the server. */
  dataDir: string;
  /** MEDIA_RPC_HOST was given as a wildcard address (0.0.0.0 or ::): main warns in production. */
  rpcOnEveryInterface: boolean;
  redisUrl: string | undefined;
  /** Prefix of Redis keys, shared with the signalling servers (default "parley:"). */
  redisPrefix: string;
  logLevel: LogLevel;
  /** MEDIA_MAX_INCOMING_BITRATE: bits per second one WebRTC transport may send the node (0: no cap). */
  maxIncomingBitrate: number;
  /**
   * MEDIA_DRAIN_MAX_MS: after SIGTERM (or the `drain` RPC) the node waits for its client
   * transports to go (servers move its meetings to other nodes, or they end), at most this long,
   * then exits anyway. Default 10 minutes.
   */
  drainMaxMs: number;
  /**
   * MEDIA_LAYER_PROBE_MS: while a page receives a lower simulcast layer than it asked for, how
   * often its receive transport asks mediasoup's bandwidth estimator for a probe (0: never).
   */
  layerProbeMs: number;
}

export type Env = Record<string, string | undefined>;

const int = (min: number, max: number) => {
  const message = `must be an integer ${min}-${max}`;
  return z
    .string()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message));
};
const portRange = z
  .string()
  .regex(/^\d+-\d+$/, 'must be MIN-MAX, e.g. 41000-41999')
  .transform((raw) => raw.split('-').map(Number) as [number, number])
  .refine(([min, max]) => min >= 1024 && max <= 65535 && min <= max, 'must be MIN-MAX with 1024 <= MIN <= MAX <= 65535')
  .transform(([min, max]) => ({ min, max }));
const ip = z.union([z.ipv4(), z.ipv6()], 'must be an IPv4 or IPv6 address');
const host = z.string().regex(/^[A-Za-z0-9.:_-]+$/, 'must be a hostname or IP address');
const httpUrl = z
  .url('must be an http(s) URL')
  .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL')
  .transform((u) => new URL(u).origin);

/**
 * Reads the media node's settings from the environment. Throws a ConfigError naming the first
 * bad variable.
 */
export function parseConfig(env: Env = process.env, cwd: string = process.cwd()): MediaConfig {
  const isProduction = env.NODE_ENV === 'production';

  function read<T>(name: string, schema: z.ZodType<T, string>): T | undefined {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return undefined;
    const result = schema.safeParse(raw);
    if (result.success) return result.data;
    throw new ConfigError(
      `Invalid configuration: ${name} ${result.error.issues[0]?.message ?? 'is invalid'} (got "${raw}")`,
    );
  }

  const rtcPort = read('MEDIA_RTC_PORT', int(1, 65535)) ?? 40000;
  const workers = read('MEDIA_WORKERS', int(1, 256)) ?? os.availableParallelism();
  if (rtcPort + workers - 1 > 65535) {
    throw new ConfigError(
      `Invalid configuration: MEDIA_RTC_PORT ${rtcPort} + MEDIA_WORKERS ${workers} goes past port 65535`,
    );
  }
  const pipePorts = read('MEDIA_PIPE_PORTS', portRange);
  if (pipePorts && pipePorts.min <= rtcPort + workers - 1 && pipePorts.max >= rtcPort) {
    throw new ConfigError(
      `Invalid configuration: MEDIA_PIPE_PORTS ${pipePorts.min}-${pipePorts.max} overlaps the RTC ports ${rtcPort}-${rtcPort + workers - 1}`,
    );
  }
  const secret = read('MEDIA_SECRET', z.string().min(8, 'must be at least 8 characters'));
  if (isProduction && !secret) {
    throw new ConfigError('Invalid configuration: MEDIA_SECRET is required when NODE_ENV=production');
  }
  const rpcHost = read('MEDIA_RPC_HOST', host) ?? (isProduction ? privateRpcHost() : '127.0.0.1');
  const logLevel = read(
    'LOG_LEVEL',
    z.enum(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      'must be one of fatal, error, warn, info, debug, trace, silent',
    ),
  );

  const givenListenIp = read('MEDIA_LISTEN_IP', ip);
  const listenIp = givenListenIp ?? (isProduction ? '0.0.0.0' : '127.0.0.1');
  const wildcard = listenIp === '0.0.0.0' || listenIp === '::';
  const givenAnnounced = read('MEDIA_ANNOUNCED_ADDRESS', host);

  return {
    isProduction,
    workers,
    listenIp,
    secondListenIp: givenListenIp === undefined && !isProduction && !givenAnnounced ? firstExternalIpv4() : undefined,
    // ICE candidates must carry a reachable address, never 0.0.0.0: default to this host's
    // first external IPv4 (right on a LAN; behind NAT set MEDIA_ANNOUNCED_ADDRESS).
    announcedAddress: givenAnnounced ?? (wildcard ? firstExternalIpv4() : undefined),
    rtcPort,
    pipePorts,
    rpcHost,
    rpcPort: read('MEDIA_RPC_PORT', int(0, 65535)) ?? 4000,
    publicUrl: read('MEDIA_PUBLIC_URL', httpUrl),
    nodeId:
      read('MEDIA_NODE_ID', z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 of [A-Za-z0-9._:-]')) ??
      `${os.hostname()}-${process.pid}`,
    secret: secret ?? '',
    dataDir: resolve(cwd, read('DATA_DIR', z.string().min(1)) ?? './data'),
    rpcOnEveryInterface: rpcHost === '0.0.0.0' || rpcHost === '::',
    redisUrl: read('REDIS_URL', z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')),
    redisPrefix:
      read('REDIS_PREFIX', z.string().regex(/^[A-Za-z0-9._:-]{0,64}$/, 'must be up to 64 of [A-Za-z0-9._:-]')) ??
      'parley:',
    logLevel: logLevel ?? 'info',
    maxIncomingBitrate: read('MEDIA_MAX_INCOMING_BITRATE', int(0, 1_000_000_000)) ?? 10_000_000,
    drainMaxMs: read('MEDIA_DRAIN_MAX_MS', int(0, 86_400_000)) ?? 600_000,
    layerProbeMs: read('MEDIA_LAYER_PROBE_MS', int(0, 60_000)) ?? 2000,
  };
}

/** This host's first private address: IPv4 (RFC 1918, CGNAT) first, then IPv6 unique-local. */
export function firstPrivateAddress(): string | undefined {
  const all = Object.values(os.networkInterfaces()).flatMap((addresses) => addresses ?? []);
  const external = all.filter((a) => !a.internal);
  const v4 = external.find((a) => a.family === 'IPv4' && isPrivateIpv4(a.address));
  if (v4) return v4.address;
  return external.find((a) => a.family === 'IPv6' && isPrivateIpv6(a.address) && !/^fe80:/i.test(a.address))?.address;
}

/**
 * In production the RPC listens on a private address by default, never on every interface: it
 * carries MEDIA_SECRET over plain HTTP. No private address: MEDIA_RPC_HOST must be set.
 */
function privateRpcHost(): string {
  const address = firstPrivateAddress();
  if (address) return address;
  throw new ConfigError(
    'Invalid configuration: MEDIA_RPC_HOST is required when NODE_ENV=production and this host has no private address (the RPC must not listen on a public one)',
  );
}

function firstExternalIpv4(): string | undefined {
  for (const addresses of Object.values(os.networkInterfaces())) {
    const found = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (found) return found.address;
  }
  return undefined;
}

/** The URL servers use: MEDIA_PUBLIC_URL, else http://<rpc host>:<port> (the hostname for 0.0.0.0/::). */
export function publicUrlOf(config: MediaConfig, boundPort: number): string {
  if (config.publicUrl) return config.publicUrl;
  const wildcard = config.rpcHost === '0.0.0.0' || config.rpcHost === '::';
  const h = wildcard ? os.hostname() : config.rpcHost;
  return `http://${h.includes(':') ? `[${h}]` : h}:${boundPort}`;
}
