/**
 * The login and registration limits under attack, against real server processes on PostgreSQL
 * and Redis:
 * - instance A runs behind a reverse proxy that appends the client address to X-Forwarded-For
 *   (what nginx's `$proxy_add_x_forwarded_for` does) with TRUST_PROXY=1: a client sending a new
 *   X-Forwarded-For with every guess keeps hitting the same limit;
 * - instance B is reached directly with TRUST_PROXY unset (the header is ignored), a small
 *   REGISTER_RATE_LIMIT, and an argon2 gate of one slot and one waiting place.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { request, uniqueName, type JsonResponse } from './_http.js';

const PASSWORD = 'correct horse battery';
const LOGIN_LIMIT = 5;
const redisPrefix = freshRedisPrefix('loginlim');
// B counts apart from A: limits are shared by the instances of one Redis prefix, and both see 127.0.0.1.
const redisPrefixB = freshRedisPrefix('loginlimb');
let db: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;
let proxy: Server;
let proxied: string;

/** A reverse proxy in front of `target` that appends the peer address to X-Forwarded-For. */
function startAppendingProxy(target: string): Promise<Server> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const previous = req.headers['x-forwarded-for'];
    const forwarded = [previous, req.socket.remoteAddress].filter(Boolean).join(', ');
    const outgoing = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, 'x-forwarded-for': forwarded },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    outgoing.on('error', () => {
      res.statusCode = 502;
      res.end();
    });
    req.pipe(outgoing);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  buildServer();
  db = await createTestDatabase('loginlim');
  const common = {
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    LOG_LEVEL: 'warn',
    LOGIN_RATE_LIMIT: String(LOGIN_LIMIT),
  };
  [a, b] = await Promise.all([
    startServerProcess({ name: 'loginlim-a', env: { ...common, TRUST_PROXY: '1' } }),
    startServerProcess({
      name: 'loginlim-b',
      env: { ...common, REDIS_PREFIX: redisPrefixB, REGISTER_RATE_LIMIT: '3', HASH_CONCURRENCY: '1', HASH_QUEUE: '1' },
    }),
  ]);
  proxy = await startAppendingProxy(a.url);
  proxied = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  await stopAllServerProcesses();
  await db?.drop();
  await clearRedisPrefix(redisPrefix);
  await clearRedisPrefix(redisPrefixB);
});

async function register(base: string, ip?: string): Promise<string> {
  const username = uniqueName('lim');
  const res = await request(`${base}/api/auth/register`, {
    json: { username, password: PASSWORD },
    ...(ip ? { headers: { 'x-forwarded-for': ip } } : {}),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return username;
}

const guess = (base: string, username: string, headers: Record<string, string> = {}) =>
  request(`${base}/api/auth/login`, { json: { username, password: 'not the password' }, headers });

describe('the login limit', () => {
  it('holds behind a proxy when every guess carries a new X-Forwarded-For (TRUST_PROXY=1)', async () => {
    const username = await register(proxied, '198.51.100.200');
    const statuses: number[] = [];
    for (let i = 0; i < LOGIN_LIMIT + 4; i++) {
      statuses.push((await guess(proxied, username, { 'x-forwarded-for': `203.0.113.${i + 1}` })).status);
    }
    expect(statuses.slice(0, LOGIN_LIMIT)).toEqual(Array(LOGIN_LIMIT).fill(401));
    expect(statuses.slice(LOGIN_LIMIT)).toEqual(Array(4).fill(429));
    // Even the right password waits now, whatever address the client claims.
    const right = await request(`${proxied}/api/auth/login`, {
      json: { username, password: PASSWORD },
      headers: { 'x-forwarded-for': '192.0.2.77' },
    });
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('ignores X-Forwarded-For without TRUST_PROXY', async () => {
    const username = await register(b.url);
    const statuses: number[] = [];
    for (let i = 0; i < LOGIN_LIMIT + 2; i++) {
      statuses.push((await guess(b.url, username, { 'x-forwarded-for': `203.0.113.${i + 1}` })).status);
    }
    expect(statuses).toEqual([...Array.from({ length: LOGIN_LIMIT }, () => 401), 429, 429]);
  });

  it('50 parallel wrong passwords get at most the limit of 401s, the rest 429', async () => {
    const username = await register(proxied, '198.51.100.201');
    const answers = await Promise.all(Array.from({ length: 50 }, () => guess(proxied, username)));
    const counts = { 401: 0, 429: 0, other: 0 };
    for (const answer of answers) {
      if (answer.status === 401) counts[401]++;
      else if (answer.status === 429) counts[429]++;
      else counts.other++;
    }
    expect(counts.other, JSON.stringify(answers.map((x) => x.status))).toBe(0);
    expect(counts[401]).toBeLessThanOrEqual(LOGIN_LIMIT);
    expect(counts[401]).toBeGreaterThan(0);
    expect(counts[429]).toBe(50 - counts[401]);
  });

  it('a successful login gives its points back (many users behind one address can sign in)', async () => {
    const username = await register(proxied, '198.51.100.202');
    for (let i = 0; i < LOGIN_LIMIT * 2; i++) {
      const res = await request(`${proxied}/api/auth/login`, { json: { username, password: PASSWORD } });
      expect(res.status).toBe(200);
    }
  });
});

describe('registrations and the argon2 gate', () => {
  it('limits registrations per address (REGISTER_RATE_LIMIT=3 per hour)', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await request(`${b.url}/api/auth/register`, {
        json: { username: uniqueName('reg'), password: PASSWORD },
        headers: { 'x-forwarded-for': `203.0.113.${i + 1}` }, // ignored: no TRUST_PROXY on B
      });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // B registered one user in "ignores X-Forwarded-For without TRUST_PROXY" already.
    expect(statuses.filter((s) => s === 201).length).toBe(2);
    expect(statuses.slice(2)).toEqual([429, 429, 429]);
  });

  it('refuses argon2 work past its queue with 503 and Retry-After, and answers the rest (HASH_CONCURRENCY=1, HASH_QUEUE=1)', async () => {
    // Registered through A (B's registration budget is spent); logins check the passwords on B.
    // One user each, so that the per-user login limit stays out of the way.
    const usernames = await Promise.all(Array.from({ length: 20 }, (_, i) => register(proxied, `198.51.100.${i + 1}`)));
    const answers = await Promise.all(
      usernames.map((username) => request(`${b.url}/api/auth/login`, { json: { username, password: PASSWORD } })),
    );
    const busy = answers.filter((x) => x.status === 503) as Array<JsonResponse<ErrorBody>>;
    expect(busy.length).toBeGreaterThan(0);
    for (const answer of busy) {
      expect(answer.body.error.code).toBe('unavailable');
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(
      answers.every((x) => x.status === 200 || x.status === 503),
      JSON.stringify(answers.map((x) => x.status)),
    ).toBe(true);
    expect(answers.some((x) => x.status === 200)).toBe(true);
    // Refused attempts were never judged: they do not count against the login limit.
    for (const username of usernames.slice(0, 3)) {
      const later = await request(`${b.url}/api/auth/login`, { json: { username, password: PASSWORD } });
      expect(later.status).toBe(200);
    }
  });
});
