/**
 * Login storms, against a real server process on PostgreSQL and Redis:
 * - a password hash made with older argon2 parameters (the library's defaults, 64 MiB, t=3,
 *   p=4, as accounts got before) is replaced by one at today's (19 MiB, t=2, p=1) on the next
 *   successful login, and only then;
 * - a storm of concurrent logins past the argon2 gate (HASH_CONCURRENCY=2, HASH_QUEUE=4) is
 *   answered, every request, with 200 or `503 unavailable` + Retry-After (the error body of
 *   docs/protocol.md), none left hanging; and every refused client gets in when it retries as told (the load
 *   tester's retry, loadtest/src/server/busyRetry.ts).
 */
import argon2 from 'argon2';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from '@parley/protocol';
import { withBusyRetry } from '../../loadtest/src/server/busyRetry.js';
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
import { request, uniqueName, type JsonResponse } from './_http.js';

const PASSWORD = 'correct horse battery';
const STORM = 40;
const redisPrefix = freshRedisPrefix('loginstorm');
let db: TestDatabase;
let server: ServerProcess;
let sql: pg.Client;

beforeAll(async () => {
  buildServer();
  db = await createTestDatabase('loginstorm');
  server = await startServerProcess({
    name: 'loginstorm',
    env: {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      LOG_LEVEL: 'warn',
      HASH_CONCURRENCY: '2',
      HASH_QUEUE: '4',
      // Every client of the storm comes from 127.0.0.1: the address limits stay out of the way.
      REGISTER_RATE_LIMIT: '10000',
      LOGIN_RATE_LIMIT_PER_IP: '10000',
    },
  });
  sql = new pg.Client({ connectionString: db.url });
  await sql.connect();
});

afterAll(async () => {
  await sql?.end();
  await stopAllServerProcesses();
  await db?.drop();
  await clearRedisPrefix(redisPrefix);
});

/** What the load tester does: 429/503 are waited out (Retry-After) and retried. */
function patiently(url: string, json: unknown): Promise<JsonResponse> {
  return withBusyRetry(
    async () => {
      const answer = await request(url, { json });
      return { ...answer, retryAfter: answer.headers.get('retry-after') };
    },
    { retries: 30 },
  );
}

async function register(): Promise<string> {
  const username = uniqueName('storm');
  const res = await patiently(`${server.url}/api/auth/register`, { username, password: PASSWORD });
  expect(res.status, res.text).toBe(201);
  return username;
}

const login = (username: string, password = PASSWORD) =>
  request(`${server.url}/api/auth/login`, { json: { username, password } });

async function storedHash(username: string): Promise<string> {
  const { rows } = await sql.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE username = $1', [
    username,
  ]);
  return rows[0]!.password_hash;
}

const setHash = (username: string, hash: string) =>
  sql.query('UPDATE users SET password_hash = $1 WHERE username = $2', [hash, username]);

const TODAY = /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/;

describe('password hashes', () => {
  it('are made at OWASP parameters (argon2id, 19 MiB, t=2, p=1)', async () => {
    const username = await register();
    expect(await storedHash(username)).toMatch(TODAY);
  });

  it('made with older parameters are rehashed on a successful login, not on a failed one', async () => {
    const username = await register();
    const old = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 65_536, timeCost: 3, parallelism: 4 });
    await setHash(username, old);

    expect((await login(username, 'not the password')).status).toBe(401);
    expect(await storedHash(username)).toBe(old);

    expect((await login(username)).status).toBe(200);
    const renewed = await storedHash(username);
    expect(renewed).toMatch(TODAY);
    expect(await argon2.verify(renewed, PASSWORD)).toBe(true);

    // The new hash works, and is left alone by the next login.
    expect((await login(username)).status).toBe(200);
    expect(await storedHash(username)).toBe(renewed);
  });

  it('of another argon2 variant (argon2i) are rehashed to argon2id', async () => {
    const username = await register();
    await setHash(username, await argon2.hash(PASSWORD, { type: argon2.argon2i }));
    expect((await login(username)).status).toBe(200);
    expect(await storedHash(username)).toMatch(TODAY);
  });
});

describe('a login storm past the argon2 gate (HASH_CONCURRENCY=2, HASH_QUEUE=4)', () => {
  it('is answered 200 or 503 with Retry-After, none hangs, and every client gets in on retry', async () => {
    const usernames: string[] = [];
    for (let i = 0; i < STORM; i++) usernames.push(await register());

    // Every request gets an answer (a hanging one would fail with the helper's 15 s timeout).
    const answers = await Promise.all(usernames.map((username) => login(username)));
    const statuses = answers.map((a) => a.status);
    expect(
      statuses.every((s) => s === 200 || s === 503),
      JSON.stringify(statuses),
    ).toBe(true);
    const busy = answers.filter((a) => a.status === 503) as Array<JsonResponse<ErrorBody>>;
    expect(busy.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
    for (const answer of busy) {
      expect(answer.body.error.code).toBe('unavailable');
      expect(answer.body.error.message).toMatch(/busy/);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }

    // The refused ones retry as told and all get a session.
    const retried = await Promise.all(
      usernames
        .filter((_, i) => statuses[i] === 503)
        .map((username) => patiently(`${server.url}/api/auth/login`, { username, password: PASSWORD })),
    );
    expect(retried.map((a) => a.status)).toEqual(retried.map(() => 200));
    for (const answer of retried) expect(typeof (answer.body as { token?: unknown }).token).toBe('string');
  });
});
