/**
 * Helpers of the chat integration tests: two (or more) server processes on one fresh
 * PostgreSQL database and one Redis prefix, users and HTTP calls (the sockets: ./testSocket.ts).
 */
import { randomBytes } from 'node:crypto';
import type { User } from '@parley/protocol';
import { buildServer, startServerProcess, type Env, type ServerProcess } from '../support/serverProcess.js';
import { clearRedisPrefix, createTestDatabase, freshRedisPrefix, TEST_REDIS_URL } from '../support/testDatabase.js';

export interface Cluster {
  servers: ServerProcess[];
  env: Env;
  /** Starts one more instance on the same database and Redis. */
  add(port: number, name: string): Promise<ServerProcess>;
  close(): Promise<void>;
}

/** Instances on `ports`, sharing a new database, a new Redis prefix and one JWT secret. */
export async function startCluster(label: string, ports: number[], extraEnv: Env = {}): Promise<Cluster> {
  buildServer();
  const database = await createTestDatabase(label);
  const prefix = freshRedisPrefix(label);
  const env: Env = {
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    JWT_SECRET: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  const servers: ServerProcess[] = [];
  const add = async (port: number, name: string) => {
    const server = await startServerProcess({ env, port, name: `${label}-${name}` });
    servers.push(server);
    return server;
  };
  const close = async () => {
    await Promise.allSettled(servers.map((server) => server.stop()));
    await database.drop();
    await clearRedisPrefix(prefix);
  };
  // Together: instances that start at once queue on the migration lock.
  const results = await Promise.allSettled(ports.map((port, i) => add(port, String.fromCharCode(97 + i))));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await close();
    throw failed.reason;
  }
  servers.sort((x, y) => ports.indexOf(x.port) - ports.indexOf(y.port));
  return { servers, env, add, close };
}

/** An HTTP answer; `T` is the JSON body's shape the caller expects (unchecked: `unknown` unless named). */
export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

export async function api<T = unknown>(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

export interface TestUser {
  id: string;
  username: string;
  token: string;
}

export async function registerUser(base: string, username: string): Promise<TestUser> {
  const response = await api<{ user: User; token: string }>(base, 'POST', '/api/auth/register', {
    body: { username, password: 'correct horse battery' },
  });
  if (response.status !== 201)
    throw new Error(`register ${username}: ${response.status} ${JSON.stringify(response.body)}`);
  return { id: response.body.user.id, username, token: response.body.token };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
