import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = new URL('../../', import.meta.url);
const composeFile = new URL('docker-compose.yml', root);

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  network_mode?: string;
  environment?: Record<string, string>;
  volumes?: string[];
}

function loadCompose(): { services: Record<string, ComposeService> } {
  return parse(readFileSync(composeFile, 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
}

function hasDockerCompose(): boolean {
  return spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0;
}

describe('docker-compose.yml (production stack)', () => {
  it('has PostgreSQL, Redis, coturn, two signalling instances, a proxy and a host-network media node', () => {
    const { services } = loadCompose();
    expect(Object.keys(services).sort()).toEqual(
      ['coturn', 'media', 'postgres', 'proxy', 'redis', 'server-1', 'server-2'].sort(),
    );
    for (const name of ['server-1', 'server-2']) {
      expect(services[name]?.command).toEqual(['node', 'server/dist/main.js']);
      expect(services[name]?.environment?.DATABASE_URL).toMatch(/^postgres:\/\//);
      expect(services[name]?.environment?.REDIS_URL).toMatch(/^redis:\/\//);
    }
    expect(services.media?.network_mode).toBe('host');
    expect(services.media?.command).toEqual(['node', 'media-workers/dist/main.js']);
    expect(services.coturn?.volumes?.[0]).toContain('./coturn/turnserver.conf');
  });

  it('names only configuration variables that the README documents', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const { services } = loadCompose();
    const parleyVars = new Set<string>();
    for (const name of ['server-1', 'server-2', 'media']) {
      for (const key of Object.keys(services[name]?.environment ?? {})) parleyVars.add(key);
    }
    const undocumented = [...parleyVars].filter((v) => !readme.includes(`\`${v}\``));
    expect(undocumented).toEqual([]);
  });

  it('passes `docker compose config -q` where the Docker CLI has compose', (ctx) => {
    if (!hasDockerCompose()) ctx.skip();
    const env = {
      ...process.env,
      POSTGRES_PASSWORD: 'x',
      JWT_SECRET: 'x',
      MEDIA_SECRET: 'x',
      TURN_SECRET: 'x',
      PUBLIC_HOST: 'example.org',
      PUBLIC_IP: '203.0.113.1',
    };
    const result = spawnSync('docker', ['compose', '-f', composeFile.pathname, 'config', '-q'], {
      env,
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('coturn/turnserver.conf', () => {
  it('uses TURN REST credentials (use-auth-secret) as the server issues them', () => {
    const conf = readFileSync(new URL('coturn/turnserver.conf', root), 'utf8');
    expect(conf).toMatch(/^use-auth-secret$/m);
    expect(conf).toMatch(/^fingerprint$/m);
    expect(conf).not.toMatch(/^lt-cred-mech$/m);
  });
});
