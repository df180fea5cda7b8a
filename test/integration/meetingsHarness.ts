/**
 * Shared set-up of the meeting integration tests: two Parley instances as separate processes on
 * one fresh PostgreSQL database and one fresh Redis prefix, users, and meeting helpers for the
 * sockets (./testSocket.ts).
 */
import type { AckOk, ClientEventAck, User } from '@parley/protocol';
import { expect } from 'vitest';
import { buildServer, startServerProcess, type Env, type ServerProcess } from '../support/serverProcess.js';
import {
  clearRedisPrefix,
  createTestDatabase,
  freshRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
} from '../support/testDatabase.js';
import { request, uniqueName } from './_http.js';
import { expectOk, type TestSocket } from './testSocket.js';

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

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Matches a payload of meeting `meetingId`: `{meetingId}` or `{meeting: {id}}`. */
export const forMeeting =
  (meetingId: string) =>
  (payload: unknown): boolean => {
    if (typeof payload !== 'object' || payload === null) return false;
    const { meetingId: id, meeting } = payload as { meetingId?: unknown; meeting?: { id?: unknown } | null };
    return id === meetingId || (typeof meeting === 'object' && meeting !== null && meeting.id === meetingId);
  };

/** `join_meeting` that must succeed; returns its ack. */
export async function joinOk(socket: TestSocket, meetingId: string): Promise<AckOk<ClientEventAck<'join_meeting'>>> {
  return expectOk(socket, 'join_meeting', { meetingId });
}
