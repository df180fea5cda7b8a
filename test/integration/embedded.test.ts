/**
 * A server on the embedded defaults: PGlite under DATA_DIR, no Redis, a generated JWT secret
 * kept across restarts, and a clear message when the client is not built.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { User } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, startServerProcess, stopAllServerProcesses } from '../support/serverProcess.js';
import { request, uniqueName } from './_http.js';

let dataDir: string;

beforeAll(() => {
  buildServer();
  dataDir = mkdtempSync(join(tmpdir(), 'parley-embedded-'));
});

afterAll(async () => {
  await stopAllServerProcesses();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded defaults (no DATABASE_URL, no REDIS_URL)', () => {
  it('serves accounts from PGlite, keeps data and sessions across a restart, and explains a missing client build', async () => {
    const env = { DATA_DIR: dataDir, CLIENT_DIST: join(dataDir, 'no-dist-here') };
    const first = await startServerProcess({ name: 'embedded', port: 3121, env });
    const health = await request(`${first.url}/health`);
    expect(health.body).toMatchObject({ status: 'ok', db: 'ok', redis: 'disabled' });

    const username = uniqueName('pglite');
    const registered = await request(`${first.url}/api/auth/register`, { json: { username, password: 'password123' } });
    expect(registered.status).toBe(201);
    const { token } = registered.body as { token: string };

    const page = await request(`${first.url}/meet/xyz`);
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toMatch(/text\/plain/);
    expect(page.text).toContain('npm run build');
    expect(await first.stop()).toBe(0);

    const second = await startServerProcess({ name: 'embedded-restart', port: 3122, env });
    const me = await request<{ user: User }>(`${second.url}/api/me`, { token });
    expect(me.status).toBe(200);
    expect(me.body.user.username).toBe(username);
    const login = await request(`${second.url}/api/auth/login`, { json: { username, password: 'password123' } });
    expect(login.status).toBe(200);
    expect(await second.stop()).toBe(0);
  });
});
