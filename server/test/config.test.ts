import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfig } from '../src/config/serverConfig.js';

function configError(env: Record<string, string>): string {
  try {
    parseConfig(env, '/srv/parley');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('uses the documented defaults', () => {
    const config = parseConfig({}, '/srv/parley');
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect(config.nodeEnv).toBe('development');
    expect(config.dataDir).toBe('/srv/parley/data');
    expect(config.databaseUrl).toBeNull();
    expect(config.redisUrl).toBeNull();
    expect(config.redisPrefix).toBe('parley:');
    expect(config.jwtTtlSeconds).toBe(7 * 86_400);
    expect(config.cookieSecure).toBe(false);
    expect(config.mediaNodeUrls).toEqual([]);
    // Generated per DATA_DIR by loadConfig(), never a fixed development secret.
    expect(config.mediaSecret).toBe('');
    expect(config.mediaNodeUrlPatterns).toEqual([]);
    expect(config.turnTtlSeconds).toBe(3600);
    expect(config.clientDist).toMatch(/client[/\\]dist$/);
    expect(config.bodyLimit).toBe('256kb');
    expect(config.loginRateLimit).toEqual({ perUser: 10, perIp: 100, windowSeconds: 900 });
    expect(config.trustProxyHops).toBe(0);
    expect(config.publicOrigins).toEqual([]);
    expect(config.limits).toEqual({
      registerPerIpPerHour: 100,
      hashConcurrency: 4,
      hashQueue: 64,
      conversationList: 200,
      contactList: 1000,
      activeMeetings: 50,
      groupsPerHour: 60,
      groupMaxMembers: 500,
      contactsPerHour: 500,
      invitationsPerHour: 3000,
      meetingMaxInvitees: 500,
      eventRateScale: 1,
      eventRateUserFactor: 3,
      eventsInFlight: 1000,
      rateLimitStrikes: 3000,
      chatWriteQueue: 10_000,
      typingRelayIntervalMs: 1000,
      sfuMaxTransports: 4,
      sfuMaxConsumersPerProducer: 4,
      sfuMaxProducersPerMeeting: 1000,
    });
  });

  it('reads and converts every kind of value', () => {
    const config = parseConfig(
      {
        PORT: '8080',
        DATA_DIR: 'var/parley',
        DATABASE_URL: 'postgres://u@db:5432/parley',
        REDIS_URL: 'redis://cache:6379/2',
        JWT_TTL: '12h',
        COOKIE_SECURE: 'yes',
        MEDIA_NODE_URLS: 'http://m1:4000, https://m2:4000,',
        TURN_SECRET: 's3cret',
        TURN_URLS: 'turn:turn.example.org:3478?transport=udp,turns:turn.example.org:5349',
        STUN_URLS: 'stun:stun.example.org:3478',
        LOGIN_RATE_LIMIT: '3',
        TRUST_PROXY: 'true',
      },
      '/srv/parley',
    );
    expect(config.port).toBe(8080);
    expect(config.dataDir).toBe('/srv/parley/var/parley');
    expect(config.jwtTtlSeconds).toBe(12 * 3600);
    expect(config.cookieSecure).toBe(true);
    expect(config.mediaNodeUrls).toEqual(['http://m1:4000', 'https://m2:4000']);
    expect(config.turnUrls).toHaveLength(2);
    expect(config.loginRateLimit.perUser).toBe(3);
    expect(config.trustProxyHops).toBe(1);
    expect(config.trustProxyDeprecatedTrue).toBe(true);
  });

  it('reads TRUST_PROXY as a number of proxies, and PUBLIC_ORIGIN as a list of origins', () => {
    expect(parseConfig({ TRUST_PROXY: '2' }).trustProxyHops).toBe(2);
    expect(parseConfig({ TRUST_PROXY: 'false' }).trustProxyHops).toBe(0);
    expect(configError({ TRUST_PROXY: 'everything' })).toContain('TRUST_PROXY must be the number of proxies');
    expect(parseConfig({ PUBLIC_ORIGIN: 'https://chat.example.org, http://localhost:5173' }).publicOrigins).toEqual([
      'https://chat.example.org',
      'http://localhost:5173',
    ]);
    expect(configError({ PUBLIC_ORIGIN: 'chat.example.org' })).toContain('PUBLIC_ORIGIN');
    expect(configError({ PUBLIC_ORIGIN: 'https://chat.example.org/app' })).toContain('PUBLIC_ORIGIN');
  });

  it('names PORT in one line when it is not a port', () => {
    expect(configError({ PORT: 'abc' })).toBe('Invalid configuration: PORT must be an integer 1-65535 (got "abc")');
    expect(configError({ PORT: '70000' })).toContain('PORT must be an integer 1-65535 (got "70000")');
    expect(configError({ PORT: '0' })).toContain('PORT');
  });

  it('names every bad variable on a single line', () => {
    const message = configError({ PORT: 'x', REDIS_URL: 'http://nope', JWT_TTL: 'forever', LOG_LEVEL: 'loud' });
    expect(message.split('\n')).toHaveLength(1);
    for (const name of ['PORT', 'REDIS_URL', 'JWT_TTL', 'LOG_LEVEL']) expect(message).toContain(name);
  });

  it('requires the secrets in production, and a TURN secret for TURN servers', () => {
    const message = configError({ NODE_ENV: 'production' });
    expect(message).toContain('JWT_SECRET is required when NODE_ENV=production');
    expect(message).toContain('MEDIA_SECRET is required when NODE_ENV=production');
    expect(configError({ TURN_URLS: 'turn:t.example.org:3478' })).toContain('TURN_SECRET');
    expect(configError({ STUN_URLS: 'turn:t.example.org' })).toContain('STUN_URLS');
    const prod = parseConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), MEDIA_SECRET: 'm'.repeat(16) });
    expect(prod.cookieSecure).toBe(true);
  });
});

describe('loadConfig', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('generates the JWT secret once and keeps it in DATA_DIR/jwt-secret', () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-config-'));
    const first = loadConfig({ DATA_DIR: dir }, '/');
    const second = loadConfig({ DATA_DIR: dir }, '/');
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(second.jwtSecret).toBe(first.jwtSecret);
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8').trim()).toBe(first.jwtSecret);
    expect(statSync(join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(loadConfig({ DATA_DIR: dir, JWT_SECRET: 'y'.repeat(20) }, '/').jwtSecret).toBe('y'.repeat(20));
  });

  it('generates the media secret once per DATA_DIR (DATA_DIR/media-secret), unless MEDIA_SECRET is set', () => {
    dir = mkdtempSync(join(tmpdir(), 'parley-config-'));
    const first = loadConfig({ DATA_DIR: dir }, '/');
    expect(first.mediaSecret.length).toBeGreaterThanOrEqual(32);
    expect(first.mediaSecret).not.toBe(first.jwtSecret);
    expect(loadConfig({ DATA_DIR: dir }, '/').mediaSecret).toBe(first.mediaSecret);
    expect(readFileSync(join(dir, 'media-secret'), 'utf8').trim()).toBe(first.mediaSecret);
    expect(statSync(join(dir, 'media-secret')).mode & 0o777).toBe(0o600);
    expect(loadConfig({ DATA_DIR: dir, MEDIA_SECRET: 'z'.repeat(12) }, '/').mediaSecret).toBe('z'.repeat(12));
  });
});
