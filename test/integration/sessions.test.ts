/**
 * Sessions under attack, against two server processes on one PostgreSQL database and Redis:
 * cookie handshakes from another origin (websocket and polling), tokens after logout, after
 * expiry and forged ones, and "log out everywhere" cutting every socket of the user on both
 * instances. Instance A runs with default settings; instance B with JWT_TTL=3s (tokens it signs
 * expire almost at once) and PUBLIC_ORIGIN (an explicit allow-list).
 */
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { io, type Socket } from 'socket.io-client';
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
import type { ErrorBody } from '@parley/protocol';
import { cookiePair, request, uniqueName } from './_http.js';

const JWT_SECRET = randomBytes(24).toString('hex');
const PASSWORD = 'correct horse battery';
const PUBLIC_ORIGIN = 'https://chat.parley.test';
const redisPrefix = freshRedisPrefix('sessions');
let db: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;
const sockets: Socket[] = [];

beforeAll(async () => {
  buildServer();
  db = await createTestDatabase('sessions');
  const common = {
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    JWT_SECRET,
    LOG_LEVEL: 'warn',
  };
  [a, b] = await Promise.all([
    startServerProcess({ name: 'sessions-a', env: common }),
    startServerProcess({ name: 'sessions-b', env: { ...common, JWT_TTL: '3s', PUBLIC_ORIGIN } }),
  ]);
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await stopAllServerProcesses();
  await db?.drop();
  await clearRedisPrefix(redisPrefix);
});

interface Account {
  id: string;
  username: string;
  token: string;
  /** `parley_session=<token>` of a login. */
  cookie: string;
}

async function login(server: ServerProcess, username: string): Promise<Account> {
  const res = await request<{ user: { id: string }; token: string }>(`${server.url}/api/auth/login`, {
    json: { username, password: PASSWORD },
  });
  expect(res.status).toBe(200);
  const cookie = cookiePair(res.headers.get('set-cookie'), 'parley_session');
  expect(cookie).toBeDefined();
  return { id: res.body.user.id, username, token: res.body.token, cookie: cookie! };
}

async function newAccount(server: ServerProcess = a): Promise<Account> {
  const username = uniqueName('sess');
  const res = await request(`${server.url}/api/auth/register`, { json: { username, password: PASSWORD } });
  expect(res.status).toBe(201);
  return login(server, username);
}

type Outcome = { connected: true; socket: Socket } | { connected: false; message: string };

/** Opens a socket (no reconnection) and resolves when it connects or is refused. */
function connect(
  server: ServerProcess,
  options: { token?: string; cookie?: string; origin?: string; transport?: 'websocket' | 'polling' },
): Promise<Outcome> {
  const extraHeaders: Record<string, string> = {};
  if (options.cookie) extraHeaders.cookie = options.cookie;
  if (options.origin) extraHeaders.origin = options.origin;
  const socket = io(server.url, {
    ...(options.token ? { auth: { token: options.token } } : {}),
    extraHeaders,
    transports: [options.transport ?? 'websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 10_000,
  });
  sockets.push(socket);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ connected: true, socket }));
    socket.once('connect_error', (error) => resolve({ connected: false, message: error.message }));
  });
}

async function connected(
  server: ServerProcess,
  options: Parameters<typeof connect>[1],
): Promise<{ socket: Socket; ended: Promise<{ reason: string }>; closed: Promise<string> }> {
  const outcome = await connect(server, options);
  if (!outcome.connected) throw new Error(`refused: ${outcome.message}`);
  const { socket } = outcome;
  const ended = new Promise<{ reason: string }>((resolve) => socket.once('session_ended', resolve));
  const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
  return { socket, ended, closed };
}

