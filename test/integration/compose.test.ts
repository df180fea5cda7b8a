/**
 * docker-compose.yml read as an operator would (there is no Docker engine here): what the
 * network test bed (test/network) cannot check. Every URL a service is given names a service or
 * address reachable from that service's network, on the port the target listens on; every port
 * a client needs is published or on the host network; the variables production needs are set and
 * pass the server's and the media node's own config validation; nginx, coturn and the bed agree
 * with the stack.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig as parseMediaConfig } from '../../media-workers/src/config.js';
import { parseConfig as parseServerConfig } from '../../server/src/config/serverConfig.js';
import {
  MEDIA_PIPE_PORTS,
  MEDIA_RTC_PORT,
  TURN_PORT,
  mediaNodeEnv,
  signallingEnv,
} from '../network/bed/parleyInBed.js';

const root = new URL('../../', import.meta.url);
const composeFile = new URL('docker-compose.yml', root);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  network_mode?: string;
  networks?: string[] | Record<string, { ipv4_address?: string } | null>;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
}

interface Compose {
  services: Record<string, ComposeService>;
  networks?: Record<string, { ipam?: { config?: Array<{ subnet?: string; gateway?: string }> } }>;
}

function loadCompose(): Compose {
  return parse(readFileSync(composeFile, 'utf8'), { merge: true }) as Compose;
}

/** What an operator's .env gives (the README's variables). */
const DOT_ENV: Record<string, string> = {
  POSTGRES_PASSWORD: 'pg-password',
  JWT_SECRET: 'a-jwt-secret-of-32-characters-xx',
  MEDIA_SECRET: 'a-media-secret',
  TURN_SECRET: 'a-turn-secret',
  PUBLIC_HOST: 'meet.example.org',
  PUBLIC_IP: '203.0.113.7',
};

/** Compose interpolation: ${NAME}, ${NAME:-default}, ${NAME:?message}. */
function interpolate(value: string, vars: Record<string, string> = DOT_ENV): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, op?: string, arg?: string) => {
    const set = vars[name];
    if (set !== undefined && set !== '') return set;
    if (op === '-') return arg ?? '';
    throw new Error(`${name} is not set${op === '?' ? `: ${arg}` : ''}`);
  });
}

function envOf(service: ComposeService): Record<string, string> {
  return Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v))]));
}

function networksOf(service: ComposeService): string[] {
  if (!service.networks) return service.network_mode === 'host' ? [] : ['default'];
  return Array.isArray(service.networks) ? service.networks : Object.keys(service.networks);
}

function staticAddressOf(service: ComposeService): string | undefined {
  if (!service.networks || Array.isArray(service.networks)) return undefined;
  return Object.values(service.networks).find((n) => n?.ipv4_address)?.ipv4_address;
}

/** The port each service listens on inside its network (images' defaults, or its variables). */
function listenPortOf(name: string, service: ComposeService): number | undefined {
  const env = envOf(service);
  if (name === 'postgres') return 5432;
  if (name === 'redis') return 6379;
  if (name === 'media') return Number(env.MEDIA_RPC_PORT);
  if (env.PORT) return Number(env.PORT);
  return undefined;
}

interface Target {
  host: string;
  port: number;
}

