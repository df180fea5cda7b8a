import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, firstPrivateAddress, parseConfig, publicUrlOf } from '../src/config.js';

describe('media node configuration (parseConfig)', () => {
  it('has development defaults', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      isProduction: false,
      workers: os.availableParallelism(),
      listenIp: '127.0.0.1',
      announcedAddress: undefined,
      rtcPort: 40000,
      rpcHost: '127.0.0.1',
      rpcPort: 4000,
      // No fixed development secret: main.ts generates one per DATA_DIR (DATA_DIR/media-secret).
      secret: '',
      redisUrl: undefined,
      redisPrefix: 'parley:',
      logLevel: 'info',
    });
    expect(c.nodeId).toBe(`${os.hostname()}-${process.pid}`);
    expect(publicUrlOf(c, 4000)).toBe('http://127.0.0.1:4000');
  });

  it('also listens on the first external IPv4 by default outside production (Firefox has no loopback candidates)', () => {
    const external = Object.values(os.networkInterfaces())
      .flatMap((addresses) => addresses ?? [])
      .find((a) => a.family === 'IPv4' && !a.internal)?.address;
    expect(parseConfig({}).secondListenIp).toBe(external);
    expect(parseConfig({ MEDIA_LISTEN_IP: '127.0.0.1' }).secondListenIp).toBeUndefined();
    expect(parseConfig({ MEDIA_ANNOUNCED_ADDRESS: 'media.example.org' }).secondListenIp).toBeUndefined();
    expect(
      parseConfig({ NODE_ENV: 'production', MEDIA_SECRET: 'a-long-secret', MEDIA_RPC_HOST: '0.0.0.0' }).secondListenIp,
    ).toBeUndefined();
  });

  it('MEDIA_DRAIN_MAX_MS: 10 minutes by default, a whole number of ms', () => {
    expect(parseConfig({}).drainMaxMs).toBe(600_000);
    expect(parseConfig({ MEDIA_DRAIN_MAX_MS: '1500' }).drainMaxMs).toBe(1500);
    expect(() => parseConfig({ MEDIA_DRAIN_MAX_MS: 'soon' })).toThrow(/MEDIA_DRAIN_MAX_MS/);
  });

  it('takes DATA_DIR for the development secret file', () => {
    expect(parseConfig({}, '/srv/parley').dataDir).toBe('/srv/parley/data');
    expect(parseConfig({ DATA_DIR: '/var/lib/parley' }).dataDir).toBe('/var/lib/parley');
  });

  it('in production: media on every interface, the RPC on a private address only, the secret required', () => {
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow('MEDIA_SECRET is required');
    const privateAddress = firstPrivateAddress();
    if (!privateAddress) {
      expect(() => parseConfig({ NODE_ENV: 'production', MEDIA_SECRET: 'a-long-secret' })).toThrow(
        'MEDIA_RPC_HOST is required when NODE_ENV=production',
      );
    }
    const c = parseConfig({ NODE_ENV: 'production', MEDIA_SECRET: 'a-long-secret', MEDIA_RPC_HOST: '0.0.0.0' });
    expect(c).toMatchObject({
      listenIp: '0.0.0.0',
      rpcHost: '0.0.0.0',
      secret: 'a-long-secret',
      rpcOnEveryInterface: true,
    });
    if (privateAddress) {
      const bound = parseConfig({ NODE_ENV: 'production', MEDIA_SECRET: 'a-long-secret' });
      expect(bound.rpcHost).toBe(privateAddress);
      expect(bound.rpcOnEveryInterface).toBe(false);
    }
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a?.family === 'IPv4' && !a.internal)?.address;
    expect(c.announcedAddress).toBe(external); // this host's first external IPv4, never 0.0.0.0
    expect(publicUrlOf(c, 4000)).toBe(`http://${os.hostname()}:4000`);
    const pinned = parseConfig({
      NODE_ENV: 'production',
      MEDIA_SECRET: 'a-long-secret',
      MEDIA_ANNOUNCED_ADDRESS: 'media.example.org',
    });
    expect(pinned.announcedAddress).toBe('media.example.org');
  });

  it('reads MEDIA_PIPE_PORTS as a range outside the RTC ports', () => {
    expect(parseConfig({}).pipePorts).toBeUndefined();
    expect(parseConfig({ MEDIA_PIPE_PORTS: '41000-41999' }).pipePorts).toEqual({ min: 41000, max: 41999 });
    expect(() => parseConfig({ MEDIA_PIPE_PORTS: '41999-41000' })).toThrow('MEDIA_PIPE_PORTS must be MIN-MAX with');
    expect(() => parseConfig({ MEDIA_PIPE_PORTS: '41000' })).toThrow('MEDIA_PIPE_PORTS must be MIN-MAX, e.g.');
    expect(() => parseConfig({ MEDIA_PIPE_PORTS: '80-90' })).toThrow(ConfigError);
    expect(() => parseConfig({ MEDIA_WORKERS: '2', MEDIA_PIPE_PORTS: '39000-40000' })).toThrow(
      'overlaps the RTC ports 40000-40001',
    );
  });

  it('takes MEDIA_PUBLIC_URL as an origin', () => {
    const c = parseConfig({ MEDIA_PUBLIC_URL: 'http://media-1.internal:4000/' });
    expect(publicUrlOf(c, 1234)).toBe('http://media-1.internal:4000');
  });

  it.each([
    [{ MEDIA_WORKERS: '0' }, 'MEDIA_WORKERS must be an integer 1-256 (got "0")'],
    [{ MEDIA_RTC_PORT: '70000' }, 'MEDIA_RTC_PORT must be an integer 1-65535 (got "70000")'],
    [{ MEDIA_RTC_PORT: '65535', MEDIA_WORKERS: '2' }, 'MEDIA_RTC_PORT 65535 + MEDIA_WORKERS 2 goes past port 65535'],
    [{ MEDIA_LISTEN_IP: 'localhost' }, 'MEDIA_LISTEN_IP must be an IPv4 or IPv6 address (got "localhost")'],
    [{ MEDIA_PUBLIC_URL: 'ftp://x' }, 'MEDIA_PUBLIC_URL must be an http(s) URL (got "ftp://x")'],
    [{ MEDIA_SECRET: 'short' }, 'MEDIA_SECRET must be at least 8 characters (got "short")'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL must be a redis:// or rediss:// URL (got "localhost:6379")'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
  ])('names the bad variable: %o', (env, message) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(`Invalid configuration: ${message}`);
  });
});
