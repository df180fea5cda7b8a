/**
 * Two signalling servers as separate processes sharing one PostgreSQL database and one Redis:
 * accounts work across them, sockets authenticate on each, bad handshakes are refused and
 * malformed event payloads get bad_request without a disconnect.
 */
import type { User } from '@parley/protocol';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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
let a: ServerProcess;
let b: ServerProcess;
const redisPrefix = freshRedisPrefix('multi');
const sockets: Socket[] = [];
const password = 'two instances, one truth';

beforeAll(async () => {
  buildServer();
  db = await createTestDatabase('multi');
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    JWT_SECRET: 'shared-test-secret-0123456789',
  };
  // Started together on an empty database: both apply migrations at once.
  [a, b] = await Promise.all([
    startServerProcess({ name: 'multi-a', port: 3111, env }),
    startServerProcess({ name: 'multi-b', port: 3112, env }),
  ]);
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

afterAll(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await stopAllServerProcesses();
  await db?.drop();
  await clearRedisPrefix(redisPrefix);
});

function open(url: string, options: Parameters<typeof connect>[1] = {}): Socket {
  const socket = connect(url, { transports: ['websocket'], reconnection: false, timeout: 10_000, ...options });
  sockets.push(socket);
  return socket;
}

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
}

function refused(socket: Socket): Promise<Error> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('connected but should have been refused')));
    socket.once('connect_error', (error) => resolve(error));
  });
}

/** `ping`'s ack, unchecked: some payloads here are malformed on purpose. */
function ping(socket: Socket, payload: unknown): Promise<{ ok: boolean; instanceId?: string }> {
  return socket.emitWithAck('ping', payload) as Promise<{ ok: boolean; instanceId?: string }>;
}

async function registerOn(server: ServerProcess) {
  const res = await request(`${server.url}/api/auth/register`, { json: { username: uniqueName('multi'), password } });
  expect(res.status).toBe(201);
  return res.body as { user: { id: string; username: string }; token: string };
}

describe('two server processes sharing PostgreSQL and Redis', () => {
  it('a user registered on one logs in on the other, and tokens work on both', async () => {
    const { user, token } = await registerOn(a);
    const login = await request<{ user: User; token: string }>(`${b.url}/api/auth/login`, {
      json: { username: user.username, password },
    });
    expect(login.status).toBe(200);
    expect(login.body.user).toEqual(user);
    expect((await request<{ user: User }>(`${b.url}/api/me`, { token })).body.user.id).toBe(user.id);
    expect((await request<{ user: User }>(`${a.url}/api/me`, { token: login.body.token })).body.user.id).toBe(user.id);
  });

  it('authenticates a socket on each instance; ping names the instance that answered', async () => {
    const { token } = await registerOn(a);
    const onA = open(a.url, { auth: { token } });
    const onB = open(b.url, { auth: { token } });
    await Promise.all([connected(onA), connected(onB)]);
    const [pingA, pingB] = await Promise.all([ping(onA, {}), ping(onB, { echo: 'hi' })]);
    expect(pingA).toMatchObject({ ok: true, instanceId: expect.any(String) as unknown });
    expect(pingB).toMatchObject({ ok: true, instanceId: expect.any(String) as unknown, echo: 'hi' });
    expect(pingA.instanceId).not.toBe(pingB.instanceId);
  });

  it('authenticates a socket with the session cookie alone', async () => {
    const { user } = await registerOn(b);
    const login = await request(`${b.url}/api/auth/login`, { json: { username: user.username, password } });
    const cookie = cookiePair(login.headers.get('set-cookie'), 'parley_session');
    expect(cookie).toBeDefined();
    const socket = open(a.url, { extraHeaders: { cookie: cookie! } });
    await connected(socket);
    expect((await ping(socket, {})).ok).toBe(true);
  });

  it('refuses a bad or missing token at the handshake with connect_error "unauthorized"', async () => {
    const bad = await refused(open(a.url, { auth: { token: 'not-a-token' } }));
    expect(bad.message).toBe('unauthorized');
    const none = await refused(open(b.url));
    expect(none.message).toBe('unauthorized');
  });

  it('answers malformed payloads with bad_request and keeps the socket connected', async () => {
    const { token } = await registerOn(b);
    const socket = open(b.url, { auth: { token } });
    await connected(socket);

    const notAnObject = await ping(socket, 'garbage');
    expect(notAnObject).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const wrongType = await ping(socket, { echo: 42 });
    expect(wrongType).toMatchObject({ ok: false, error: { code: 'bad_request', field: 'echo' } });
    const tooLong = await ping(socket, { echo: 'x'.repeat(500_000) });
    expect(tooLong).toMatchObject({ ok: false, error: { code: 'bad_request', field: 'echo' } });
    const nullPayload = await ping(socket, null);
    expect(nullPayload).toMatchObject({ ok: false, error: { code: 'bad_request' } });

    socket.emit('ping', { echo: 'no ack' }); // no callback: must not crash anything
    socket.emit('ping');

    const after = await ping(socket, {});
    expect(after.ok).toBe(true);
    expect(socket.connected).toBe(true);
    expect((await request(`${b.url}/health`)).status).toBe(200);
  });

  it('closes only the offending connection when a message exceeds the 1 MB limit', async () => {
    const { token } = await registerOn(a);
    const bystander = open(a.url, { auth: { token } });
    const offender = open(a.url, { auth: { token } });
    await Promise.all([connected(bystander), connected(offender)]);
    const dropped = new Promise<string>((resolve) => offender.once('disconnect', (reason) => resolve(reason)));
    offender.emit('ping', { echo: 'x'.repeat(2_000_000) }, () => undefined);
    expect(await dropped).toMatch(/close|error/);
    expect(await bystander.emitWithAck('ping', {})).toMatchObject({ ok: true });
    expect((await request(`${a.url}/health`)).status).toBe(200);
  });

  it('counts connected sockets in /metrics', async () => {
    const { token } = await registerOn(a);
    const socket = open(a.url, { auth: { token } });
    await connected(socket);
    const metrics = await request(`${a.url}/metrics`);
    const match = /^parley_connected_sockets (\d+)/m.exec(metrics.text);
    expect(Number(match?.[1])).toBeGreaterThanOrEqual(1);
  });

  it('stops gracefully on SIGTERM with exit code 0', async () => {
    const { token } = await registerOn(a);
    const socket = open(a.url, { auth: { token } });
    await connected(socket);
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
    expect(await a.stop()).toBe(0);
    expect(await disconnected).toBeTruthy();
    // The other instance is unaffected.
    expect((await request(`${b.url}/health`)).status).toBe(200);
  });
});