/** `scheme://host:port…` URLs (servers and nodes) in a variable's value; comma lists too. */
function urlsIn(value: string): Target[] {
  return value
    .split(',')
    .filter((item) => /^[a-z]+:\/\//.test(item))
    .map((item) => {
      const url = new URL(item);
      const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
      return { host: url.hostname, port };
    });
}

/** Variables whose URLs are for browsers (they must name PUBLIC_HOST), not for the service. */
const CLIENT_FACING = new Set(['TURN_URLS', 'STUN_URLS', 'PUBLIC_ORIGIN']);

/**
 * Who answers at `target` from `from`: a service on a shared network by name or static address;
 * from the host network, a container's static address (the host routes to its bridges); and the
 * gateway of a network the caller shares, where a host-network service binds.
 */
function resolveTarget(compose: Compose, fromName: string, target: Target): string | null {
  const from = compose.services[fromName]!;
  const fromNets = networksOf(from);
  const hostNetwork = from.network_mode === 'host';
  for (const [name, service] of Object.entries(compose.services)) {
    if (name === fromName) continue;
    const nets = networksOf(service);
    const shared = nets.some((n) => fromNets.includes(n));
    const byName = shared && target.host === name;
    const byAddress = staticAddressOf(service) === target.host && (shared || hostNetwork);
    if ((byName || byAddress) && listenPortOf(name, service) === target.port) return name;
  }
  for (const net of fromNets) {
    const gateway = compose.networks?.[net]?.ipam?.config?.[0]?.gateway;
    if (gateway !== target.host) continue;
    for (const [name, service] of Object.entries(compose.services)) {
      if (service.network_mode !== 'host') continue;
      const env = envOf(service);
      if (env.MEDIA_RPC_HOST === gateway && Number(env.MEDIA_RPC_PORT) === target.port) return name;
    }
  }
  return null;
}

describe('docker-compose.yml (production stack)', () => {
  it('has PostgreSQL, Redis, coturn, two signalling instances, a proxy and a host-network media node', () => {
    const { services } = loadCompose();
    expect(Object.keys(services).sort()).toEqual(
      ['coturn', 'media', 'postgres', 'proxy', 'redis', 'server-1', 'server-2'].sort(),
    );
    for (const name of ['server-1', 'server-2']) {
      expect(services[name]?.command).toEqual(['node', 'server/dist/main.js']);
    }
    expect(services.media?.network_mode).toBe('host');
    expect(services.coturn?.network_mode).toBe('host');
    expect(services.media?.command).toEqual(['node', 'media-workers/dist/main.js']);
    expect(services.coturn?.volumes?.[0]).toContain('./coturn/turnserver.conf');
  });

  it('gives every service URLs it can reach from its own network, on the port the target listens on', () => {
    const compose = loadCompose();
    const unreachable: string[] = [];
    let checked = 0;
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [variable, value] of Object.entries(envOf(service))) {
        if (CLIENT_FACING.has(variable)) continue;
        for (const target of urlsIn(value)) {
          checked++;
          // MEDIA_PUBLIC_URL is where the servers reach the node: check it from a server.
          const from = variable === 'MEDIA_PUBLIC_URL' ? 'server-1' : name;
          if (resolveTarget(compose, from, target) === null) {
            unreachable.push(`${name} ${variable}: ${target.host}:${target.port} from ${from}`);
          }
        }
      }
    }
    expect(unreachable).toEqual([]);
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it('has the media node register the URL the servers use, on an address that is not public', () => {
    const { services } = loadCompose();
    const media = envOf(services.media!);
    for (const name of ['server-1', 'server-2']) {
      expect(envOf(services[name]!).MEDIA_NODE_URLS?.split(',')).toContain(media.MEDIA_PUBLIC_URL);
    }
    expect(new URL(media.MEDIA_PUBLIC_URL!).hostname).toBe(media.MEDIA_RPC_HOST);
    expect(media.MEDIA_RPC_HOST).toMatch(/^(10|172\.(1[6-9]|2\d|3[01])|192\.168)\./);
    expect(media.MEDIA_ANNOUNCED_ADDRESS).toBe(DOT_ENV.PUBLIC_IP);
  });

  it('publishes every port a client needs (web, TURN, media) and the URLs clients get name them', () => {
    const { services } = loadCompose();
    expect(services.proxy?.ports).toEqual(expect.arrayContaining(['80:80', '443:443']));
    const nginx = read('deploy/nginx.conf');
    expect(nginx).toMatch(/listen 443 ssl;/);
    expect(nginx).toMatch(/return 301 https:\/\//);
    const turnConf = read('coturn/turnserver.conf');
    const turnPort = Number(/^listening-port=(\d+)$/m.exec(turnConf)?.[1]);
    const turnsPort = Number(/^tls-listening-port=(\d+)$/m.exec(turnConf)?.[1]);
    const server = envOf(services['server-1']!);
    const turnUrls = server.TURN_URLS!.split(',');
    for (const url of turnUrls) {
      const match = /^(turns?):([^:?]+):(\d+)\?transport=(udp|tcp)$/.exec(url);
      expect(match, url).not.toBeNull();
      expect(match![2]).toBe(DOT_ENV.PUBLIC_HOST);
      expect(Number(match![3])).toBe(match![1] === 'turns' ? turnsPort : turnPort);
    }
    expect(turnUrls.some((url) => url.endsWith('transport=tcp'))).toBe(true);
    expect(server.PUBLIC_ORIGIN).toBe(`https://${DOT_ENV.PUBLIC_HOST}`);
    // The media node's RTC ports are on the host network (one per worker from MEDIA_RTC_PORT).
    const media = envOf(services.media!);
    expect(Number(media.MEDIA_RTC_PORT)).toBeGreaterThan(1023);
    expect(Number(media.MEDIA_WORKERS)).toBeGreaterThan(0);
  });

  it('sets the variables production needs, and they pass the server and media node validation', () => {
    const { services } = loadCompose();
    for (const name of ['server-1', 'server-2']) {
      const env = envOf(services[name]!);
      for (const required of [
        'NODE_ENV',
        'DATABASE_URL',
        'REDIS_URL',
        'JWT_SECRET',
        'MEDIA_SECRET',
        'MEDIA_NODE_URLS',
        'TURN_SECRET',
        'TURN_URLS',
        'PUBLIC_ORIGIN',
        'TRUST_PROXY',
      ]) {
        expect(env[required], `${name} ${required}`).toBeTruthy();
      }
      const config = parseServerConfig(env);
      expect(config.isProduction).toBe(true);
      expect(config.cookieSecure).toBe(true);
      // One proxy in front, which replaces X-Forwarded-For (deploy/nginx.conf).
      expect(config.trustProxyHops).toBe(1);
      expect(config.trustProxyDeprecatedTrue).toBe(false);
    }
    const media = envOf(services.media!);
    const config = parseMediaConfig(media);
    expect(config.isProduction).toBe(true);
    expect(config.rpcOnEveryInterface).toBe(false);
    expect(config.announcedAddress).toBe(DOT_ENV.PUBLIC_IP);
    expect(config.secret).toBe(DOT_ENV.MEDIA_SECRET);
    expect(config.pipePorts).toBeDefined();
  });

  it('runs the same roles, variables and ports as the network test bed', () => {
    const { services } = loadCompose();
    const media = envOf(services.media!);
    const bedMedia = mediaNodeEnv('198.18.0.21', 'redis://198.18.0.41:6379');
    // The bed's media host has one interface, on the public segment: its RPC listens there.
    const mediaBedOnly = new Set<string>();
    expect(
      Object.keys(bedMedia)
        .filter((k) => !mediaBedOnly.has(k))
        .sort(),
    ).toEqual(
      Object.keys(media)
        .filter((k) => k !== 'NODE_ENV')
        .sort(),
    );
    expect(media.MEDIA_RTC_PORT).toBe(String(MEDIA_RTC_PORT));
    expect(media.MEDIA_PIPE_PORTS).toBe(`${MEDIA_PIPE_PORTS.min}-${MEDIA_PIPE_PORTS.max}`);
    const turnConf = read('coturn/turnserver.conf');
    expect(Number(/^listening-port=(\d+)$/m.exec(turnConf)?.[1])).toBe(TURN_PORT);
    const server = envOf(services['server-1']!);
    const bedServer = signallingEnv({
      databaseUrl: 'postgres://x@198.18.0.41:5432/x',
      redisUrl: 'redis://198.18.0.41:6379',
      mediaRpcUrls: ['http://198.18.0.21:4000'],
      turnAddress: '198.18.0.31',
      turnSecret: 's',
    });
    // Compose only: behind nginx with TLS (the bed serves plain HTTP, no proxy), and PORT.
    const composeOnly = new Set(['NODE_ENV', 'PORT', 'PUBLIC_ORIGIN', 'TRUST_PROXY']);
    // Bed only: HOST (the image's default is 0.0.0.0 already, the tests' 127.0.0.1).
    const bedOnly = new Set(['HOST']);
    expect(
      Object.keys(bedServer)
        .filter((k) => !bedOnly.has(k))
        .sort(),
    ).toEqual(
      Object.keys(server)
        .filter((k) => !composeOnly.has(k))
        .sort(),
    );
  });

  it('has docs/deploy.md list every port of the stack', () => {
    const { services } = loadCompose();
    const media = envOf(services.media!);
    const turnConf = read('coturn/turnserver.conf');
    const value = (key: string) => new RegExp(`^${key}=(\\d+)$`, 'm').exec(turnConf)?.[1];
    const deploy = read('docs/deploy.md');
    for (const port of [
      '443',
      '80',
      value('listening-port'),
      value('tls-listening-port'),
      `${value('min-port')}-${value('max-port')}`,
      media.MEDIA_RTC_PORT,
      media.MEDIA_PIPE_PORTS,
      media.MEDIA_RPC_PORT,
      '5432',
      '6379',
    ]) {
      expect(deploy, `port ${port}`).toMatch(new RegExp(`\\b${port}\\b`));
    }
  });

  it('names only configuration variables that the README documents', () => {
    const readme = read('README.md');
    const { services } = loadCompose();
    const parleyVars = new Set<string>();
    for (const name of ['server-1', 'server-2', 'media']) {
      for (const key of Object.keys(services[name]?.environment ?? {})) parleyVars.add(key);
    }
    const undocumented = [...parleyVars].filter((v) => !readme.includes(`\`${v}\``));
    expect(undocumented).toEqual([]);
  });

  it('passes `docker compose config -q` where the Docker CLI has compose', (ctx) => {
    if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status !== 0) ctx.skip();
    const result = spawnSync('docker', ['compose', '-f', composeFile.pathname, 'config', '-q'], {
      env: { ...process.env, ...DOT_ENV },
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('deploy/nginx.conf', () => {
  it('replaces X-Forwarded-For with the address it saw (a client cannot choose it)', () => {
    const nginx = read('deploy/nginx.conf');
    expect(nginx).toMatch(/proxy_set_header X-Forwarded-For \$remote_addr;/);
    expect(nginx).not.toContain('$proxy_add_x_forwarded_for');
  });

  it('sends to exactly the signalling services, on their PORT', () => {
    const { services } = loadCompose();
    const upstream = [...read('deploy/nginx.conf').matchAll(/^\s*server ([\w-]+):(\d+);/gm)].map(
      (m) => `${m[1]}:${m[2]}`,
    );
    const servers = Object.entries(services)
      .filter(([, s]) => s.command?.[1] === 'server/dist/main.js')
      .map(([name, s]) => `${name}:${envOf(s).PORT}`);
    expect(upstream.sort()).toEqual(servers.sort());
  });
});

describe('coturn/turnserver.conf', () => {
  const conf = () => read('coturn/turnserver.conf');

  it('uses TURN REST credentials (use-auth-secret) as the server issues them', () => {
    expect(conf()).toMatch(/^use-auth-secret$/m);
    expect(conf()).toMatch(/^fingerprint$/m);
    expect(conf()).not.toMatch(/^lt-cred-mech$/m);
  });

  it('has a relay port range for thousands of allocations, and quotas', () => {
    const min = Number(/^min-port=(\d+)$/m.exec(conf())?.[1]);
    const max = Number(/^max-port=(\d+)$/m.exec(conf())?.[1]);
    expect(max - min + 1).toBeGreaterThanOrEqual(10_000);
    expect(Number(/^user-quota=(\d+)$/m.exec(conf())?.[1])).toBeGreaterThan(0);
    expect(Number(/^total-quota=(\d+)$/m.exec(conf())?.[1])).toBeGreaterThan(0);
  });

  it('never relays to private or special-purpose ranges (a send error there drops the whole allocation)', () => {
    for (const range of [
      '10.0.0.0-10.255.255.255',
      '172.16.0.0-172.31.255.255',
      '192.168.0.0-192.168.255.255',
      '127.0.0.0-127.255.255.255',
      '198.18.0.0-198.19.255.255',
    ]) {
      expect(conf()).toContain(`denied-peer-ip=${range}`);
    }
  });
});
