/**
 * Shared set-up of the meeting integration tests: two Parley instances as separate processes on
 * one fresh PostgreSQL database and one fresh Redis prefix, users, sockets, acks and an event log.
 */
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
import { checkContractAck } from '../support/contractAck.js';
import { buildServer, startServerProcess, type Env, type ServerProcess } from '../support/serverProcess.js';
import {
  clearRedisPrefix,
  createTestDatabase,
  freshRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
} from '../support/testDatabase.js';
import { request, uniqueName } from './_http.js';

export interface Cluster {
  a: ServerProcess;
  b: ServerProcess;
  db: TestDatabase;
  prefix: string;
  env: Env;
  /** Stops both instances, drops the database and clears the Redis prefix; safe to call twice. */
  stop(): Promise<void>;
}

/** Two instances, started one after the other (A applies the migrations). */
export async function startCluster(label: string, ports: [number, number], env: Env = {}): Promise<Cluster> {
  buildServer();
  const db = await createTestDatabase(label);
  const prefix = freshRedisPrefix(label);
  const fullEnv: Env = {
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_PREFIX: prefix,
    // Both instances must accept the same session tokens.
    JWT_SECRET: `meetings-test-jwt-secret-${prefix}`,
    LOG_LEVEL: 'debug',
    ...env,
  };
  const started: ServerProcess[] = [];
  const stop = async () => {
    await Promise.allSettled(started.map((s) => s.stop()));
    await db.drop().catch(() => undefined);
    await clearRedisPrefix(prefix).catch(() => undefined);
  };
  try {
    started.push(await startServerProcess({ env: fullEnv, port: ports[0], name: `${label}-a` }));
    started.push(await startServerProcess({ env: fullEnv, port: ports[1], name: `${label}-b` }));
  } catch (error) {
    await stop();
    throw error;
  }
  return { a: started[0]!, b: started[1]!, db, prefix, env: fullEnv, stop };
}

export interface TestUser {
  user: User;
  token: string;
}

export async function registerUser(url: string, prefix = 'm'): Promise<TestUser> {
  const username = uniqueName(prefix);
  const res = await request<{ user: User; token: string }>(`${url}/api/auth/register`, {
    json: { username, password: 'correct horse battery', displayName: username.toUpperCase() },
  });
  expect(res.status, res.text).toBe(201);
  return { user: res.body.user, token: res.body.token };
}

export interface Recorded {
  event: string;
  payload: unknown;
  at: number;
}

/** A socket.io-client connection with every received event recorded from the first moment. */
export class TestSocket {
  readonly socket: Socket;
  readonly events: Recorded[] = [];
  private waiters = new Set<() => void>();

  constructor(url: string, token: string) {
    this.socket = io(url, { auth: { token }, transports: ['websocket'], autoConnect: false, reconnection: false });
    this.socket.onAny((event: string, payload: unknown) => {
      this.events.push({ event, payload, at: Date.now() });
      for (const wake of this.waiters) wake();
    });
  }

  get id(): string {
    return this.socket.id ?? '';
  }

