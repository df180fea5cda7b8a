/**
 * Helpers of the chat integration tests: two (or more) server processes on one fresh
 * PostgreSQL database and one Redis prefix, HTTP calls, and socket clients that record events.
 */
import { randomBytes } from 'node:crypto';
import type {
  Ack,
  AckOk,
  ClientEventAck,
  ClientEventName,
  ClientEventPayload,
  ServerEventName,
  ServerEventPayload,
  User,
} from '@parley/protocol';
import { io, type Socket } from 'socket.io-client';
import { expect } from 'vitest';
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

export interface ReceivedEvent {
  event: string;
  payload: unknown;
}

/** A connected socket.io client that keeps every event it receives. */
export class TestClient {
  readonly received: ReceivedEvent[] = [];

  private constructor(readonly socket: Socket) {
    socket.onAny((event: string, payload: unknown) => this.received.push({ event, payload }));
  }

  static connect(base: string, token: string): Promise<TestClient> {
    const socket = io(base, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
    const client = new TestClient(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(client));
      socket.once('connect_error', (error) => reject(error));
    });
  }

  /**
   * Emits contract event `event` with an acknowledgement; rejects when none arrives in time. Without
   * a payload nothing but the event name is sent (as `socket.emit(event)` would).
   */
  request<E extends ClientEventName>(
    event: E,
    ...payload: [] | [ClientEventPayload<E>]
  ): Promise<Ack<ClientEventAck<E>>> {
    return this.requestRaw<Ack<ClientEventAck<E>>>(event, ...payload);
  }

  /** Emits contract event `event` and expects `{ok: true}` (a failure names the event and the ack). */
  async requestOk<E extends ClientEventName>(
    event: E,
    ...payload: [] | [ClientEventPayload<E>]
  ): Promise<AckOk<ClientEventAck<E>>> {
    const ack = await this.request(event, ...payload);
    expect(ack.ok, `${event}: ${JSON.stringify(ack)}`).toBe(true);
    if (!ack.ok) throw new Error(`${event}: ${JSON.stringify(ack)}`);
    return ack;
  }

  /**
   * Emits any event with any arguments (unknown events, malformed payloads): the ack, unchecked
   * (`T` is the shape the caller expects; `unknown` unless named).
   */
  requestRaw<T = unknown>(event: string, ...args: unknown[]): Promise<T> {
    return this.socket.timeout(5000).emitWithAck(event, ...args) as Promise<T>;
  }

  /** Every recorded contract event with this name that matches. */
  events<E extends ServerEventName>(
    event: E,
    match: (payload: ServerEventPayload<E>) => boolean = () => true,
  ): ServerEventPayload<E>[] {
    return this.received
      .filter((r) => r.event === event && match(r.payload as ServerEventPayload<E>))
      .map((r) => r.payload as ServerEventPayload<E>);
  }

  /** The first recorded contract event (past or future) with this name that matches. */
  async waitFor<E extends ServerEventName>(
    event: E,
    match: (payload: ServerEventPayload<E>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<ServerEventPayload<E>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const [found] = this.events(event, match);
      if (found !== undefined) return found;
      if (Date.now() > deadline) {
        throw new Error(`no "${event}" event in ${timeoutMs} ms; got ${JSON.stringify(this.received).slice(0, 500)}`);
      }
      await sleep(20);
    }
  }

  close(): void {
    this.socket.disconnect();
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