/** Resolves with the disconnect reason, or rejects after `ms` (a socket that was never cut). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)),
  ]);
}

describe('cookie-authenticated handshakes need an allowed page origin', () => {
  for (const transport of ['websocket', 'polling'] as const) {
    it(`refuses another origin over ${transport}, accepts the server's own and a client without Origin`, async () => {
      const user = await newAccount();
      const host = new URL(a.url).host;
      for (const origin of ['http://evil.example', `http://${host}.evil.example`, 'http://127.0.0.1:1', 'null']) {
        const refused = await connect(a, { cookie: user.cookie, origin, transport });
        expect(refused, origin).toEqual({ connected: false, message: 'forbidden' });
      }
      const same = await connect(a, { cookie: user.cookie, origin: `http://${host}`, transport });
      expect(same.connected).toBe(true);
      const noOrigin = await connect(a, { cookie: user.cookie, transport });
      expect(noOrigin.connected).toBe(true);
      // A token in the handshake is no ambient authority: any origin may present it.
      const withToken = await connect(a, { token: user.token, origin: 'http://evil.example', transport });
      expect(withToken.connected).toBe(true);
    });
  }

  it('with PUBLIC_ORIGIN, accepts exactly those origins', async () => {
    const user = await newAccount();
    expect((await connect(b, { cookie: user.cookie, origin: PUBLIC_ORIGIN })).connected).toBe(true);
    const own = await connect(b, { cookie: user.cookie, origin: `http://${new URL(b.url).host}` });
    expect(own).toEqual({ connected: false, message: 'forbidden' });
  });

  it('refuses a cookie-authenticated POST from another origin (403), not one with a Bearer token', async () => {
    const user = await newAccount();
    const forged = await request<ErrorBody>(`${a.url}/api/auth/logout-all`, {
      method: 'POST',
      cookie: user.cookie,
      headers: { origin: 'http://evil.example' },
    });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('forbidden');
    expect((await request(`${a.url}/api/me`, { cookie: user.cookie })).status).toBe(200);
    const bearer = await request(`${a.url}/api/conversations`, {
      json: { title: 'from a script', memberIds: [user.id] },
      token: user.token,
      headers: { origin: 'http://evil.example' },
    });
    expect(bearer.status).toBe(201);
  });
});

describe('tokens that stop working', () => {
  it('a token after logout is refused everywhere, and its open sockets are cut on both instances', async () => {
    const user = await newAccount();
    const other = await login(a, user.username); // a second session of the same user
    const onA = await connected(a, { token: user.token });
    const onB = await connected(b, { token: user.token });
    const otherSocket = await connected(b, { token: other.token });

    const logout = await request(`${a.url}/api/auth/logout`, { method: 'POST', token: user.token });
    expect(logout.status).toBe(204);
    expect(await within(onA.ended, 10_000, 'session_ended on A')).toEqual({ reason: 'revoked' });
    expect(await within(onA.closed, 10_000, 'socket on A cut')).toBe('io server disconnect');
    expect(await within(onB.closed, 10_000, 'socket on B cut')).toBe('io server disconnect');

    for (const server of [a, b]) {
      expect((await request(`${server.url}/api/me`, { token: user.token })).status).toBe(401);
      expect(await connect(server, { token: user.token })).toEqual({ connected: false, message: 'unauthorized' });
      // The other session of the user is untouched.
      expect((await request(`${server.url}/api/me`, { token: other.token })).status).toBe(200);
    }
    expect(otherSocket.socket.connected).toBe(true);
  });

  it('a token after expiry is refused, and its open socket is cut when it expires (JWT_TTL=3s)', async () => {
    const username = (await newAccount()).username;
    const short = await login(b, username); // signed by B: expires in 3 s
    const live = await connected(b, { token: short.token });
    expect((await request(`${b.url}/api/me`, { token: short.token })).status).toBe(200);
    expect(await within(live.ended, 15_000, 'session_ended at expiry')).toEqual({ reason: 'expired' });
    expect(await within(live.closed, 5_000, 'socket cut at expiry')).toBe('io server disconnect');
    for (const server of [a, b]) {
      expect((await request(`${server.url}/api/me`, { token: short.token })).status).toBe(401);
      expect(await connect(server, { token: short.token })).toEqual({ connected: false, message: 'unauthorized' });
    }
  });

  it('forged tokens are refused: alg none, another key, HS512, no session id', async () => {
    const user = await newAccount();
    const [header, payload] = user.token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    expect(claims.sub).toBe(user.id);
    expect(typeof claims.jti).toBe('string');
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const sign = (alg: string, key: string, body: Record<string, unknown> = claims) =>
      new SignJWT(body).setProtectedHeader({ alg, typ: 'JWT' }).sign(new TextEncoder().encode(key));
    const withoutSession = { ...claims };
    delete withoutSession.jti;
    const forged = {
      'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      'alg none, signature kept': `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.${user.token.split('.')[2]}`,
      'another key': await sign('HS256', randomBytes(24).toString('hex')),
      HS512: await sign('HS512', JWT_SECRET),
      'the right key but no session id': await sign('HS256', JWT_SECRET, withoutSession),
      'another user in the payload': `${header}.${b64({ ...claims, sub: (await newAccount()).id })}.${user.token.split('.')[2]}`,
    };
    for (const [what, token] of Object.entries(forged)) {
      expect((await request(`${a.url}/api/me`, { token })).status, what).toBe(401);
      expect(await connect(a, { token }), what).toEqual({ connected: false, message: 'unauthorized' });
    }
    expect((await request(`${a.url}/api/me`, { token: user.token })).status).toBe(200);
  });

  it('log out everywhere ends every session of the user and cuts every socket on both instances', async () => {
    const user = await newAccount();
    const second = await login(a, user.username);
    const third = await login(a, user.username);
    const bystander = await newAccount();
    const open = await Promise.all([
      connected(a, { token: user.token }),
      connected(b, { token: second.token }),
      connected(a, { cookie: third.cookie, origin: `http://${new URL(a.url).host}` }),
      connected(b, { token: third.token }),
    ]);
    const other = await connected(b, { token: bystander.token });

    const res = await request(`${b.url}/api/auth/logout-all`, { method: 'POST', token: second.token });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/parley_session=;/);
    const reasons = await Promise.all(open.map((s, i) => within(s.closed, 10_000, `socket ${i} cut`)));
    expect(reasons).toEqual(open.map(() => 'io server disconnect'));
    for (const token of [user.token, second.token, third.token]) {
      for (const server of [a, b]) expect((await request(`${server.url}/api/me`, { token })).status).toBe(401);
    }
    expect(other.socket.connected).toBe(true);
    expect((await request(`${a.url}/api/me`, { token: bystander.token })).status).toBe(200);
    // A new login works again.
    expect((await login(a, user.username)).token).not.toBe(user.token);
  });
});