  connect(timeoutMs = 5000): Promise<this> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket connect timeout')), timeoutMs);
      this.socket.once('connect', () => {
        clearTimeout(timer);
        resolve(this);
      });
      this.socket.once('connect_error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      this.socket.connect();
    });
  }

  /** Emits contract event `event` and resolves with its acknowledgement, checked against the contract's ack schema. */
  ack<E extends ClientEventName>(
    event: E,
    payload?: ClientEventPayload<E>,
    timeoutMs = 5000,
  ): Promise<Ack<ClientEventAck<E>>> {
    const answer = this.socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<Ack<ClientEventAck<E>>>;
    return answer.then((ack) => checkContractAck(event, ack));
  }

  /** Emits any event with any payload (unknown events, malformed payloads): the ack, unchecked. */
  ackRaw(event: string, payload?: unknown, timeoutMs = 5000): Promise<unknown> {
    return this.socket.timeout(timeoutMs).emitWithAck(event, payload) as Promise<unknown>;
  }

  /** The first recorded contract event (past or future) with this name that matches. */
  waitFor<E extends ServerEventName>(
    event: E,
    match: (payload: ServerEventPayload<E>) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<ServerEventPayload<E>> {
    return this.waitForRaw(event, (payload) => match(payload as ServerEventPayload<E>), timeoutMs) as Promise<
      ServerEventPayload<E>
    >;
  }

  /** The first recorded event of any name (past or future) that matches; its payload unchecked. */
  waitForRaw(event: string, match: (payload: unknown) => boolean = () => true, timeoutMs = 5000): Promise<unknown> {
    const found = () => this.events.find((r) => r.event === event && match(r.payload));
    const hit = found();
    if (hit) return Promise.resolve(hit.payload);
    return new Promise((resolve, reject) => {
      const wake = () => {
        const r = found();
        if (!r) return;
        cleanup();
        resolve(r.payload);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `no "${event}" event matched within ${timeoutMs} ms; got: ${JSON.stringify(this.events.map((e) => [e.event, e.payload])).slice(0, 2000)}`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      this.waiters.add(wake);
    });
  }

  /** Every recorded contract event with this name that matches. */
  all<E extends ServerEventName>(
    event: E,
    match: (payload: ServerEventPayload<E>) => boolean = () => true,
  ): ServerEventPayload<E>[] {
    return this.allRaw(event, (payload) => match(payload as ServerEventPayload<E>)) as ServerEventPayload<E>[];
  }

  /** Every recorded event of any name that matches; payloads unchecked. */
  allRaw(event: string, match: (payload: unknown) => boolean = () => true): unknown[] {
    return this.events.filter((r) => r.event === event && match(r.payload)).map((r) => r.payload);
  }

  close(): void {
    this.socket.disconnect();
  }
}

const open = new Set<TestSocket>();

export async function connectSocket(url: string, token: string): Promise<TestSocket> {
  const socket = new TestSocket(url, token);
  open.add(socket);
  return socket.connect();
}

/** Closes every socket opened by connectSocket (afterAll / afterEach). */
export function closeAllSockets(): void {
  for (const socket of open) socket.close();
  open.clear();
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Matches a payload of meeting `meetingId`: `{meetingId}` or `{meeting: {id}}`. */
export const forMeeting =
  (meetingId: string) =>
  (payload: unknown): boolean => {
    if (typeof payload !== 'object' || payload === null) return false;
    const { meetingId: id, meeting } = payload as { meetingId?: unknown; meeting?: { id?: unknown } | null };
    return id === meetingId || (typeof meeting === 'object' && meeting !== null && meeting.id === meetingId);
  };

/** Asserts an unchecked ack (`ackRaw`) has the shape of an ack, `{ok: boolean, ...}`. */
export function asAck(value: unknown): Ack {
  expect(value).toMatchObject({ ok: expect.any(Boolean) as unknown });
  return value as Ack;
}

/** Asserts an ack is `{ok: true, ...}` (a failure names `label` and the ack) and narrows it. */
export function assertOk<T extends object>(ack: Ack<T>, label: string): AckOk<T> {
  expect(ack.ok, `${label}: ${JSON.stringify(ack)}`).toBe(true);
  if (!ack.ok) throw new Error(`${label}: ${JSON.stringify(ack)}`);
  return ack;
}

/** Sends `event` and expects `{ok: true}` (the ack is returned; a failure names the event and the ack). */
export async function expectOk<E extends ClientEventName>(
  socket: TestSocket,
  event: E,
  payload: ClientEventPayload<E>,
  timeoutMs = 5000,
): Promise<AckOk<ClientEventAck<E>>> {
  return assertOk(await socket.ack(event, payload, timeoutMs), event);
}

/** `join_meeting` that must succeed; returns its ack. */
export async function joinOk(socket: TestSocket, meetingId: string): Promise<AckOk<ClientEventAck<'join_meeting'>>> {
  return expectOk(socket, 'join_meeting', { meetingId });
}
