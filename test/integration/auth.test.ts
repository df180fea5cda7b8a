/**
 * The HTTP core against a real server process on PostgreSQL and Redis: register / login / me
 * (Bearer and cookie), logout, every error code, the client files, /health and /metrics.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ErrorBody, User } from '@parley/protocol';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildServer,
  startServerProcess,
  stopAllServerProcesses,
  type ServerProcess,
} from '../support/serverProcess.js';
import {
  TEST_REDIS_URL,
  clearRedisPrefix,
  createTestDatabase,
  freshRedisPrefix,
  type TestDatabase,
} from '../support/testDatabase.js';
import { cookiePair, request, uniqueName } from './_http.js';

let db: TestDatabase;
let server: ServerProcess;
let api: string;
let clientDist: string;
const redisPrefix = freshRedisPrefix('auth');

beforeAll(async () => {
  buildServer();
  db = await createTestDatabase('auth');
  clientDist = mkdtempSync(join(tmpdir(), 'parley-dist-'));
  mkdirSync(join(clientDist, 'assets'));
  writeFileSync(join(clientDist, 'index.html'), '<!doctype html><title>Parley test client</title>');
  writeFileSync(join(clientDist, 'assets', 'app-1234.js'), 'console.log("parley")');
  server = await startServerProcess({
    name: 'auth',
    port: 3101,
    env: {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      LOGIN_RATE_LIMIT: '3',
      CLIENT_DIST: clientDist,
    },
  });
  api = `${server.url}/api`;
});

afterAll(async () => {
  await stopAllServerProcesses();
  await db?.drop();
  await clearRedisPrefix(redisPrefix);
  if (clientDist) rmSync(clientDist, { recursive: true, force: true });
});

const password = 'correct horse battery';

async function register(username = uniqueName(), displayName?: string) {
  const res = await request(`${api}/auth/register`, { json: { username, password, displayName } });
  expect(res.status).toBe(201);
  return res.body as { user: { id: string; username: string; displayName: string }; token: string };
}

describe('accounts and sessions', () => {
  it('registers (201 {user, token}) and the token authenticates GET /api/me', async () => {
    const username = uniqueName('alice');
    const { user, token } = await register(username, 'Alice A.');
    expect(user).toEqual({ id: expect.any(String) as unknown, username, displayName: 'Alice A.' });
    expect(Object.keys(user).sort()).toEqual(['displayName', 'id', 'username']);
    expect(token.split('.')).toHaveLength(3);

    const me = await request(`${api}/me`, { token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ user });
  });

  it('defaults the display name to the username', async () => {
    const username = uniqueName('bob');
    const { user } = await register(username);
    expect(user.displayName).toBe(username);
  });

  it('logs in with 200 {user, token} and an httpOnly SameSite=Lax cookie that authenticates alone', async () => {
    const { user } = await register();
    const login = await request<{ user: User; token: string }>(`${api}/auth/login`, {
      json: { username: user.username, password },
    });
    expect(login.status).toBe(200);
    expect(login.body.user).toEqual(user);
    expect(typeof login.body.token).toBe('string');

    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/parley_session=/);
    expect(setCookie.toLowerCase()).toContain('httponly');
    expect(setCookie.toLowerCase()).toContain('samesite=lax');
    const cookie = cookiePair(setCookie, 'parley_session');
    expect(cookie).toBeDefined();

    const me = await request<{ user: User }>(`${api}/me`, { cookie });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(user.id);

    const logout = await request(`${api}/auth/logout`, { method: 'POST', cookie });
    expect(logout.status).toBe(204);
    const cleared = logout.headers.get('set-cookie') ?? '';
    expect(cleared).toMatch(/parley_session=;/);
    expect(cleared).toMatch(/expires=Thu, 01 Jan 1970/i);
  });
});

describe('errors: {error: {code, message}} with the fitting status', () => {
  it('400 bad_request names the failing field', async () => {
    const badName = await request<ErrorBody>(`${api}/auth/register`, { json: { username: 'No Spaces!', password } });
    expect(badName.status).toBe(400);
    expect(badName.body.error).toMatchObject({ code: 'bad_request', field: 'username' });
    expect(badName.body.error.message).toEqual(expect.any(String));

    const shortPassword = await request<ErrorBody>(`${api}/auth/register`, {
      json: { username: uniqueName(), password: 'short' },
    });
    expect(shortPassword.status).toBe(400);
    expect(shortPassword.body.error).toMatchObject({ code: 'bad_request', field: 'password' });

    const noBody = await request<ErrorBody>(`${api}/auth/login`, { method: 'POST' });
    expect(noBody.status).toBe(400);
    expect(noBody.body.error.code).toBe('bad_request');
  });

  it('400 bad_request for malformed JSON', async () => {
    const res = await request(`${api}/auth/login`, { body: '{"username": "x", ' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: { code: 'bad_request', message: 'Malformed JSON body' } });
  });

  it('413 too_large for a body over BODY_LIMIT (256kb)', async () => {
    const res = await request<ErrorBody>(`${api}/auth/register`, {
      json: { username: uniqueName(), password, displayName: 'x'.repeat(300 * 1024) },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('too_large');
  });

  it('401 unauthorized without a token, with a bad token, and for a wrong password', async () => {
    const none = await request<ErrorBody>(`${api}/me`);
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');

    const forged = await request(`${api}/me`, { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad' });
    expect(forged.status).toBe(401);

    const { user } = await register();
    const wrong = await request<ErrorBody>(`${api}/auth/login`, {
      json: { username: user.username, password: 'wrong password' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthorized');
    const unknown = await request<ErrorBody>(`${api}/auth/login`, {
      json: { username: uniqueName('ghost'), password },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.message).toBe(wrong.body.error.message);
  });

  it('404 not_found for an unknown API route', async () => {
    const res = await request<ErrorBody>(`${api}/does-not-exist`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('409 conflict when the username is taken', async () => {
    const { user } = await register();
    const again = await request<ErrorBody>(`${api}/auth/register`, { json: { username: user.username, password } });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'conflict', field: 'username' });
  });

  it('429 rate_limited with Retry-After after too many failed logins for one user', async () => {
    const { user } = await register();
    for (let i = 0; i < 3; i++) {
      const res = await request(`${api}/auth/login`, { json: { username: user.username, password: 'nope-nope' } });
      expect(res.status).toBe(401);
    }
    const blocked = await request<ErrorBody>(`${api}/auth/login`, { json: { username: user.username, password } });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('rate_limited');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);

    // Another account from the same address is not blocked.
    const other = await register();
    const ok = await request(`${api}/auth/login`, { json: { username: other.user.username, password } });
    expect(ok.status).toBe(200);
  });
});

describe('client files, health and metrics', () => {
  it('serves the client build with an SPA fallback for paths like /meet/:id', async () => {
    const meet = await request(`${server.url}/meet/abc123`);
    expect(meet.status).toBe(200);
    expect(meet.headers.get('content-type')).toMatch(/text\/html/);
    expect(meet.text).toContain('Parley test client');

    const asset = await request(`${server.url}/assets/app-1234.js`);
    expect(asset.status).toBe(200);
    expect(asset.text).toContain('parley');
    expect(asset.headers.get('cache-control')).toContain('immutable');

    expect((await request(`${server.url}/assets/missing.js`)).status).toBe(404);
  });

  it('GET /health reports db, redis and media', async () => {
    const res = await request(`${server.url}/health`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      db: 'ok',
      redis: 'ok',
      media: { nodes: expect.any(Number) as unknown },
    });
  });

  it('GET /metrics is Prometheus text with the HTTP histogram and the socket gauge', async () => {
    const res = await request(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    expect(res.text).toMatch(/parley_http_request_duration_seconds_bucket\{.*route="\/api\/auth\/login"/);
    expect(res.text).toContain('parley_connected_sockets');
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });
});

describe('unexpected failures', () => {
  it('answer 500 internal without leaking the cause', async () => {
    const { token } = await register();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('ALTER TABLE users RENAME TO users_gone');
      const res = await request(`${api}/me`, { token });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: { code: 'internal', message: 'Internal server error' } });
      expect(res.text).not.toMatch(/users|relation|select|\bat\b|\.js/i);
    } finally {
      await client.query('ALTER TABLE users_gone RENAME TO users');
      await client.end();
    }
    // And the server goes on serving.
    expect((await request(`${api}/me`, { token })).status).toBe(200);
  });
});
